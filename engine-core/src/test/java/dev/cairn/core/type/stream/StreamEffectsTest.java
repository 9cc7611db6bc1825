package dev.cairn.core.type.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.type.string.InProcessClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What stream commands leave besides their reply: the commands they propagate (concrete IDs, exact trims, XCLAIM and
 * XGROUP SETID for group reads, as Redis 7 writes its AOF) and their keyspace events.
 */
class StreamEffectsTest {
  private final InProcessClient c = new InProcessClient();

  private String id(String reply) {
    return reply.split("\r\n")[1];
  }

  @Test
  void xaddPropagatesTheIdItMade() {
    String first = id(c.run("XADD", "s", "*", "f", "v"));
    assertEquals(List.of("XADD s " + first + " f v"), c.propagated);
    c.clearRecords();
    c.run("XADD", "s", "1-1", "f", "v"); // too small: an error, nothing propagated
    assertEquals(List.of(), c.propagated);
    c.run("XADD", "t", "5-*", "f", "v");
    assertEquals(List.of("XADD t 5-0 f v"), c.propagated);
    c.clearRecords();
    c.run("XADD", "t", "NOMKSTREAM", "MAXLEN", "=", "10", "6-1", "f", "v");
    assertEquals(List.of("XADD t NOMKSTREAM MAXLEN = 10 6-1 f v"), c.propagated);
    c.clearRecords();
    c.run("XADD", "nokey", "NOMKSTREAM", "*", "f", "v");
    assertEquals(List.of(), c.propagated);
    assertEquals(List.of(), c.events);
  }

  @Test
  void approximateTrimsPropagateAsExactOnes() {
    for (int i = 1; i <= 120; i++) {
      c.run("XADD", "s", i + "-1", "f", "v");
    }
    c.clearRecords();
    c.run("XADD", "s", "MAXLEN", "~", "10", "LIMIT", "100", "121-0", "f", "v");
    // one node of 100 went: 21 entries remain, which is what replicas must trim to
    assertEquals(List.of("XADD s MAXLEN = 21 LIMIT 100 121-0 f v"), c.propagated);
    assertEquals(List.of("xadd:s", "xtrim:s"), c.events);
    c.clearRecords();
    assertEquals(":0\r\n", c.run("XTRIM", "s", "MINID", "~", "110"));
    assertEquals(List.of(), c.propagated, "nothing trimmed, nothing propagated");
    for (int i = 122; i <= 250; i++) {
      c.run("XADD", "s", i + "-0", "f", "v");
    }
    c.clearRecords();
    c.run("XTRIM", "s", "MINID", "~", "201");
    assertEquals(List.of("XTRIM s MINID = 201-0"), c.propagated);
    assertEquals(List.of("xtrim:s"), c.events);
  }

  @Test
  void groupReadsPropagateAsClaimsAndSetIds() {
    for (int i = 1; i <= 5; i++) {
      c.run("XADD", "s", i + "-1", "f", "v");
    }
    c.run("XGROUP", "CREATE", "s", "g", "0");
    assertEquals("xgroup-create:s", c.events.get(c.events.size() - 1));
    c.clearRecords();
    c.run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">");
    // several effects of one command travel as one transaction, as in Redis 7
    assertEquals(4, c.propagated.size(), c.propagated.toString());
    assertEquals("MULTI", c.propagated.get(0));
    assertTrue(c.propagated.get(1).matches("XCLAIM s g alice 0 1-1 TIME \\d+ RETRYCOUNT 1 FORCE JUSTID LASTID 1-1"),
        c.propagated.get(1));
    assertTrue(c.propagated.get(2).endsWith("LASTID 2-1"), c.propagated.get(2));
    assertEquals("EXEC", c.propagated.get(3));
    assertEquals(List.of("xgroup-createconsumer:s"), c.events);
    c.clearRecords();
    c.run("XREADGROUP", "GROUP", "g", "bob", "NOACK", "COUNT", "2", "STREAMS", "s", ">");
    assertEquals(List.of("MULTI", "XGROUP CREATECONSUMER s g bob", "XGROUP SETID s g 4-1 ENTRIESREAD 4", "EXEC"),
        c.propagated);
    c.clearRecords();
    c.run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0");
    assertEquals(List.of(), c.propagated, "reading one's history propagates nothing");
    c.run("XCLAIM", "s", "g", "carol", "0", "1-1", "JUSTID");
    assertEquals(1, c.propagated.size());
    assertTrue(c.propagated.get(0).startsWith("XCLAIM s g carol 0 1-1 TIME "), c.propagated.get(0));
    c.clearRecords();
    c.run("XCLAIM", "s", "g", "carol", "0", "LASTID", "9-0");
    assertEquals(List.of("XGROUP SETID s g 9-0 ENTRIESREAD 4"), c.propagated);
    c.clearRecords();
    c.run("XDEL", "s", "2-1");
    c.clearRecords();
    String reply = c.run("XAUTOCLAIM", "s", "g", "dave", "0", "0", "JUSTID");
    // 2-1 was deleted: dropped from the PEL and reported as such, and replicas drop it too
    assertTrue(reply.endsWith("*1\r\n$3\r\n2-1\r\n"), reply);
    assertEquals(4, c.propagated.size(), c.propagated.toString());
    assertTrue(c.propagated.get(1).startsWith("XCLAIM s g dave 0 1-1 "), c.propagated.get(1));
    assertTrue(c.propagated.get(2).startsWith("XCLAIM s g alice 0 2-1 "), c.propagated.get(2));
    assertEquals(List.of("xgroup-createconsumer:s"), c.events);
  }

  @Test
  void groupAdministrationEvents() {
    c.run("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    c.run("XGROUP", "CREATECONSUMER", "s", "g", "a");
    c.run("XGROUP", "CREATECONSUMER", "s", "g", "a");
    c.run("XGROUP", "SETID", "s", "g", "0");
    c.run("XGROUP", "DELCONSUMER", "s", "g", "a");
    c.run("XGROUP", "DESTROY", "s", "g");
    c.run("XSETID", "s", "5-5");
    c.run("XADD", "s", "6-0", "f", "v");
    c.run("XDEL", "s", "6-0");
    c.run("XDEL", "s", "6-0");
    assertEquals(List.of("xgroup-create:s", "xgroup-createconsumer:s", "xgroup-setid:s", "xgroup-delconsumer:s",
        "xgroup-destroy:s", "xsetid:s", "xadd:s", "xdel:s"), c.events);
    assertEquals(List.of("XGROUP CREATE s g $ MKSTREAM", "XGROUP CREATECONSUMER s g a", "XGROUP SETID s g 0",
        "XGROUP DELCONSUMER s g a", "XGROUP DESTROY s g", "XSETID s 5-5", "XADD s 6-0 f v", "XDEL s 6-0"),
        c.propagated);
  }
}
