package dev.cairn.core.type.string;

import static dev.cairn.core.type.string.InProcessClient.NIL;
import static dev.cairn.core.type.string.InProcessClient.OK;
import static dev.cairn.core.type.string.InProcessClient.WRONGTYPE;
import static dev.cairn.core.type.string.InProcessClient.bulk;
import static dev.cairn.core.type.string.InProcessClient.error;
import static dev.cairn.core.type.string.InProcessClient.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.keyspace.Values;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** String commands through the dispatcher, in process: replies, types, propagation, events, encodings. */
class StringCommandsTest {
  private InProcessClient c;

  @BeforeEach
  void setUp() {
    c = new InProcessClient();
  }

  @Test
  @DisplayName("Every string command refuses a key of another type")
  void wrongType() {
    c.putOther("l");
    String[][] commands = {
        {"get", "l"}, {"set", "l", "v", "get"}, {"getex", "l"}, {"getex", "l", "ex", "10"}, {"getdel", "l"},
        {"getset", "l", "v"}, {"strlen", "l"}, {"append", "l", "x"}, {"getrange", "l", "0", "1"},
        {"substr", "l", "0", "1"}, {"setrange", "l", "0", "x"}, {"setrange", "l", "0", ""}, {"incr", "l"},
        {"decr", "l"}, {"incrby", "l", "1"}, {"decrby", "l", "1"}, {"incrbyfloat", "l", "1"},
        {"setbit", "l", "0", "1"}, {"getbit", "l", "0"}, {"bitcount", "l"}, {"bitpos", "l", "1"},
        {"bitop", "and", "d", "l"}, {"bitfield", "l", "get", "u8", "0"}, {"bitfield", "l", "set", "u8", "0", "1"},
        {"bitfield_ro", "l", "get", "u8", "0"},
    };
    for (String[] cmd : commands) {
      assertEquals(WRONGTYPE, c.run(cmd), String.join(" ", cmd));
    }
    assertEquals(error("ERR The specified keys must contain string values"), c.run("lcs", "l", "x"));
    // the key is untouched by every one of them
    assertEquals("list", Values.typeName(c.value("l")));
    // MGET answers nil for it; SET without GET replaces it
    assertEquals("*2\r\n$-1\r\n$-1\r\n", c.run("mget", "l", "nokey"));
    assertEquals(OK, c.run("set", "l", "v"));
    assertEquals(bulk("v"), c.run("get", "l"));
  }

  @Test
  void setOptionConflictsAreSyntaxErrors() {
    String syntax = error("ERR syntax error");
    String[][] bad = {
        {"nx", "xx"}, {"xx", "nx"}, {"ex", "10", "px", "100"}, {"ex", "10", "keepttl"}, {"keepttl", "pxat", "1"},
        {"ex"}, {"persist"}, {"foo"}, {"exat", "1", "ex", "1"},
    };
    for (String[] opts : bad) {
      String[] cmd = new String[3 + opts.length];
      cmd[0] = "set";
      cmd[1] = "k";
      cmd[2] = "v";
      System.arraycopy(opts, 0, cmd, 3, opts.length);
      assertEquals(syntax, c.run(cmd), String.join(" ", cmd));
    }
    assertEquals(syntax, c.run("getex", "k", "nx"));
    assertEquals(syntax, c.run("getex", "k", "keepttl"));
    assertEquals(syntax, c.run("getex", "k", "persist", "ex", "1"));
    // the same expiry twice is accepted, the last one wins
    assertEquals(OK, c.run("set", "k", "v", "px", "100000", "px", "200000"));
    long ttl = c.expireAt("k") - c.engine.keyspace().now();
    assertTrue(ttl > 100_000 && ttl <= 200_000, "ttl " + ttl);
  }

