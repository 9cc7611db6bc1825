package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.KeyspaceEventsHub;
import dev.cairn.core.Propagation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Hash field expiry (Redis 7.4) and HGETDEL/HGETEX/HSETEX (Redis 8.0): replies, events, propagation, reclaim. */
class HashFieldExpiryIT extends ServerTestBase {
  private RawClient r;
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final List<String> propagated = Collections.synchronizedList(new ArrayList<>());
  private KeyspaceEventsHub.Listener eventListener;
  private KeyspaceEventsHub.Subscription eventSubscription;
  private Propagation.Listener propListener;

  @BeforeEach
  void setUp() throws Exception {
    r = raw();
    eventListener = (type, event, key, db) -> events.add(event + " " + new String(key, StandardCharsets.UTF_8));
    propListener = (db, cmd) -> propagated.add(java.util.Arrays.stream(cmd)
        .map(b -> new String(b, StandardCharsets.UTF_8)).collect(Collectors.joining(" ")));
    eventSubscription = server.engine().events().addListener(eventListener);
    server.engine().propagation().addListener(propListener);
    events.clear();
    propagated.clear();
  }

  @AfterEach
  void tearDown() {
    eventSubscription.cancel();
    server.engine().propagation().removeListener(propListener);
    server.engine().keyspace().activeExpireEnabled = true;
    server.engine().keyspace().setExpiryEnabled(true);
  }

  @Test
  @DisplayName("With expiry off (as on a replica) an expired field is hidden but neither deleted nor announced")
  void expiryDisabledHidesWithoutDeleting() throws Exception {
    q("HSET", "h", "a", "1", "b", "2");
    q("HPEXPIRE", "h", "1", "FIELDS", "1", "a");
    server.engine().keyspace().setExpiryEnabled(false);
    Thread.sleep(20);
    events.clear();
    assertEquals("$-1\r\n", q("HGET", "h", "a"));
    assertEquals(":2\r\n", q("HLEN", "h"));
    assertEquals(List.of(), events);
    server.engine().keyspace().setExpiryEnabled(true);
    assertEquals("$-1\r\n", q("HGET", "h", "a"));
    assertEquals(":1\r\n", q("HLEN", "h"));
    assertEquals(List.of("hexpired h"), events);
  }

  private String q(String... args) throws Exception {
    return r.command(args).readReply();
  }

