package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** List commands through a real server, replies compared byte for byte with Redis's. */
class ListIT extends ServerTestBase {
  private RawClient r;

  @BeforeEach
  void rawClient() throws Exception {
    r = raw();
  }

  private String q(String... args) throws Exception {
    return r.command(args).readReply();
  }

  static String bulk(String s) {
    return s == null ? "$-1\r\n" : "$" + s.length() + "\r\n" + s + "\r\n";
  }

  static String arr(String... elems) {
    StringBuilder sb = new StringBuilder("*").append(elems.length).append("\r\n");
    for (String e : elems) {
      sb.append(bulk(e));
    }
    return sb.toString();
  }

  static String i(long v) {
    return ":" + v + "\r\n";
  }

  static String err(String text) {
    return "-ERR " + text + "\r\n";
  }

  static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
  static final String NULL_ARRAY = "*-1\r\n";
  static final String NULL_BULK = "$-1\r\n";

  @Test
  void pushAndRange() throws Exception {
    assertEquals(i(3), q("RPUSH", "l", "a", "b", "c"));
    assertEquals(i(5), q("LPUSH", "l", "y", "z"));
    assertEquals(arr("z", "y", "a", "b", "c"), q("LRANGE", "l", "0", "-1"));
    assertEquals(arr("y", "a"), q("LRANGE", "l", "1", "2"));
    assertEquals(arr("z", "y", "a", "b", "c"), q("LRANGE", "l", "-100", "100"));
    assertEquals(arr(), q("LRANGE", "l", "3", "1"));
    assertEquals(arr(), q("LRANGE", "l", "5", "10"));
    assertEquals(arr(), q("LRANGE", "nokey", "0", "-1"));
    assertEquals(err("value is not an integer or out of range"), q("LRANGE", "l", "x", "1"));
    assertEquals(err("value is not an integer or out of range"), q("LRANGE", "nokey", "0", "1.5"));
    assertEquals(i(5), q("LLEN", "l"));
    assertEquals(i(0), q("LLEN", "nokey"));
    assertEquals(err("wrong number of arguments for 'lpush' command"), q("LPUSH", "l"));
  }

  @Test
  @DisplayName("LPUSHX, RPUSHX - generic")
  void pushx() throws Exception {
    assertEquals(i(0), q("LPUSHX", "nokey", "a"));
    assertEquals(i(0), q("RPUSHX", "nokey", "a"));
    assertEquals(i(0), q("EXISTS", "nokey"));
    q("RPUSH", "l", "m");
    assertEquals(i(3), q("LPUSHX", "l", "b", "a"));
    assertEquals(i(5), q("RPUSHX", "l", "y", "z"));
    assertEquals(arr("a", "b", "m", "y", "z"), q("LRANGE", "l", "0", "-1"));
  }

  @Test
  void integersAndBinaryValuesComeBackVerbatim() throws Exception {
    String[] values = {"0", "-1", "127", "128", "4095", "-4096", "32768", "-8388608", "2147483648",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "007", "+5", "1.5", "", "a b"};
    q(concat(new String[] {"RPUSH", "l"}, values));
    assertEquals(arr(values), q("LRANGE", "l", "0", "-1"));
    for (int k = 0; k < values.length; k++) {
      assertEquals(bulk(values[k]), q("LINDEX", "l", Integer.toString(k)));
    }
    assertEquals(i(1), q("LREM", "l", "0", "007"));
    assertEquals(i(0), q("LREM", "l", "0", "7"));
    assertEquals(i(1), q("LREM", "l", "0", "-9223372036854775808"));
  }