  @Test
  void invalidExpireTimesNameTheCommand() {
    assertEquals(error("ERR invalid expire time in 'set' command"), c.run("set", "k", "v", "ex", "0"));
    assertEquals(error("ERR invalid expire time in 'set' command"), c.run("set", "k", "v", "px", "-1"));
    assertEquals(error("ERR invalid expire time in 'set' command"),
        c.run("set", "k", "v", "ex", "9223372036854776"));
    assertEquals(error("ERR invalid expire time in 'set' command"),
        c.run("set", "k", "v", "px", "9223372036854775807"));
    assertEquals(error("ERR value is not an integer or out of range"), c.run("set", "k", "v", "ex", "1.5"));
    assertEquals(error("ERR invalid expire time in 'setex' command"), c.run("setex", "k", "0", "v"));
    assertEquals(error("ERR invalid expire time in 'psetex' command"), c.run("psetex", "k", "-5", "v"));
    assertEquals(integer(0), c.run("exists", "k"));
    c.run("set", "k", "v");
    assertEquals(error("ERR invalid expire time in 'getex' command"), c.run("getex", "k", "ex", "-1"));
    // a missing key is answered before the expiry is looked at
    assertEquals(NIL, c.run("getex", "nokey", "ex", "-1"));
  }

  @Test
  void setWithRelativeExpiryPropagatesAbsoluteTime() {
    c.clearRecords();
    assertEquals(OK, c.run("set", "k", "v", "ex", "100"));
    long at = c.expireAt("k");
    assertEquals(c.engine.keyspace().now() + 100_000, at);
    assertEquals(List.of("SET k v PXAT " + at), c.propagated);
    assertEquals(List.of("set:k", "expire:k"), c.events);
    assertEquals(List.of("k"), c.modified);

    c.clearRecords();
    c.run("setex", "k", "10", "v2");
    assertEquals(List.of("SET k v2 PXAT " + c.expireAt("k")), c.propagated);
    c.clearRecords();
    c.run("psetex", "k", "1500", "v3");
    assertEquals(List.of("SET k v3 PXAT " + c.expireAt("k")), c.propagated);

    // PXAT is already absolute: propagated as sent
    c.clearRecords();
    String at2 = Long.toString(c.engine.keyspace().now() + 5000);
    c.run("set", "k", "v", "pxat", at2, "get");
    assertEquals(List.of("set k v pxat " + at2 + " get"), c.propagated);
  }

  @Test
  void setGetPropagatesWithoutGet() {
    c.run("set", "k", "old");
    c.clearRecords();
    assertEquals(bulk("old"), c.run("set", "k", "new", "GET", "xx", "get"));
    assertEquals(List.of("set k new xx"), c.propagated);
  }

  @Test
  void setKeepTtlAndPlainSetClearsTtl() {
    c.run("set", "k", "v", "px", "100000");
    long at = c.expireAt("k");
    c.run("set", "k", "v2", "keepttl");
    assertEquals(at, c.expireAt("k"));
    c.run("set", "k", "v3");
    assertEquals(-1, c.expireAt("k"));
  }

  @Test
  void setNxXxAndGet() {
    assertEquals(NIL, c.run("set", "k", "v", "xx"));
    assertEquals(NIL, c.run("set", "k", "v", "nx", "get"));
    assertEquals(bulk("v"), c.run("set", "k", "w", "nx", "get"));
    assertEquals(bulk("v"), c.run("get", "k"));
    assertEquals(NIL, c.run("set", "k", "w", "nx"));
    c.clearRecords();
    c.run("set", "k", "w", "nx");
    assertEquals(List.of(), c.propagated); // nothing changed, nothing propagated
    assertEquals(integer(0), c.run("setnx", "k", "x"));
    assertEquals(integer(1), c.run("setnx", "k2", "x"));
  }

  @Test
  void setPastAbsoluteExpiryLeavesNoKey() {
    assertEquals(OK, c.run("set", "k", "v", "pxat", "1"));
    assertEquals(NIL, c.run("get", "k"));
    assertEquals(OK, c.run("set", "k", "v", "exat", "1"));
    assertEquals(integer(0), c.run("exists", "k"));
  }

  @Test
  void getexOptions() {
    c.run("set", "k", "v");
    c.clearRecords();
    assertEquals(bulk("v"), c.run("getex", "k"));
    assertEquals(List.of(), c.propagated);

    assertEquals(bulk("v"), c.run("getex", "k", "ex", "100"));
    long at = c.expireAt("k");
    assertEquals(c.engine.keyspace().now() + 100_000, at);
    assertEquals(List.of("PEXPIREAT k " + at), c.propagated);
    assertEquals(List.of("expire:k"), c.events);

    c.clearRecords();
    assertEquals(bulk("v"), c.run("getex", "k", "persist"));
    assertEquals(-1, c.expireAt("k"));
    assertEquals(List.of("PERSIST k"), c.propagated);
    assertEquals(List.of("persist:k"), c.events);

    c.clearRecords();
    assertEquals(bulk("v"), c.run("getex", "k", "persist"));
    assertEquals(List.of(), c.propagated); // no TTL to remove

    assertEquals(bulk("v"), c.run("getex", "k", "pxat", "1"));
    assertEquals(List.of("DEL k"), c.propagated);
    assertEquals(List.of("del:k"), c.events);
    assertEquals(-2, c.expireAt("k"));

    c.run("set", "k", "v");
    c.engine.params().memory.lazyfreeLazyExpire.value = true;
    c.clearRecords();
    assertEquals(bulk("v"), c.run("getex", "k", "exat", "1"));
    assertEquals(List.of("UNLINK k"), c.propagated);
    assertEquals(List.of("del:k"), c.events);
  }