  private static String ints(long... v) {
    StringBuilder sb = new StringBuilder("*" + v.length + "\r\n");
    for (long x : v) {
      sb.append(':').append(x).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  @DisplayName("HEXPIRE reply codes: -2 no field, 1 set, 0 condition not met, 2 deleted (time in the past)")
  void hexpireReplyCodes() throws Exception {
    assertEquals(ints(-2, -2), q("HEXPIRE", "nokey", "100", "FIELDS", "2", "a", "b"));
    q("HSET", "h", "a", "1", "b", "2", "c", "3");
    assertEquals(ints(1, -2), q("HEXPIRE", "h", "100", "FIELDS", "2", "a", "zz"));
    assertEquals(ints(0, 1), q("HEXPIRE", "h", "200", "NX", "FIELDS", "2", "a", "b"));
    assertEquals(ints(1, 0), q("HEXPIRE", "h", "300", "XX", "FIELDS", "2", "a", "c"));
    assertEquals(ints(0, 1), q("HEXPIRE", "h", "250", "GT", "FIELDS", "2", "a", "b")); // a=300 > 250; b=200 < 250
    assertEquals(ints(0), q("HEXPIRE", "h", "400", "GT", "FIELDS", "1", "c")); // no TTL: GT never applies
    assertEquals(ints(1, 1), q("HEXPIRE", "h", "50", "LT", "FIELDS", "2", "a", "c")); // no TTL counts as infinite
    assertEquals(ints(0), q("HEXPIRE", "h", "60", "LT", "FIELDS", "1", "a"));
    assertEquals(ints(2), q("HPEXPIREAT", "h", "1", "FIELDS", "1", "a"));
    assertEquals(":0\r\n", q("HEXISTS", "h", "a"));
    assertEquals(ints(2, 2), q("HEXPIRE", "h", "0", "FIELDS", "2", "b", "c"));
    assertEquals(":0\r\n", q("EXISTS", "h")); // emptied by HEXPIRE: deleted
    assertTrue(events.containsAll(List.of("hexpire h", "hdel h", "del h")), events.toString());
  }

  @Test
  void hexpireErrors() throws Exception {
    q("HSET", "h", "a", "1");
    assertEquals("-ERR invalid expire time, must be >= 0\r\n", q("HEXPIRE", "h", "-1", "FIELDS", "1", "a"));
    assertEquals("-ERR invalid expire time in 'hexpire' command\r\n",
        q("HEXPIRE", "h", "70368744177664", "FIELDS", "1", "a"));
    assertEquals("-ERR invalid expire time in 'hpexpireat' command\r\n",
        q("HPEXPIREAT", "h", "70368744177664", "FIELDS", "1", "a"));
    assertEquals(ints(1), q("HPEXPIREAT", "h", "70368744177663", "FIELDS", "1", "a"));
    assertEquals("-ERR value is not an integer or out of range\r\n", q("HEXPIRE", "h", "x", "FIELDS", "1", "a"));
    assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
        q("HEXPIRE", "h", "10", "NX", "1", "a"));
    assertEquals("-ERR Parameter `numFields` should be greater than 0\r\n",
        q("HEXPIRE", "h", "10", "FIELDS", "0", "a"));
    assertEquals("-ERR The `numfields` parameter must match the number of arguments\r\n",
        q("HEXPIRE", "h", "10", "FIELDS", "2", "a"));
    assertEquals("-ERR wrong number of arguments for 'hexpire' command\r\n", q("HEXPIRE", "h", "10", "FIELDS", "1"));
    assertEquals("-ERR Number of fields must be a positive integer\r\n", q("HTTL", "h", "FIELDS", "x", "a"));
    assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
        q("HPERSIST", "h", "FIELD", "1", "a"));
  }

  @Test
  void ttlQueriesAndPersist() throws Exception {
    assertEquals(ints(-2), q("HTTL", "nokey", "FIELDS", "1", "a"));
    q("HSET", "h", "a", "1", "b", "2");
    long at = System.currentTimeMillis() + 100_000;
    assertEquals(ints(1), q("HPEXPIREAT", "h", Long.toString(at), "FIELDS", "1", "a"));
    assertEquals(ints(at, -1, -2), q("HPEXPIRETIME", "h", "FIELDS", "3", "a", "b", "c"));
    assertEquals(ints((at + 999) / 1000, -1), q("HEXPIRETIME", "h", "FIELDS", "2", "a", "b"));
    String ttl = q("HTTL", "h", "FIELDS", "1", "a");
    long secs = Long.parseLong(ttl.split("\r\n")[1].substring(1));
    assertTrue(secs >= 99 && secs <= 100, ttl);
    String pttl = q("HPTTL", "h", "FIELDS", "1", "a");
    long ms = Long.parseLong(pttl.split("\r\n")[1].substring(1));
    assertTrue(ms > 98_000 && ms <= 100_000, pttl);
    assertEquals(ints(1, -1, -2), q("HPERSIST", "h", "FIELDS", "3", "a", "b", "c"));
    assertEquals(ints(-1), q("HTTL", "h", "FIELDS", "1", "a"));
    assertTrue(events.contains("hpersist h"), events.toString());
  }

