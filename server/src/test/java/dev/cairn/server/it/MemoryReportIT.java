package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/** MEMORY STATS and MEMORY DOCTOR: Redis's fields from Cairn's accounting, and their ACL names. */
class MemoryReportIT extends ServerTestBase {
  private Map<String, Object> stats() {
    List<?> flat = (List<?>) jedis.sendCommand(Protocol.Command.MEMORY, "STATS");
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      Object v = flat.get(i + 1);
      m.put(SafeEncoder.encode((byte[]) flat.get(i)), v instanceof byte[] b ? SafeEncoder.encode(b) : v);
    }
    return m;
  }

  @Test
  void statsFollowTheDataset() {
    Map<String, Object> empty = stats();
    assertEquals(0L, empty.get("keys.count"));
    for (String f : new String[] {"peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
        "clients.slaves", "clients.normal", "aof.buffer", "lua.caches", "functions.caches", "overhead.total",
        "dataset.bytes", "allocator.allocated", "allocator.resident", "fragmentation.bytes"}) {
      assertTrue(empty.get(f) instanceof Long, f + " " + empty.get(f));
    }
    for (int i = 0; i < 1000; i++) {
      jedis.set("key:" + i, "v".repeat(100));
    }
    jedis.expire("key:1", 100);
    Map<String, Object> full = stats();
    assertEquals(1000L, full.get("keys.count"));
    long dataset = (Long) full.get("dataset.bytes");
    assertTrue(dataset > 1000 * 100, "dataset.bytes " + dataset);
    assertEquals(Long.parseLong(jedis.info("memory").replaceAll("(?s).*used_memory_dataset:(\\d+).*", "$1")),
        dataset, "the same accounting as INFO");
    assertTrue((Long) full.get("keys.bytes-per-key") > 100);
    List<?> db9 = (List<?>) full.get("db.0");
    assertEquals("overhead.hashtable.main", SafeEncoder.encode((byte[]) db9.get(0)));
    assertEquals("overhead.hashtable.expires", SafeEncoder.encode((byte[]) db9.get(2)));
    assertTrue((Long) db9.get(3) > 0, "one key has an expiry");
  }

  @Test
  void doctorAndAcl() {
    String empty = SafeEncoder.encode((byte[]) jedis.sendCommand(Protocol.Command.MEMORY, "DOCTOR"));
    assertTrue(empty.startsWith("Hi Sam, this instance is empty or is using very little memory"), empty);
    jedis.aclSetUser("bob", "on", "nopass", "-@all", "+memory|doctor");
    assertEquals("-@all +memory|doctor", jedis.aclGetUser("bob").getCommands());
    jedis.aclSetUser("bob", "+memory");
    assertEquals("-@all +memory", jedis.aclGetUser("bob").getCommands());
    jedis.aclDelUser("bob");
  }
}