  @Test
  void getdelAndGetset() {
    c.run("set", "k", "v");
    c.clearRecords();
    assertEquals(bulk("v"), c.run("getdel", "k"));
    assertEquals(NIL, c.run("getdel", "k"));
    assertEquals(List.of("DEL k"), c.propagated);
    assertEquals(List.of("del:k"), c.events);

    c.run("set", "k", "a", "px", "100000");
    c.clearRecords();
    assertEquals(bulk("a"), c.run("getset", "k", "b"));
    assertEquals(-1, c.expireAt("k")); // GETSET drops the TTL as SET does
    assertEquals(List.of("SET k b"), c.propagated);
    assertEquals(NIL, c.run("getset", "new", "x"));
  }

  @Test
  void msetArityAndNx() {
    assertEquals(error("ERR wrong number of arguments for 'mset' command"), c.run("mset", "a", "1", "b"));
    assertEquals(error("ERR wrong number of arguments for 'msetnx' command"), c.run("msetnx", "a", "1", "b"));
    c.clearRecords();
    assertEquals(OK, c.run("mset", "a", "1", "b", "2"));
    assertEquals(List.of("set:a", "set:b"), c.events);
    assertEquals(integer(0), c.run("msetnx", "c", "3", "a", "x"));
    assertEquals(integer(0), c.run("exists", "c"));
    assertEquals(integer(1), c.run("msetnx", "c", "3", "d", "4"));
    assertEquals("*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", c.run("mget", "a", "b", "c", "d"));
  }

  @Test
  @DisplayName("APPEND modifies the encoding from int to raw, and grows in place")
  void appendEncoding() {
    c.run("set", "foo", "1");
    assertEquals("int", Values.encoding(c.value("foo")));
    assertEquals(integer(2), c.run("append", "foo", "2"));
    assertEquals("raw", Values.encoding(c.value("foo")));
    assertEquals(bulk("12"), c.run("get", "foo"));
    assertEquals(integer(13), c.run("incr", "foo"));
    assertEquals("int", Values.encoding(c.value("foo")));
    assertEquals(integer(3), c.run("append", "bar", "abc")); // a new key holds the argument as SET would
    assertEquals("embstr", Values.encoding(c.value("bar")));

    Object first = null;
    StringBuilder expect = new StringBuilder("abc");
    for (int i = 0; i < 2000; i++) {
      c.run("append", "bar", "xy");
      expect.append("xy");
      if (i == 0) {
        first = c.value("bar");
      }
    }
    assertInstanceOf(RawString.class, first);
    assertTrue(first == c.value("bar"), "appends change the same value in place");
    assertEquals(bulk(expect.toString()), c.run("get", "bar"));
    assertEquals(integer(expect.length()), c.run("strlen", "bar"));
  }

