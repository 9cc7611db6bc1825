package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class ConfigIT extends ServerTestBase {
  @AfterEach
  void restore() {
    jedis.configSet("maxmemory", "0", "maxmemory-policy", "noeviction", "hz", "10");
  }

  @Test
  void getWithAGlobIsExact() throws Exception {
    assertEquals("*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n",
        raw().command("CONFIG", "GET", "maxmemory-p*").readReply());
  }

  @Test
  void getWithSeveralPatternsListsEachNameOnceAndAliasesToo() {
    Map<String, String> r = jedis.configGet("maxmemory", "maxmemory*", "replicaof", "slaveof", "*-ziplist-entries");
    assertEquals("0", r.get("maxmemory"));
    assertTrue(r.containsKey("maxmemory-samples") && r.containsKey("maxmemory-clients"));
    assertTrue(r.containsKey("replicaof") && r.containsKey("slaveof"));
    assertEquals("512", r.get("hash-max-ziplist-entries"));
    assertEquals("128", r.get("zset-max-ziplist-entries"));
  }

  @Test
  void getIsCaseInsensitiveAndKeepsTheGivenName() throws Exception {
    assertEquals("*2\r\n$9\r\nMAXMEMORY\r\n$1\r\n0\r\n", raw().command("CONFIG", "GET", "MAXMEMORY").readReply());
    assertEquals("*0\r\n", raw().command("CONFIG", "GET", "no-such-param").readReply());
  }

  @Test
  void hiddenParametersNeedTheirExactName() {
    assertFalse(jedis.configGet("*").containsKey("key-load-delay"));
    assertEquals("0", jedis.configGet("key-load-delay").get("key-load-delay"));
  }

  @Test
  void setSeveralAtOnce() {
    assertEquals("OK", jedis.configSet("maxmemory", "1mb", "maxmemory-policy", "allkeys-lru"));
    assertEquals("1048576", jedis.configGet("maxmemory").get("maxmemory"));
    assertEquals("allkeys-lru", jedis.configGet("maxmemory-policy").get("maxmemory-policy"));
  }

  @Test
  void setIsAllOrNothing() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be "
            + "one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
            + "allkeys-lfu, allkeys-random, noeviction\r\n",
        r.command("CONFIG", "SET", "maxmemory", "7mb", "hz", "50", "maxmemory-policy", "bogus").readReply());
    assertEquals("0", jedis.configGet("maxmemory").get("maxmemory"));
    assertEquals("10", jedis.configGet("hz").get("hz"));
  }

  @Test
  void setErrorsAreRedisTexts() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
        r.command("CONFIG", "SET", "maxmemory", "1", "foo", "bar").readReply());
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n",
        r.command("CONFIG", "SET", "daemonize", "yes").readReply());
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\r\n",
        r.command("CONFIG", "SET", "maxmemory", "1", "maxmemory", "2").readReply());
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory "
        + "value\r\n", r.command("CONFIG", "SET", "maxmemory", "abc").readReply());
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or "
        + "'no'\r\n", r.command("CONFIG", "SET", "appendonly", "maybe").readReply());
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an "
        + "integer\r\n", r.command("CONFIG", "SET", "hz", "x").readReply());
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'active-expire-effort') - argument must be "
        + "between 1 and 10 inclusive\r\n", r.command("CONFIG", "SET", "active-expire-effort", "11").readReply());
    assertEquals("-ERR wrong number of arguments for 'config|set' command\r\n",
        r.command("CONFIG", "SET", "maxmemory", "1", "hz").readReply());
    assertEquals("-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n",
        r.command("CONFIG", "SET", "dir", "/tmp").readReply());
  }

  @Test
  void specialParametersFormatAsRedis() {
    jedis.configSet("notify-keyspace-events", "KEA");
    assertEquals("AKE", jedis.configGet("notify-keyspace-events").get("notify-keyspace-events"));
    jedis.configSet("notify-keyspace-events", "");
    jedis.configSet("client-output-buffer-limit", "pubsub 1mb 2mb 3");
    assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 3",
        jedis.configGet("client-output-buffer-limit").get("client-output-buffer-limit"));
    jedis.configSet("client-output-buffer-limit", "pubsub 33554432 8388608 60");
    jedis.configSet("hz", "100000");
    assertEquals("500", jedis.configGet("hz").get("hz"));
  }

  @Test
  void resetstatClearsCommandAndErrorStats() throws Exception {
    jedis.set("a", "b");
    raw().command("NOSUCHCOMMAND").readReply();
    assertTrue(jedis.info("commandstats").contains("cmdstat_set:"));
    assertTrue(jedis.info("errorstats").contains("errorstat_ERR:count="));
    assertEquals("OK", jedis.configResetStat());
    String stats = jedis.info("commandstats");
    assertFalse(stats.contains("cmdstat_set:"), stats);
    assertFalse(jedis.info("errorstats").contains("errorstat_ERR"));
    assertTrue(jedis.info("stats").contains("total_error_replies:0\r\n"));
  }

  @Test
  void rewriteWithoutAFile() throws Exception {
    assertEquals("-ERR The server is running without a config file\r\n",
        raw().command("CONFIG", "REWRITE").readReply());
  }

  @Test
  void rewriteRoundTrip(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cairn.conf");
    Files.writeString(file, "# Cairn test config\nbind 127.0.0.1\nmaxmemory 10mb\nsave \"\"\n");
    CairnServer s = start(file);
    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
      j.configSet("maxmemory", "20mb", "maxmemory-policy", "allkeys-lfu", "notify-keyspace-events", "Ex");
      assertEquals("OK", j.configRewrite());
    } finally {
      s.close();
    }
    String text = Files.readString(file);
    assertTrue(text.startsWith("# Cairn test config\nbind 127.0.0.1\nmaxmemory 20mb\nsave \"\"\n"), text);
    assertTrue(text.contains("# Generated by CONFIG REWRITE\n"), text);
    assertTrue(text.contains("\nmaxmemory-policy allkeys-lfu\n"), text);
    assertTrue(text.contains("\nnotify-keyspace-events xE\n"), text);

    CairnServer again = start(file);
    try (Jedis j = new Jedis("127.0.0.1", again.port())) {
      assertEquals("20971520", j.configGet("maxmemory").get("maxmemory"));
      assertEquals("allkeys-lfu", j.configGet("maxmemory-policy").get("maxmemory-policy"));
      assertEquals("xE", j.configGet("notify-keyspace-events").get("notify-keyspace-events"));
      assertEquals("", j.configGet("save").get("save"));
    } finally {
      again.close();
    }
  }

  private static CairnServer start(Path file) throws Exception {
    return InProcessServers.launch(file.toString(), "--port", "0");
  }

  @Test
  void help() throws Exception {
    String help = raw().command("CONFIG", "HELP").readReply();
    assertTrue(help.startsWith("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"), help);
    assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
  }
}