  @Test
  @DisplayName("Lazy Expire - fields are lazy deleted; HLEN counts them until reclaimed (Redis 7.4)")
  void lazyExpiry() throws Exception {
    server.engine().keyspace().activeExpireEnabled = false;
    q("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3");
    assertEquals(ints(1, 1, 1), q("HPEXPIRE", "h", "1", "NX", "FIELDS", "3", "f1", "f2", "f3"));
    Thread.sleep(20);
    assertEquals(":1\r\n", q("EXISTS", "h"));
    assertEquals(":3\r\n", q("HLEN", "h"));
    assertEquals("*0\r\n", q("HGETALL", "h")); // skipped, not reclaimed
    assertEquals(ints(-2), q("HTTL", "h", "FIELDS", "1", "f1"));
    assertEquals(":3\r\n", q("HLEN", "h"));
    propagated.clear();
    assertEquals(":0\r\n", q("HEXISTS", "h", "f1"));
    assertEquals(":2\r\n", q("HLEN", "h"));
    assertEquals("$-1\r\n", q("HGET", "h", "f2"));
    assertEquals(":1\r\n", q("HLEN", "h"));
    assertEquals(":0\r\n", q("HSTRLEN", "h", "f3"));
    assertEquals(":0\r\n", q("HLEN", "h"));
    assertEquals(":0\r\n", q("EXISTS", "h"));
    assertEquals(List.of("HDEL h f1", "HDEL h f2", "HDEL h f3"), propagated);
    assertTrue(events.containsAll(List.of("hexpired h", "del h")), events.toString());
  }

  private long expiredSubkeys() {
    for (String line : jedis.info("stats").split("\r\n")) {
      if (line.startsWith("expired_subkeys:")) {
        return Long.parseLong(line.substring("expired_subkeys:".length()));
      }
    }
    throw new AssertionError("no expired_subkeys in INFO stats");
  }

  @Test
  @DisplayName("HDEL deletes and counts a field that expired but was not reclaimed; reclaims count in INFO")
  void hdelOfExpiredFieldAndStats() throws Exception {
    server.engine().keyspace().activeExpireEnabled = false;
    q("HSET", "h", "a", "1", "b", "2", "c", "3");
    q("HPEXPIRE", "h", "1", "FIELDS", "2", "a", "b");
    Thread.sleep(20);
    long before = expiredSubkeys();
    assertEquals(":1\r\n", q("HDEL", "h", "a")); // as Redis 7.4: HDEL does not check the TTL
    assertEquals("$-1\r\n", q("HGET", "h", "b"));
    assertEquals(before + 1, expiredSubkeys());
    assertTrue(jedis.info("keyspace").contains("subexpiry=0"), jedis.info("keyspace"));
  }

  @Test
  void hincrbyDiscardsExpiredFieldAndKeepsTtl() throws Exception {
    server.engine().keyspace().activeExpireEnabled = false;
    q("HSET", "h1", "f1", "10", "f2", "2");
    q("HPEXPIRE", "h1", "10", "FIELDS", "1", "f1");
    Thread.sleep(20);
    assertEquals(":1\r\n", q("HINCRBY", "h1", "f1", "1"));
    assertEquals("$3\r\n1.5\r\n", q("HINCRBYFLOAT", "h1", "new", "1.5"));
    q("HPEXPIRE", "h1", "50000", "FIELDS", "1", "f2");
    assertEquals(":4\r\n", q("HINCRBY", "h1", "f2", "2"));
    String pttl = q("HPTTL", "h1", "FIELDS", "1", "f2");
    assertTrue(Long.parseLong(pttl.split("\r\n")[1].substring(1)) > 40_000, pttl);
  }