  @Test
  @DisplayName("INCR can modify objects in-place, and every string command reads the counter")
  void counterInPlace() {
    c.run("set", "n", "20000");
    c.run("incr", "n");
    Object counter = c.value("n");
    assertInstanceOf(IntString.class, counter);
    assertEquals("int", Values.encoding(counter));
    c.run("incr", "n");
    c.run("incrby", "n", "-5");
    assertTrue(counter == c.value("n"), "the same value, changed in place");
    assertEquals(bulk("19997"), c.run("get", "n"));
    assertEquals("*2\r\n$5\r\n19997\r\n$-1\r\n", c.run("mget", "n", "nokey"));
    assertEquals(integer(5), c.run("strlen", "n"));
    assertEquals(bulk("99"), c.run("getrange", "n", "2", "3"));
    assertEquals(integer(1), c.run("getbit", "n", "2")); // '1' is 0x31
    assertEquals(integer(20), c.run("bitcount", "n"));
    assertEquals(bulk("19997.5"), c.run("incrbyfloat", "n", "0.5"));
    c.run("incr", "m");
    assertEquals(integer(6), c.run("append", "m", "23456"));
    assertEquals(bulk("123456"), c.run("get", "m"));
    assertEquals("raw", Values.encoding(c.value("m")));
    c.run("incr", "b");
    assertEquals(integer(0), c.run("setbit", "b", "0", "0"));
    assertEquals(bulk("1"), c.run("get", "b"));
    c.run("incr", "r");
    assertEquals(integer(3), c.run("setrange", "r", "1", "ab"));
    assertEquals(bulk("1ab"), c.run("get", "r"));
    c.run("set", "x", "5");
    c.run("incr", "x");
    assertEquals(bulk("6"), c.run("getdel", "x"));
    assertArrayEquals("-42".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        StringValues.bytes(new IntString(-42)));
  }

  @Test
  void appendKeepsTtl() {
    c.run("set", "k", "v", "px", "100000");
    long at = c.expireAt("k");
    c.run("append", "k", "w");
    assertEquals(at, c.expireAt("k"));
    c.run("setrange", "k", "5", "z");
    assertEquals(at, c.expireAt("k"));
    c.run("incrbyfloat", "n", "1");
    c.run("set", "n", "1", "px", "100000");
    c.run("incr", "n");
    assertTrue(c.expireAt("n") > 0);
  }

  @Test
  @DisplayName("SETRANGE against integer-encoded key")
  void setrangeEncoding() {
    c.run("set", "k", "1234");
    assertEquals(integer(4), c.run("setrange", "k", "0", ""));
    assertEquals("int", Values.encoding(c.value("k")));
    assertEquals(integer(4), c.run("setrange", "k", "1", "3"));
    assertEquals("raw", Values.encoding(c.value("k")));
    assertEquals(bulk("1334"), c.run("get", "k"));
    assertEquals(integer(6), c.run("setrange", "k", "5", "2"));
    assertEquals(bulk("1334\0" + "2"), c.run("get", "k"));
  }

  @Test
  void setrangeLimitsAndErrors() {
    assertEquals(error("ERR offset is out of range"), c.run("setrange", "k", "-1", "x"));
    assertEquals(error("ERR value is not an integer or out of range"), c.run("setrange", "k", "a", "x"));
    assertEquals(integer(0), c.run("setrange", "k", "10", ""));
    assertEquals(integer(0), c.run("exists", "k"));
    assertEquals(error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
        c.run("setrange", "k", "536870912", "x"));
    assertEquals(error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
        c.run("setrange", "k", "9223372036854775807", "x"));
    c.run("set", "k", "abc");
    assertEquals(error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
        c.run("setrange", "k", "536870911", "xy"));
    c.clearRecords();
    assertEquals(integer(5), c.run("setrange", "k", "3", "de"));
    assertEquals(List.of("setrange:k"), c.events);
  }

  @Test
  void getrangeEdges() {
    c.run("set", "k", "Hello World");
    assertEquals(bulk("Hello"), c.run("getrange", "k", "0", "4"));
    assertEquals(bulk("World"), c.run("getrange", "k", "-5", "-1"));
    assertEquals(bulk(""), c.run("getrange", "k", "-1", "-5"));
    assertEquals(bulk("Hello World"), c.run("getrange", "k", "-100", "100"));
    assertEquals(bulk("H"), c.run("getrange", "k", "-100", "-90"));
    assertEquals(bulk(""), c.run("getrange", "k", "100", "200"));
    assertEquals(bulk(""), c.run("getrange", "nokey", "0", "-1"));
    assertEquals(bulk("ell"), c.run("substr", "k", "1", "3"));
    assertEquals(error("ERR value is not an integer or out of range"), c.run("getrange", "nokey", "x", "1"));
    c.run("set", "n", "1234");
    assertEquals(bulk("23"), c.run("getrange", "n", "1", "2"));
  }

