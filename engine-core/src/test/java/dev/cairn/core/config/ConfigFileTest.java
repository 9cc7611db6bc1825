package dev.cairn.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and config file as redis-server reads them. */
class ConfigFileTest {
  @TempDir Path dir;
  private final Config config = new Config();
  private final ServerParams params = new ServerParams(config);

  private void load(String... argv) throws Exception {
    ConfigFile.load(config, argv, () -> "");
  }

  @Test
  void fileThenStdinThenOptionsLastOneWins() throws Exception {
    Path f = dir.resolve("a.conf");
    Files.writeString(f, "port 7001\nhz 20\nmaxclients 50\n");
    ConfigFile.load(config, new String[] {f.toString(), "--hz", "30", "-"}, () -> "hz 40\nmaxclients 60\n");
    assertEquals(7001, params.port.value);
    assertEquals(30, params.hz.value); // options come after standard input
    assertEquals(60, params.maxclients.value);
    assertTrue(config.configFromStdin);
    assertEquals(f.toAbsolutePath(), config.configFile);
  }

  @Test
  void dashFirstReadsStdinAndADashElsewhereIsAValue() throws Exception {
    ConfigFile.load(config, new String[] {"-", "--port", "7002"}, () -> "hz 25");
    assertEquals(25, params.hz.value);
    assertEquals(7002, params.port.value);
    assertThrows(ConfigFile.StartupError.class, () -> load("--port", "-", "--hz", "5"));
  }

  @Test
  void aNameAloneTakesTheNextArgumentEvenWhenItStartsWithDashes() throws Exception {
    load("--requirepass", "--secret--", "--port", "7003");
    assertEquals("--secret--", params.requirepass.value);
    assertEquals(7003, params.port.value);
  }

  @Test
  void bareSaveMeansNoSavePoints() throws Exception {
    load("--save", "--port", "7004");
    assertEquals("", params.persistence.save.get());
    assertEquals(7004, params.port.value);
    params.persistence.save.set("100 1");
    load("--port", "7005", "--save");
    assertEquals("", params.persistence.save.get());
  }

  @Test
  void optionAndValueInOneArgumentAndSeveralValues() throws Exception {
    load("--port 7006", "--save", "100", "10", "200", "20");
    assertEquals(7006, params.port.value);
    assertEquals("100 10 200 20", params.persistence.save.get());
  }

  @Test
  void valuesKeepQuotesSpacesAndNewlines() throws Exception {
    load("--requirepass", "a \"b\"\\c\nd");
    assertEquals("a \"b\"\\c\nd", params.requirepass.value);
  }

  @Test
  void multiArgumentParametersAcceptAnEmptyLineAsTheSuiteWritesIt() throws Exception {
    Path f = dir.resolve("b.conf");
    Files.writeString(f, "save \nlogfile ''\nlatency-tracking-info-percentiles \"\"\n");
    load(f.toString());
    assertEquals("", params.persistence.save.get());
    assertEquals("", params.process.logfile.value);
    assertEquals(0, params.persistence.save.rules.length);
  }

  @Test
  void badLinesStopTheStartWithTheLineQuoted() {
    ConfigFile.StartupError e = assertThrows(ConfigFile.StartupError.class, () -> load("--port"));
    assertTrue(e.getMessage().contains(">>> 'port'"), e.getMessage());
    e = assertThrows(ConfigFile.StartupError.class, () -> load("--no-such-thing", "1"));
    assertTrue(e.getMessage().contains("Bad directive"), e.getMessage());
    assertFalse(config.configFromStdin);
  }

  @Test
  void suiteDefaultConfigLoads() throws Exception {
    Path f = dir.resolve("default.conf");
    Files.writeString(f, String.join("\n", "always-show-logo yes", "notify-keyspace-events KEA", "daemonize no",
        "pidfile /var/run/redis.pid", "port 6379", "timeout 0", "bind 127.0.0.1", "loglevel verbose",
        "logfile ''", "databases 16", "latency-monitor-threshold 1", "repl-diskless-sync-delay 0", "save ''",
        "rdbcompression yes", "dbfilename dump.rdb", "dir ./", "slave-serve-stale-data yes", "appendonly no",
        "appendfsync everysec", "no-appendfsync-on-rewrite no", "activerehashing yes",
        "enable-protected-configs yes", "enable-debug-command yes", "enable-module-command yes",
        "propagation-error-behavior panic", "shutdown-on-sigterm force", ""));
    load(f.toString(), "--port", "21111", "--unixsocket", dir.resolve("socket").toString());
    assertEquals("force", params.process.shutdownOnSigterm.value);
    assertEquals("/var/run/redis.pid", params.process.effectivePidfile());
    assertTrue(params.process.alwaysShowLogo.value);
  }

  @Test
  void aForcedRewriteOfEveryParameterReadsBackTheSame() throws Exception {
    Path f = dir.resolve("all.conf");
    Files.writeString(f, "port 7010\nsave 900 1\n");
    load(f.toString(), "--save", "100 10", "--requirepass", "p w");
    ConfigRewrite.rewrite(config, f, true);
    Config again = new Config();
    new ServerParams(again);
    ConfigFile.load(again, new String[] {f.toString()}, () -> "");
    for (ConfigParam p : config.all()) {
      assertEquals(p.get(), again.find(p.name()).get(), p.name());
    }
    assertEquals("900 1 100 10", again.find("save").get());
  }

  @Test
  void oneArgumentWithSpacesForAMultiArgumentParameterAndShutdownFlagsInRedisOrder() throws Exception {
    load("--shutdown-on-sigint", "nosave", "FORCE", "now", "--shutdown-on-sigterm", "nosave force");
    assertEquals("nosave now force", params.process.shutdownOnSigint.value);
    assertEquals("nosave force", params.process.shutdownOnSigterm.value);
  }
}
