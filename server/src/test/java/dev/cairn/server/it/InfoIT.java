package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InfoIT extends ServerTestBase {
  private static String field(String info, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":([^\r\n]*)\r\n").matcher(info);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void defaultSectionsInRedisOrder() {
    String info = jedis.info();
    String[] titles = {"# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU",
        "# Modules", "# Errorstats", "# Cluster", "# Keyspace"};
    int at = -1;
    for (String t : titles) {
      int i = info.indexOf(t + "\r\n");
      assertTrue(i > at, t + " missing or out of order");
      at = i;
    }
    assertFalse(info.contains("# Commandstats"));
    assertTrue(info.startsWith("# Server\r\nredis_version:7.2.4\r\n"));
    assertTrue(info.contains("\r\n\r\n# Clients\r\n"), "a blank line separates sections");
  }

  @Test
  void allAndEverythingAddCommandstats() {
    for (String arg : new String[] {"all", "everything", "ALL"}) {
      String info = jedis.info(arg);
      assertTrue(info.contains("# Commandstats\r\ncmdstat_"), arg);
      assertTrue(info.contains("# Server"), arg);
    }
    String info = raw0("INFO", "default");
    assertFalse(info.contains("# Commandstats"));
  }

  @Test
  void sectionsAreCaseInsensitiveAndCombine() {
    String cpu = jedis.info("CPU");
    assertTrue(cpu.startsWith("# CPU\r\nused_cpu_sys:"), cpu);
    assertFalse(cpu.contains("used_memory"));
    String two = raw0("INFO", "cpu", "server", "cpu");
    assertTrue(two.indexOf("# Server") < two.indexOf("# CPU"));
    assertEquals(two.indexOf("used_cpu_user:"), two.lastIndexOf("used_cpu_user:"), "a section once");
    assertEquals("", jedis.info("nosuchsection"));
  }

  private String raw0(String... args) {
    return new String((byte[]) jedis.sendCommand(() -> args[0].getBytes(), java.util.Arrays.copyOfRange(args, 1,
        args.length)), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void serverFields() {
    String info = jedis.info("server");
    assertTrue(field(info, "run_id").matches("[0-9a-f]{40}"));
    assertEquals(String.valueOf(port()), field(info, "tcp_port"));
    assertEquals("standalone", field(info, "redis_mode"));
    assertEquals("0.1.0", field(info, "cairn_version"));
    assertEquals(String.valueOf(ProcessHandle.current().pid()), field(info, "process_id"));
    assertEquals("10", field(info, "hz"));
    long usec = Long.parseLong(field(info, "server_time_usec"));
    assertTrue(Math.abs(usec / 1000 - System.currentTimeMillis()) < 5000);
  }

  @Test
  void keyspaceAndStats() {
    jedis.set("k", "v");
    jedis.get("k");
    jedis.get("missing");
    String info = jedis.info();
    // subexpiry counts keys with expiring hash fields, as Redis 7.4 reports it (Cairn has 7.4's field expiry)
    assertEquals("keys=1,expires=0,avg_ttl=0,subexpiry=0", field(info, "db0"));
    assertTrue(Long.parseLong(field(info, "keyspace_hits")) >= 1);
    assertTrue(Long.parseLong(field(info, "keyspace_misses")) >= 1);
    assertTrue(Long.parseLong(field(info, "total_commands_processed")) >= 3);
    assertTrue(Long.parseLong(field(info, "connected_clients")) >= 1);
    assertTrue(Long.parseLong(field(info, "used_memory")) > 0);
    assertEquals("master", field(info, "role"));
    assertTrue(field(info, "master_replid").matches("[0-9a-f]{40}"));
    assertEquals("0", field(info, "loading"));
  }

  @Test
  void commandAndErrorStatsFormat() throws Exception {
    jedis.configResetStat();
    jedis.set("k", "v");
    jedis.configGet("hz");
    RawClient r = raw();
    r.command("GET").readReply(); // rejected: wrong arity
    String stats = jedis.info("commandstats");
    assertTrue(stats.matches("(?s).*cmdstat_set:calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,"
        + "failed_calls=0\r\n.*"), stats);
    assertTrue(stats.contains("cmdstat_config|get:calls=1,"), stats);
    assertTrue(stats.contains("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"), stats);
    assertEquals("count=1", field(jedis.info("errorstats"), "errorstat_ERR"));
  }

  /**
   * Commands of one read share clock readings (one command's end is the next one's start): a command after a slow one
   * in the same read is not given the slow one's time.
   */
  @Test
  void aCommandPipelinedAfterASlowOneKeepsItsOwnDuration() throws Exception {
    jedis.configResetStat();
    RawClient r = raw();
    r.send("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.2\r\n*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n");
    r.readReply();
    r.readReply();
    r.readReply();
    String stats = jedis.info("commandstats");
    Matcher debug = Pattern.compile("cmdstat_debug:calls=1,usec=(\\d+),").matcher(stats);
    Matcher ping = Pattern.compile("cmdstat_ping:calls=2,usec=(\\d+),").matcher(stats);
    assertTrue(debug.find() && ping.find(), stats);
    assertTrue(Long.parseLong(debug.group(1)) >= 200_000, stats);
    assertTrue(Long.parseLong(ping.group(1)) < 50_000, stats);
  }

  @Test
  void instantaneousOpsAreSampled() throws Exception {
    long deadline = System.currentTimeMillis() + 1500;
    while (System.currentTimeMillis() < deadline) {
      jedis.ping();
    }
    assertTrue(Long.parseLong(field(jedis.info("stats"), "instantaneous_ops_per_sec")) > 0);
  }
}
