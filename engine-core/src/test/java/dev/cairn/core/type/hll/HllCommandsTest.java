package dev.cairn.core.type.hll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.type.string.InProcessClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HyperLogLog commands through the dispatcher: Redis's bytes and counts, events, propagation, errors. */
class HllCommandsTest {
  private InProcessClient c;

  @BeforeEach
  void setUp() {
    c = new InProcessClient();
  }

  private String[] elements(String prefix, int n) {
    String[] args = new String[n + 2];
    args[0] = "PFADD";
    args[1] = prefix;
    for (int i = 0; i < n; i++) {
      args[i + 2] = "e" + i;
    }
    return args;
  }

  /** SHA-256 of a bulk reply's payload. */
  private static String sha(String bulkReply) throws Exception {
    int start = bulkReply.indexOf("\r\n") + 2;
    byte[] payload = bulkReply.substring(start, bulkReply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
  }

  /** Values and digests Redis 7.0.15 gives for the same commands. */
  @Test
  void bytesAndCountsAreRedis() throws Exception {
    c.run(elements("s", 500));
    assertEquals("fdd072e10d5463ce86efc3f34c3589d3ce9200e38e8fa5b7ecfcbf996da4b2d5", sha(c.run("GET", "s")));
    assertEquals(":506\r\n", c.run("PFCOUNT", "s"));
    assertEquals("70c1bb138b0e357f77f72a59b77602c42fe811d4f4f681c0e0466a4a667867e2", sha(c.run("GET", "s")));
    c.run(elements("d", 10_000));
    assertEquals("$12304\r\n", c.run("GET", "d").substring(0, 8));
    assertEquals("5f94be2c770f456ca505c757976fb27a6222332b042358459ecd3dd8cf30599b", sha(c.run("GET", "d")));
    assertEquals(":9973\r\n", c.run("PFCOUNT", "d"));
    assertEquals("c44e2d26f9f332c8f4369b82fc1a4a99449b59ddf9337f9680ccdd66872ca7b5", sha(c.run("GET", "d")));
    c.run("PFADD", "h", "a", "b", "c");
    assertEquals(":9977\r\n", c.run("PFCOUNT", "s", "d", "h"));
    assertEquals("+OK\r\n", c.run("PFMERGE", "m", "h", "s"));
    assertEquals("c160bbfb5c0e8ea16a185a2099521ce1869a095a4377f0e6df76cd296bd65efd", sha(c.run("GET", "m")));
  }

  @Test
  void pfaddReportsChangesAndPropagatesOnlyThen() {
    assertEquals(":1\r\n", c.run("PFADD", "h"));
    assertEquals(":1\r\n", c.run("PFADD", "h", "a", "b"));
    assertEquals(":0\r\n", c.run("PFADD", "h", "a"));
    assertEquals(":0\r\n", c.run("PFADD", "h"));
    assertEquals(List.of("PFADD h", "PFADD h a b"), c.propagated);
    assertEquals(List.of("pfadd:h", "pfadd:h"), c.events);
    assertEquals("$6\r\nstring\r\n", c.run("TYPE", "h").replace("+string", "$6\r\nstring"));
    assertEquals("$3\r\nraw\r\n", c.run("OBJECT", "ENCODING", "h"));
  }

  @Test
  void pfcountWritesTheCacheOnceAndPropagatesThatWrite() {
    c.run("PFADD", "h", "a", "b", "c");
    c.propagated.clear();
    c.modified.clear();
    assertEquals(":3\r\n", c.run("PFCOUNT", "h"));
    assertEquals(":3\r\n", c.run("PFCOUNT", "h"));
    assertEquals(List.of("PFCOUNT h"), c.propagated, "only the call that filled the cache changed the value");
    assertEquals(List.of("h"), c.modified);
    assertTrue(c.run("GETRANGE", "h", "8", "15").startsWith("$8\r\n\u0003\u0000"));
    c.run("PFADD", "h", "d");
    assertEquals("$1\r\n\u0080\r\n", c.run("GETRANGE", "h", "15", "15"), "a change marks the cache stale");
    assertEquals(":0\r\n", c.run("PFCOUNT", "nokey"));
  }

  @Test
  void pfmergeIncludesTheDestinationAndFiresPfadd() {
    c.run("PFADD", "a", "1", "2");
    c.run("PFADD", "b", "2", "3");
    c.run("PFADD", "dst", "9");
    c.events.clear();
    assertEquals("+OK\r\n", c.run("PFMERGE", "dst", "a", "b", "missing"));
    assertEquals(":4\r\n", c.run("PFCOUNT", "dst"));
    assertEquals(List.of("pfadd:dst"), c.events);
    assertEquals("+OK\r\n", c.run("PFMERGE", "fresh"));
    assertEquals(":1\r\n", c.run("EXISTS", "fresh"));
    assertEquals(":0\r\n", c.run("PFCOUNT", "fresh"));
  }

  @Test
  void aDenseSourceMakesTheDestinationDense() {
    c.run(elements("big", 3000));
    c.run("PFADD", "small", "x");
    c.run("PFMERGE", "small", "big");
    assertEquals("+dense\r\n", c.run("PFDEBUG", "ENCODING", "small"));
  }

  @Test
  void sparseMaxBytesDecidesTheEncoding() {
    c.run("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
    c.run("PFADD", "h", "a", "b", "c", "d", "e", "f", "g");
    assertEquals("+sparse\r\n", c.run("PFDEBUG", "ENCODING", "h"));
    c.run("CONFIG", "SET", "hll-sparse-max-bytes", "30");
    c.run("PFADD", "h", "new_element");
    assertEquals("+dense\r\n", c.run("PFDEBUG", "ENCODING", "h"));
  }

  @Test
  void wrongTypesAndInvalidStrings() {
    c.run("LPUSH", "list", "x");
    String wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    assertEquals(wrongType, c.run("PFADD", "list", "a"));
    assertEquals(wrongType, c.run("PFCOUNT", "list"));
    assertEquals(wrongType, c.run("PFMERGE", "d", "list"));
    c.run("SET", "str", "not an hll at all");
    String notHll = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n";
    assertEquals(notHll, c.run("PFADD", "str", "a"));
    assertEquals(notHll, c.run("PFCOUNT", "str"));
    assertEquals(notHll, c.run("PFCOUNT", "str", "list"));
    assertEquals(notHll, c.run("PFMERGE", "str"));
    assertEquals(notHll, c.run("PFDEBUG", "GETREG", "str"));
    c.run("SET", "int", "12345678901234567");
    assertEquals(notHll, c.run("PFCOUNT", "int"));
    c.run("PFADD", "h", "a");
    c.run("SETRANGE", "h", "4", "\u0000");
    assertEquals(notHll, c.run("PFCOUNT", "h"), "dense with the wrong length");
  }

  @Test
  void corruptSparseGetsInvalidObj() {
    c.run("PFADD", "h", "a", "b", "c");
    c.run("APPEND", "h", "hello");
    String corrupt = "-INVALIDOBJ Corrupted HLL object detected\r\n";
    assertEquals(corrupt, c.run("PFCOUNT", "h"));
    assertEquals(corrupt, c.run("PFCOUNT", "h", "h"));
    assertEquals(corrupt, c.run("PFMERGE", "x", "h"));
    assertEquals(corrupt, c.run("PFDEBUG", "TODENSE", "h"));
    assertEquals(":0\r\n", c.run("EXISTS", "x"), "a failed merge creates nothing");
  }

  @Test
  void pfdebug() {
    assertEquals("-ERR The specified key does not exist\r\n", c.run("PFDEBUG", "GETREG", "nokey"));
    c.run("PFADD", "h", "a");
    assertEquals("$20\r\nZ:12711 v:2,1 Z:3672\r\n", c.run("PFDEBUG", "DECODE", "h"));
    assertEquals("+sparse\r\n", c.run("PFDEBUG", "ENCODING", "h"));
    String regs = c.run("PFDEBUG", "GETREG", "h");
    assertTrue(regs.startsWith("*16384\r\n"));
    assertEquals("+dense\r\n", c.run("PFDEBUG", "ENCODING", "h"), "GETREG converts");
    assertEquals(":0\r\n", c.run("PFDEBUG", "TODENSE", "h"));
    assertEquals("-ERR HLL encoding is not sparse\r\n", c.run("PFDEBUG", "DECODE", "h"));
    assertEquals("-ERR Unknown PFDEBUG subcommand 'foo'\r\n", c.run("PFDEBUG", "foo", "h"));
    assertEquals("-ERR wrong number of arguments for 'pfdebug' command\r\n", c.run("PFDEBUG", "GETREG"));
  }

  @Test
  void debugCommandsAreFlaggedSyscmd() {
    String docs = c.run("COMMAND", "DOCS", "PFDEBUG");
    assertTrue(docs.contains("$9\r\ndoc_flags\r\n*1\r\n+syscmd\r\n"), docs);
    assertTrue(c.run("COMMAND", "DOCS", "PFSELFTEST").contains("+syscmd"));
    assertTrue(!c.run("COMMAND", "DOCS", "PFADD").contains("doc_flags"));
  }

  @Test
  void selfTestPasses() {
    assertEquals("+OK\r\n", c.run("PFSELFTEST"));
  }
}