  @Test
  void counters() {
    assertEquals(integer(1), c.run("incr", "n"));
    assertEquals(integer(0), c.run("decr", "n"));
    assertEquals(integer(-10), c.run("decrby", "n", "10"));
    assertEquals(integer(5), c.run("incrby", "n", "15"));
    c.run("set", "n", "9223372036854775807");
    assertEquals(error("ERR increment or decrement would overflow"), c.run("incr", "n"));
    c.run("set", "n", "-9223372036854775808");
    assertEquals(error("ERR increment or decrement would overflow"), c.run("decr", "n"));
    assertEquals(integer(-1), c.run("incrby", "n", "9223372036854775807"));
    assertEquals(error("ERR decrement would overflow"), c.run("decrby", "n", "-9223372036854775808"));
    for (String bad : new String[] {" 1", "1 ", "01", "+1", "-0", "1e5", "", "12345678901234567890"}) {
      c.run("set", "n", bad);
      assertEquals(error("ERR value is not an integer or out of range"), c.run("incr", "n"), "'" + bad + "'");
    }
    assertEquals(error("ERR value is not an integer or out of range"), c.run("incrby", "n2", "1.0"));
    c.clearRecords();
    c.run("incr", "n3");
    c.run("decrby", "n3", "4");
    assertEquals(List.of("incrby:n3", "incrby:n3"), c.events);
    assertEquals(List.of("incr n3", "decrby n3 4"), c.propagated);
  }

  @Test
  void incrbyfloat() {
    c.run("set", "f", "0.1");
    assertEquals(bulk("0.3"), c.run("incrbyfloat", "f", "0.2"));
    c.run("set", "f", "10.5");
    assertEquals(bulk("10.6"), c.run("incrbyfloat", "f", "0.1"));
    // what Redis answers too: the 80-bit sum is not exactly -4989.4
    assertEquals(bulk("-4989.39999999999999991"), c.run("incrbyfloat", "f", "-5.0e3"));
    assertEquals(bulk("3"), c.run("incrbyfloat", "n", "3.0"));
    assertEquals(error("ERR value is not a valid float"), c.run("incrbyfloat", "f", "abc"));
    assertEquals(error("ERR value is not a valid float"), c.run("incrbyfloat", "f", "nan"));
    assertEquals(error("ERR value is not a valid float"), c.run("incrbyfloat", "f", " 1"));
    assertEquals(error("ERR increment would produce NaN or Infinity"), c.run("incrbyfloat", "f", "inf"));
    c.run("set", "big", "1e4932");
    assertEquals(error("ERR increment would produce NaN or Infinity"), c.run("incrbyfloat", "big", "1e4932"));
    c.run("set", "s", "abc");
    assertEquals(error("ERR value is not a valid float"), c.run("incrbyfloat", "s", "1"));

    c.run("set", "t", "1", "px", "100000");
    c.clearRecords();
    assertEquals(bulk("2.5"), c.run("incrbyfloat", "t", "1.5"));
    assertEquals(List.of("SET t 2.5 KEEPTTL"), c.propagated);
    assertEquals(List.of("incrbyfloat:t"), c.events);
    assertTrue(c.expireAt("t") > 0);
  }

  @Test
  void lcs() {
    c.run("set", "a", "ohmytext");
    c.run("set", "b", "mynewtext");
    assertEquals(bulk("mytext"), c.run("lcs", "a", "b"));
    assertEquals(integer(6), c.run("lcs", "a", "b", "len"));
    assertEquals("*4\r\n$7\r\nmatches\r\n*2\r\n"
        + "*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        + "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
        + "$3\r\nlen\r\n:6\r\n", c.run("lcs", "a", "b", "idx"));
    assertEquals("*4\r\n$7\r\nmatches\r\n*1\r\n"
        + "*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
        + "$3\r\nlen\r\n:6\r\n", c.run("lcs", "a", "b", "idx", "minmatchlen", "4", "withmatchlen"));
    assertEquals(error("ERR If you want both the length and indexes, please just use IDX."),
        c.run("lcs", "a", "b", "len", "idx"));
    assertEquals(error("ERR syntax error"), c.run("lcs", "a", "b", "minmatchlen"));
    assertEquals(bulk(""), c.run("lcs", "a", "nokey"));
    assertEquals(integer(0), c.run("lcs", "x", "y", "len"));
  }

  @Test
  void resp3LcsIdxIsAMap() {
    c.session.writer.setProtocol(3);
    c.run("set", "a", "ab");
    c.run("set", "b", "ab");
    assertEquals("%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:1\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n",
        c.run("lcs", "a", "b", "idx"));
    assertEquals("_\r\n", c.run("get", "nokey"));
  }
}