  @Test
  @DisplayName("Active Expire - deletes hash that all its fields got expired, in both encodings")
  void activeExpiry() throws Exception {
    for (int n : new int[] {1, 20, 300}) {
      for (int i = 0; i < n; i++) {
        jedis.hset("same" + n, "f" + i, "v");
        jedis.hset("mix" + n, "f" + i, "v");
        jedis.hset("mix" + n, "keep" + i, "v");
      }
      List<String> args = new ArrayList<>(List.of("HPEXPIRE", "same" + n, "30", "FIELDS", Integer.toString(n)));
      List<String> mix = new ArrayList<>(List.of("HPEXPIRE", "mix" + n, "30", "FIELDS", Integer.toString(n)));
      for (int i = 0; i < n; i++) {
        args.add("f" + i);
        mix.add("f" + i);
      }
      q(args.toArray(new String[0]));
      q(mix.toArray(new String[0]));
    }
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline
        && (jedis.exists("same1", "same20", "same300") > 0 || jedis.hlen("mix300") > 300
            || jedis.hlen("mix20") > 20 || jedis.hlen("mix1") > 1)) {
      Thread.sleep(20);
    }
    assertEquals(0, jedis.exists("same1", "same20", "same300"));
    assertEquals(1, jedis.hlen("mix1"));
    assertEquals(20, jedis.hlen("mix20"));
    assertEquals(300, jedis.hlen("mix300")); // HLEN counts unreclaimed fields: 300 means the cycle reclaimed them
    assertTrue(events.contains("hexpired same300") && events.contains("del same300"), events.toString());
  }

  @Test
  void hexpirePropagatesAbsoluteTime() throws Exception {
    q("HSET", "h", "a", "1", "b", "2");
    propagated.clear();
    long before = System.currentTimeMillis();
    q("HEXPIRE", "h", "100", "NX", "FIELDS", "3", "a", "zz", "b");
    assertEquals(1, propagated.size(), propagated.toString());
    String[] p = propagated.get(0).split(" ");
    assertEquals("HPEXPIREAT", p[0]);
    long at = Long.parseLong(p[2]);
    assertTrue(at >= before + 100_000 && at <= System.currentTimeMillis() + 100_000, propagated.toString());
    assertEquals("NX FIELDS 2 a b", String.join(" ", List.of(p).subList(3, p.length)));
    propagated.clear();
    q("HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a"); // condition not met: nothing to propagate
    assertEquals(List.of(), propagated);
  }

  @Test
  void hsetClearsTtlAndEncodingIsListpackex() throws Exception {
    q("HSET", "h", "a", "1");
    q("HEXPIRE", "h", "100", "FIELDS", "1", "a");
    q("HSET", "h", "a", "2");
    assertEquals(ints(-1), q("HTTL", "h", "FIELDS", "1", "a"));
  }

  @Test
  @DisplayName("RENAME and COPY keep field TTLs, and the active cycle still reclaims them")
  void renameAndCopyKeepFieldTtls() throws Exception {
    q("HSET", "h", "a", "1", "b", "2");
    // long enough for the checks below to run before it expires on a loaded machine (40 ms failed at load 17-22)
    q("HPEXPIRE", "h", "1000", "FIELDS", "1", "a");
    assertEquals("+OK\r\n", q("RENAME", "h", "h2"));
    assertEquals(":1\r\n", q("COPY", "h2", "h3"));
    assertTrue(q("HPTTL", "h3", "FIELDS", "1", "a").startsWith("*1\r\n:"));
    byte[] dump = jedis.dump("h2");
    assertEquals(24, dump[0], "Redis 7.4's RDB_TYPE_HASH_METADATA");
    assertEquals(12, dump[dump.length - 10], "RDB version 12: the form with field TTLs is Redis 7.4's");
    assertEquals("OK", jedis.restore("h4", 0, dump));
    assertTrue(q("HPTTL", "h4", "FIELDS", "2", "a", "b").matches("\\*2\r\n:\\d+\r\n:-1\r\n"));
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline && (jedis.hlen("h2") > 1 || jedis.hlen("h3") > 1)) {
      Thread.sleep(20);
    }
    assertEquals(1, jedis.hlen("h2")); // HLEN counts unreclaimed fields: 1 means the cycle found the renamed key
    assertEquals(1, jedis.hlen("h3"));
  }

  @Test
  void hgetdel() throws Exception {
    assertEquals("*2\r\n$-1\r\n$-1\r\n", q("HGETDEL", "nokey", "FIELDS", "2", "a", "b"));
    q("HSET", "h", "a", "1", "b", "2", "c", "3");
    assertEquals("*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n", q("HGETDEL", "h", "FIELDS", "3", "a", "zz", "b"));
    assertEquals(":1\r\n", q("HLEN", "h"));
    assertEquals("HDEL h a b", propagated.get(propagated.size() - 1));
    assertEquals("*1\r\n$1\r\n3\r\n", q("HGETDEL", "h", "FIELDS", "1", "c"));
    assertEquals(":0\r\n", q("EXISTS", "h"));
    assertTrue(events.containsAll(List.of("hdel h", "del h")), events.toString());
    assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
        q("HGETDEL", "h", "FIELD", "1", "a"));
    assertEquals("-ERR The `numfields` parameter must match the number of arguments\r\n",
        q("HGETDEL", "h", "FIELDS", "2", "a"));
    assertEquals("-ERR Number of fields must be a positive integer\r\n", q("HGETDEL", "h", "FIELDS", "0", "a"));
  }

  @Test
  void hgetex() throws Exception {
    assertEquals("*1\r\n$-1\r\n", q("HGETEX", "nokey", "EX", "10", "FIELDS", "1", "a"));
    q("HSET", "h", "a", "1", "b", "2");
    propagated.clear();
    assertEquals("*2\r\n$1\r\n1\r\n$-1\r\n", q("HGETEX", "h", "PX", "50000", "FIELDS", "2", "a", "zz"));
    String pttl = q("HPTTL", "h", "FIELDS", "1", "a");
    assertTrue(Long.parseLong(pttl.split("\r\n")[1].substring(1)) > 40_000, pttl);
    assertTrue(propagated.get(0).startsWith("HPEXPIREAT h "), propagated.toString());
    assertTrue(propagated.get(0).endsWith(" FIELDS 2 a zz"), propagated.toString());
    assertEquals("*1\r\n$1\r\n1\r\n", q("HGETEX", "h", "PERSIST", "FIELDS", "1", "a"));
    assertEquals(ints(-1), q("HTTL", "h", "FIELDS", "1", "a"));
    assertEquals("HPERSIST h FIELDS 1 a", propagated.get(propagated.size() - 1));
    assertEquals("*1\r\n$1\r\n2\r\n", q("HGETEX", "h", "EXAT", "1", "FIELDS", "1", "b")); // past: deleted
    assertEquals(":0\r\n", q("HEXISTS", "h", "b"));
    assertEquals("-ERR invalid expire time, must be >= 0\r\n", q("HGETEX", "h", "EX", "-1", "FIELDS", "1", "a"));
    assertEquals("-ERR invalid expire time in 'hgetex' command\r\n",
        q("HGETEX", "h", "EX", "70368744177664", "FIELDS", "1", "a"));
    assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
        q("HGETEX", "h", "EX", "10", "FIELD", "1", "a"));
  }

  @Test
  void hsetex() throws Exception {
    assertEquals(":0\r\n", q("HSETEX", "h", "FXX", "FIELDS", "1", "a", "1"));
    assertEquals(":0\r\n", q("EXISTS", "h"));
    assertEquals(":1\r\n", q("HSETEX", "h", "FNX", "EX", "100", "FIELDS", "2", "a", "1", "b", "2"));
    String last = propagated.get(propagated.size() - 1);
    assertTrue(last.startsWith("HSETEX h FNX PXAT "), last);
    assertEquals(":0\r\n", q("HSETEX", "h", "FNX", "FIELDS", "2", "a", "x", "c", "3"));
    assertEquals(":1\r\n", q("HSETEX", "h", "FXX", "KEEPTTL", "FIELDS", "1", "a", "y"));
    assertEquals("$1\r\ny\r\n", q("HGET", "h", "a"));
    String ttl = q("HTTL", "h", "FIELDS", "1", "a");
    assertTrue(Long.parseLong(ttl.split("\r\n")[1].substring(1)) > 90, ttl);
    assertEquals(":1\r\n", q("HSETEX", "h", "FIELDS", "1", "a", "z"));
    assertEquals(ints(-1), q("HTTL", "h", "FIELDS", "1", "a")); // no option: the TTL is dropped
    assertEquals("-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified\r\n",
        q("HSETEX", "h", "EX", "10", "KEEPTTL", "FIELDS", "1", "a", "1"));
    assertEquals("-ERR Only one of FXX or FNX arguments can be specified\r\n",
        q("HSETEX", "h", "FXX", "FNX", "FIELDS", "1", "a", "1"));
    assertEquals("-ERR unknown argument: FOO\r\n", q("HSETEX", "h", "FOO", "FIELDS", "1", "a", "1"));
    assertEquals("-ERR wrong number of arguments for 'hsetex' command\r\n",
        q("HSETEX", "h", "FIELDS", "2", "a", "1", "b"));
    assertEquals("-ERR invalid number of fields\r\n", q("HSETEX", "h", "FIELDS", "0", "a", "1"));
  }
}
