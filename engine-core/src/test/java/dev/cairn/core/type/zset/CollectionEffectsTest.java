package dev.cairn.core.type.zset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.type.string.InProcessClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What set and sorted-set writes leave behind besides their reply: keyspace events (Redis's names and order), modified
 * key signals, and the deterministic commands that random or blocking ones propagate as.
 */
class CollectionEffectsTest {
  private final InProcessClient c = new InProcessClient();

  @Test
  void spopPropagatesTheMembersItRemoved() {
    c.run("SADD", "s", "a", "b", "c");
    c.clearRecords();
    String reply = c.run("SPOP", "s");
    String member = reply.split("\r\n")[1];
    assertEquals(List.of("SREM s " + member), c.propagated);
    assertEquals(List.of("spop:s"), c.events);
    c.clearRecords();
    c.run("SPOP", "s", "1");
    assertEquals(1, c.propagated.size());
    assertTrue(c.propagated.get(0).startsWith("SREM s "));
    c.clearRecords();
    c.run("SPOP", "s", "5");
    assertEquals(List.of("DEL s"), c.propagated);
    assertEquals(List.of("spop:s", "del:s"), c.events);
  }

  @Test
  void writesPublishRedisEventNames() {
    c.run("SADD", "s1", "a", "b");
    c.run("SREM", "s1", "a");
    c.run("SMOVE", "s1", "s2", "b");
    c.run("SMOVE", "s2", "s1", "nope");
    c.run("SADD", "s1", "1");
    c.run("SUNIONSTORE", "d", "s1", "s2");
    c.run("SDIFFSTORE", "d", "nokey", "s1");
    assertEquals(List.of("sadd:s1", "srem:s1", "srem:s1", "del:s1", "sadd:s2", "sadd:s1", "sunionstore:d", "del:d"),
        c.events);
    c.clearRecords();
    c.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
    c.run("ZADD", "z", "XX", "5", "zz");
    c.run("ZINCRBY", "z", "1", "a");
    c.run("ZADD", "z", "INCR", "1", "b");
    c.run("ZREM", "z", "a");
    c.run("ZPOPMIN", "z");
    c.run("ZPOPMAX", "z");
    assertEquals(List.of("zadd:z", "zincr:z", "zincr:z", "zrem:z", "zpopmin:z", "zpopmax:z", "del:z"), c.events);
    c.clearRecords();
    c.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
    c.run("ZREMRANGEBYRANK", "z", "0", "0");
    c.run("ZREMRANGEBYSCORE", "z", "2", "2");
    c.run("ZREMRANGEBYLEX", "z", "-", "+");
    c.run("ZADD", "z", "1", "a");
    c.run("ZUNIONSTORE", "d", "1", "z");
    c.run("ZRANGESTORE", "d", "z", "0", "-1");
    c.run("ZINTERSTORE", "d", "2", "z", "nokey");
    assertEquals(List.of("zadd:z", "zremrangebyrank:z", "zremrangebyscore:z", "zremrangebylex:z", "del:z", "zadd:z",
        "zunionstore:d", "zrangestore:d", "del:d"), c.events);
  }

  @Test
  void popsPropagateAsZpopWithCount() {
    c.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
    c.clearRecords();
    c.run("ZMPOP", "1", "z", "MAX", "COUNT", "2");
    assertEquals(List.of("ZPOPMAX z 2"), c.propagated);
    c.clearRecords();
    c.run("BZPOPMIN", "z", "0");
    assertEquals(List.of("ZPOPMIN z"), c.propagated);
    assertEquals(List.of("zpopmin:z", "del:z"), c.events);
  }

  @Test
  void writesThatChangeNothingSignalNothing() {
    c.run("ZADD", "z", "1", "a");
    c.run("SADD", "s", "a");
    c.clearRecords();
    c.run("ZADD", "z", "1", "a");
    c.run("ZADD", "z", "NX", "5", "a");
    c.run("ZREM", "z", "nope");
    c.run("SADD", "s", "a");
    c.run("SREM", "s", "nope");
    assertEquals(List.of(), c.events);
    assertEquals(List.of(), c.modified);
    assertEquals(List.of(), c.propagated);
  }
}