  @Test
  void popWithAndWithoutCount() throws Exception {
    q("RPUSH", "l", "a", "b", "c", "d", "e");
    assertEquals(bulk("a"), q("LPOP", "l"));
    assertEquals(bulk("e"), q("RPOP", "l"));
    assertEquals(arr("b", "c"), q("LPOP", "l", "2"));
    assertEquals(arr(), q("LPOP", "l", "0"));
    assertEquals(arr("d"), q("RPOP", "l", "10"));
    assertEquals(i(0), q("EXISTS", "l"));
    assertEquals(NULL_BULK, q("LPOP", "l"));
    assertEquals(NULL_ARRAY, q("LPOP", "l", "0"));
    assertEquals(NULL_ARRAY, q("RPOP", "l", "3"));
    assertEquals(err("value is out of range, must be positive"), q("LPOP", "l", "-1"));
    assertEquals(err("value is out of range, must be positive"), q("RPOP", "l", "x"));
    assertEquals(err("wrong number of arguments for 'lpop' command"), q("LPOP", "l", "1", "2"));
    q("RPUSH", "m", "a", "b", "c");
    assertEquals(arr("c", "b"), q("RPOP", "m", "2"));
  }

  @Test
  void wrongType() throws Exception {
    q("SET", "s", "x");
    for (String[] cmd : new String[][] {{"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "1"},
        {"LLEN", "s"}, {"LRANGE", "s", "0", "1"}, {"LINDEX", "s", "0"}, {"LSET", "s", "0", "a"},
        {"LINSERT", "s", "before", "a", "b"}, {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"}, {"LPOS", "s", "a"},
        {"LMOVE", "s", "d", "left", "right"}, {"RPOPLPUSH", "s", "d"}, {"LMPOP", "1", "s", "left"},
        {"BLPOP", "s", "0"}, {"BRPOP", "s", "0"}, {"BLMOVE", "s", "d", "left", "left", "0"},
        {"BLMPOP", "0", "1", "s", "left"}}) {
      assertEquals(WRONGTYPE, q(cmd), String.join(" ", cmd));
    }
    assertEquals(bulk("x"), q("GET", "s"));
  }

  @Test
  void lindexAndLset() throws Exception {
    q("RPUSH", "l", "a", "b", "c");
    assertEquals(bulk("a"), q("LINDEX", "l", "0"));
    assertEquals(bulk("c"), q("LINDEX", "l", "-1"));
    assertEquals(bulk("a"), q("LINDEX", "l", "-3"));
    assertEquals(NULL_BULK, q("LINDEX", "l", "3"));
    assertEquals(NULL_BULK, q("LINDEX", "l", "-4"));
    assertEquals(NULL_BULK, q("LINDEX", "nokey", "notanumber")); // the key is looked up first
    assertEquals(err("value is not an integer or out of range"), q("LINDEX", "l", "x"));
    assertEquals("+OK\r\n", q("LSET", "l", "1", "B"));
    assertEquals("+OK\r\n", q("LSET", "l", "-1", "C"));
    assertEquals(arr("a", "B", "C"), q("LRANGE", "l", "0", "-1"));
    assertEquals(err("index out of range"), q("LSET", "l", "3", "x"));
    assertEquals(err("index out of range"), q("LSET", "l", "-4", "x"));
    assertEquals(err("no such key"), q("LSET", "nokey", "0", "x"));
    assertEquals(err("value is not an integer or out of range"), q("LSET", "l", "x", "y"));
  }

  @Test
  void linsert() throws Exception {
    q("RPUSH", "l", "a", "b", "c");
    assertEquals(i(4), q("LINSERT", "l", "BEFORE", "b", "x"));
    assertEquals(i(5), q("LINSERT", "l", "after", "c", "z"));
    assertEquals(arr("a", "x", "b", "c", "z"), q("LRANGE", "l", "0", "-1"));
    assertEquals(i(-1), q("LINSERT", "l", "before", "nope", "y"));
    assertEquals(i(0), q("LINSERT", "nokey", "before", "a", "y"));
    assertEquals(err("syntax error"), q("LINSERT", "l", "middle", "a", "y"));
    assertEquals(err("syntax error"), q("LINSERT", "nokey", "middle", "a", "y"));
  }

  @Test
  void lremAndLtrim() throws Exception {
    q("RPUSH", "l", "a", "b", "a", "c", "a", "b");
    assertEquals(i(1), q("LREM", "l", "-1", "a"));
    assertEquals(arr("a", "b", "a", "c", "b"), q("LRANGE", "l", "0", "-1"));
    assertEquals(i(2), q("LREM", "l", "0", "a"));
    assertEquals(i(1), q("LREM", "l", "1", "b"));
    assertEquals(i(0), q("LREM", "nokey", "1", "b"));
    assertEquals(err("value is not an integer or out of range"), q("LREM", "l", "x", "b"));
    q("DEL", "l");
    q("RPUSH", "l", "1", "2", "3", "4", "5");
    assertEquals("+OK\r\n", q("LTRIM", "l", "1", "-2"));
    assertEquals(arr("2", "3", "4"), q("LRANGE", "l", "0", "-1"));
    assertEquals("+OK\r\n", q("LTRIM", "l", "-100", "100"));
    assertEquals(arr("2", "3", "4"), q("LRANGE", "l", "0", "-1"));
    assertEquals("+OK\r\n", q("LTRIM", "l", "2", "1"));
    assertEquals(i(0), q("EXISTS", "l"));
    assertEquals("+OK\r\n", q("LTRIM", "nokey", "0", "1"));
    assertEquals(err("value is not an integer or out of range"), q("LTRIM", "nokey", "a", "1"));
    q("RPUSH", "l", "a", "a");
    assertEquals(i(2), q("LREM", "l", "0", "a"));
    assertEquals(i(0), q("EXISTS", "l"));
  }

  @Test
  void lpos() throws Exception {
    q("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c");
    assertEquals(i(2), q("LPOS", "l", "c"));
    assertEquals(i(6), q("LPOS", "l", "c", "RANK", "2"));
    assertEquals(i(7), q("LPOS", "l", "c", "RANK", "-1"));
    assertEquals(i(6), q("LPOS", "l", "c", "RANK", "-2"));
    assertEquals("*3\r\n:2\r\n:6\r\n:7\r\n", q("LPOS", "l", "c", "COUNT", "0"));
    assertEquals("*2\r\n:7\r\n:6\r\n", q("LPOS", "l", "c", "COUNT", "2", "RANK", "-1"));
    assertEquals("*0\r\n", q("LPOS", "l", "x", "COUNT", "0"));
    assertEquals(NULL_BULK, q("LPOS", "l", "x"));
    assertEquals(NULL_BULK, q("LPOS", "l", "c", "MAXLEN", "2"));
    assertEquals("*1\r\n:2\r\n", q("LPOS", "l", "c", "MAXLEN", "3", "COUNT", "0"));
    assertEquals(NULL_BULK, q("LPOS", "nokey", "c"));
    assertEquals("*0\r\n", q("LPOS", "nokey", "c", "COUNT", "5"));
    assertEquals(err("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative "
        + "to start from the end of the list"), q("LPOS", "l", "c", "RANK", "0"));
    assertEquals(err("COUNT can't be negative"), q("LPOS", "l", "c", "COUNT", "-1"));
    assertEquals(err("MAXLEN can't be negative"), q("LPOS", "l", "c", "MAXLEN", "-1"));
    assertEquals(err("syntax error"), q("LPOS", "l", "c", "RANK"));
    assertEquals(err("syntax error"), q("LPOS", "l", "c", "FOO", "1"));
    assertEquals(err("value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
        q("LPOS", "l", "c", "RANK", "-9223372036854775808"));
    assertEquals(i(3), q("LPOS", "l", "1"));
  }

  @Test
  void lmoveAndRpoplpush() throws Exception {
    q("RPUSH", "src", "a", "b", "c");
    assertEquals(bulk("c"), q("RPOPLPUSH", "src", "dst"));
    assertEquals(bulk("a"), q("LMOVE", "src", "dst", "LEFT", "RIGHT"));
    assertEquals(arr("c", "a"), q("LRANGE", "dst", "0", "-1"));
    assertEquals(bulk("b"), q("LMOVE", "src", "dst", "right", "left"));
    assertEquals(i(0), q("EXISTS", "src"));
    assertEquals(NULL_BULK, q("LMOVE", "src", "dst", "left", "left"));
    assertEquals(err("syntax error"), q("LMOVE", "src", "dst", "up", "left"));
    // rotation on one key, including a one-element list
    assertEquals(bulk("b"), q("LMOVE", "dst", "dst", "left", "right"));
    assertEquals(arr("c", "a", "b"), q("LRANGE", "dst", "0", "-1"));
    q("RPUSH", "one", "x");
    assertEquals(bulk("x"), q("RPOPLPUSH", "one", "one"));
    assertEquals(arr("x"), q("LRANGE", "one", "0", "-1"));
    // a wrong-typed destination leaves the source alone
    q("SET", "str", "v");
    assertEquals(WRONGTYPE, q("LMOVE", "dst", "str", "left", "left"));
    assertEquals(i(3), q("LLEN", "dst"));
  }

  @Test
  void lmpop() throws Exception {
    q("RPUSH", "b", "1", "2", "3");
    assertEquals("*2\r\n" + bulk("b") + arr("1"), q("LMPOP", "2", "a", "b", "LEFT"));
    assertEquals("*2\r\n" + bulk("b") + arr("3", "2"), q("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "10"));
    assertEquals(NULL_ARRAY, q("LMPOP", "2", "a", "b", "LEFT"));
    assertEquals(err("numkeys should be greater than 0"), q("LMPOP", "0", "a", "left"));
    assertEquals(err("numkeys should be greater than 0"), q("LMPOP", "x", "a", "left"));
    assertEquals(err("syntax error"), q("LMPOP", "3", "a", "left"));
    assertEquals(err("syntax error"), q("LMPOP", "1", "a", "middle"));
    assertEquals(err("count should be greater than 0"), q("LMPOP", "1", "a", "left", "COUNT", "0"));
    assertEquals(err("syntax error"), q("LMPOP", "1", "a", "left", "COUNT", "1", "COUNT", "2"));
    assertEquals(err("syntax error"), q("LMPOP", "1", "a", "left", "COUNT"));
  }

  @Test
  void blockingFormsServeAtOnceWhenThereIsData() throws Exception {
    q("RPUSH", "l", "a", "b", "c", "d");
    assertEquals(arr("l", "a"), q("BLPOP", "nokey", "l", "0"));
    assertEquals(arr("l", "d"), q("BRPOP", "l", "1"));
    assertEquals(bulk("b"), q("BLMOVE", "l", "m", "LEFT", "LEFT", "0"));
    assertEquals(bulk("c"), q("BRPOPLPUSH", "l", "m", "0"));
    assertEquals(arr("c", "b"), q("LRANGE", "m", "0", "-1"));
    assertEquals("*2\r\n" + bulk("m") + arr("c", "b"), q("BLMPOP", "0", "1", "m", "LEFT", "COUNT", "5"));
    assertEquals(err("timeout is not a float or out of range"), q("BLPOP", "l", "abc"));
    assertEquals(err("timeout is negative"), q("BLPOP", "l", "-1"));
    assertEquals(err("timeout is negative"), q("BLMOVE", "l", "m", "left", "left", "-0.5"));
    assertEquals(err("timeout is out of range"), q("BLPOP", "l", "0x7FFFFFFFFFFFFF"));
    assertEquals(err("timeout is not a float or out of range"), q("BLMPOP", "x", "1", "l", "left"));
    assertEquals(err("syntax error"), q("BLMOVE", "l", "m", "left", "up", "0"));
  }

  @Test
  void bigListsBecomeQuicklistsAndStayCorrect() throws Exception {
    long seed = System.nanoTime();
    System.out.println("ListIT seed " + seed);
    Random rnd = new Random(seed);
    List<String> model = new ArrayList<>();
    for (int k = 0; k < 3000; k++) {
      String v = rnd.nextInt(4) == 0 ? Integer.toString(rnd.nextInt(100000) - 50000) : "element:" + k;
      if (rnd.nextBoolean()) {
        q("RPUSH", "big", v);
        model.add(v);
      } else {
        q("LPUSH", "big", v);
        model.add(0, v);
      }
    }
    assertEquals(arr(model.toArray(new String[0])), q("LRANGE", "big", "0", "-1"));
    for (int k = 0; k < 200; k++) {
      int at = rnd.nextInt(model.size());
      assertEquals(bulk(model.get(at)), q("LINDEX", "big", Integer.toString(at)), "seed " + seed);
    }
    assertEquals(arr(model.subList(1000, 1100).toArray(new String[0])), q("LRANGE", "big", "1000", "1099"));
    q("LTRIM", "big", "100", "-101");
    model = new ArrayList<>(model.subList(100, model.size() - 100));
    assertEquals(arr(model.toArray(new String[0])), q("LRANGE", "big", "0", "-1"));
  }

  @Test
  void dumpAndRestoreRoundTripBothEncodings() throws Exception {
    List<String> small = List.of("a", "1", "-1", "300", "70000", "-9223372036854775808", "x".repeat(100));
    List<String> big = new ArrayList<>();
    for (int k = 0; k < 2000; k++) {
      big.add(k % 3 == 0 ? Integer.toString(k * 7919) : "element:" + k);
    }
    big.add("y".repeat(20000)); // larger than a node: a plain node of its own
    big.add("tail");
    for (List<String> values : List.of(small, big)) {
      jedis.del("src", "copy");
      jedis.rpush("src", values.toArray(new String[0]));
      byte[] payload = jedis.dump("src");
      assertEquals("OK", jedis.restore("copy", 0, payload));
      assertEquals(values, jedis.lrange("copy", 0, -1));
      assertEquals(jedis.objectEncoding("src"), jedis.objectEncoding("copy"));
    }
  }

  @Test
  void restoresAPayloadWrittenByRedis() throws Exception {
    // DUMP of RPUSH dl a 1 -1 300 70000 "hello world" -9223372036854775808 9223372036854775807 x*100, by Redis 7.0
    byte[] payload = java.util.HexFormat.of().parseHex("120102c33d409f1f9f00000009008161020101dfff02c12c02f270110104"
        + "8b68656c6c6f20776f72036c640cf420224000038009f4ff8000047f09e06478e05a000166ff0a0008522021c6d92481");
    assertEquals("OK", jedis.restore("dl", 0, payload));
    assertEquals(List.of("a", "1", "-1", "300", "70000", "hello world", "-9223372036854775808",
        "9223372036854775807", "x".repeat(100)), jedis.lrange("dl", 0, -1));
    assertEquals("listpack", jedis.objectEncoding("dl"));
    assertEquals(i(1), q("LREM", "dl", "0", "70000"));
  }

  @Test
  void restoreRefusesABrokenListpack() throws Exception {
    jedis.rpush("src", "a", "b", "c");
    byte[] payload = jedis.dump("src");
    // type, node count, container, string length, then the listpack: break its entry count (byte 4 + 4)
    byte[] broken = payload.clone();
    broken[8] = 7;
    fixChecksum(broken);
    redis.clients.jedis.exceptions.JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(
        redis.clients.jedis.exceptions.JedisDataException.class, () -> jedis.restore("bad", 0, broken));
    assertEquals("ERR Bad data format", e.getMessage());
    assertEquals("OK", jedis.restore("good", 0, payload));
  }

  @Test
  void copyIsIndependentAndMemoryUsageCountsTheElements() throws Exception {
    List<String> values = new ArrayList<>();
    for (int k = 0; k < 5000; k++) {
      values.add("element:" + k);
    }
    jedis.rpush("src", values.toArray(new String[0]));
    assertEquals(i(1), q("COPY", "src", "dst"));
    assertEquals(bulk("quicklist"), q("OBJECT", "ENCODING", "dst"));
    q("LPUSH", "dst", "new");
    q("RPOP", "src");
    assertEquals(values, jedis.lrange("dst", 1, -1));
    assertEquals(values.subList(0, 4999), jedis.lrange("src", 0, -1));
    long usage = jedis.memoryUsage("src");
    // about 15 bytes per element in packed nodes, plus the nodes
    org.junit.jupiter.api.Assertions.assertTrue(usage > 5000 * 14 && usage < 5000 * 30, "usage " + usage);
  }

  private static void fixChecksum(byte[] p) {
    long crc = dev.cairn.core.rdb.Crc64.of(p, 0, p.length - 8);
    for (int k = 0; k < 8; k++) {
      p[p.length - 8 + k] = (byte) (crc >>> (8 * k));
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
