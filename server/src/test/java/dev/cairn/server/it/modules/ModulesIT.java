package dev.cairn.server.it.modules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.Engine;
import dev.cairn.server.it.ServerTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** MODULE LOAD/LOADEX/UNLOAD/LIST and the SPI, with module jars compiled for the test. */
class ModulesIT extends ServerTestBase {
  static final String LOAD_FAILED = "ERR Error loading the extension. Please check the server logs.";
  Path good;
  Path failing;
  Path duplicate;
  Path coreClash;
  Path noService;
  Path late;
  Path missingClass;
  Path duplicateType;
  Path iso1;
  Path iso2;

  @Override
  protected String[] serverArgs() {
    return new String[] {"--enable-module-command", "yes"};
  }

  @BeforeAll
  void buildJars() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "test-module-jars")).toAbsolutePath();
    good = TestJars.build(dir, "testmod.jar", "tm.TestModule", TestModules.GOOD);
    failing = TestJars.build(dir, "failmod.jar", "fm.FailingModule", TestModules.FAILING);
    duplicate = TestJars.build(dir, "dupmod.jar", "dm.DupModule", TestModules.DUPLICATE);
    coreClash = TestJars.build(dir, "coreclash.jar", "cc.CoreClash", TestModules.CORE_CLASH);
    noService = TestJars.build(dir, "noservice.jar", null, TestModules.GOOD);
    late = TestJars.build(dir, "latemod.jar", "lm.LateModule", TestModules.LATE);
    duplicateType = TestJars.build(dir, "duptype.jar", "dt.DupType", TestModules.DUPLICATE_TYPE);
    missingClass = TestJars.build(dir, "missingclass.jar", "nope.Missing", TestModules.GOOD);
    iso1 = TestJars.build(dir, "iso1.jar", "iso.IsoModule", TestModules.isolated("isoone", "one"));
    iso2 = TestJars.build(dir, "iso2.jar", "iso.IsoModule", TestModules.isolated("isotwo", "two"));
  }

  @AfterEach
  void unloadAll() {
    // other clients first: one a failed test left blocked in a module command would keep its module loaded
    jedis.sendCommand(() -> "CLIENT".getBytes(), "KILL".getBytes(), "TYPE".getBytes(), "normal".getBytes(),
        "SKIPME".getBytes(), "yes".getBytes());
    jedis.flushAll();
    for (Object m : moduleList()) {
      jedis.sendCommand(() -> "MODULE".getBytes(), "UNLOAD".getBytes(), (byte[]) ((List<?>) m).get(1));
    }
  }

  private Object cmd(String... args) {
    return cmd(jedis, args);
  }

  private static Object cmd(Jedis j, String... args) {
    Object o = j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length));
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o;
  }

  private String error(String... args) {
    return assertThrows(JedisDataException.class, () -> cmd(args)).getMessage();
  }

  private List<?> moduleList() {
    return (List<?>) cmd("MODULE", "LIST");
  }

  private Engine engine() {
    return server.engine();
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }

  @Test
  void loadListUseUnload() {
    assertEquals("OK", cmd("MODULE", "LOAD", good.toString(), "a", "b"));
    List<?> list = moduleList();
    assertEquals(1, list.size());
    List<?> entry = (List<?>) list.get(0);
    assertEquals(8, entry.size());
    assertEquals("name", text(entry.get(0)));
    assertEquals("testmod", text(entry.get(1)));
    assertEquals("ver", text(entry.get(2)));
    assertEquals(7L, entry.get(3));
    assertEquals("path", text(entry.get(4)));
    assertEquals(good.toString(), text(entry.get(5)));
    assertEquals("args", text(entry.get(6)));
    assertEquals(List.of("a", "b"), ((List<?>) entry.get(7)).stream().map(ModulesIT::text).toList());
    assertEquals("hi", cmd("TEST.ECHO", "hi"));
    assertEquals("hi", cmd("test.echo", "hi"));
    assertEquals(List.of("a", "b"), ((List<?>) cmd("TEST.ARGS")).stream().map(ModulesIT::text).toList());
    assertEquals("ERR wrong number of arguments for 'test.echo' command", error("TEST.ECHO"));
    assertEquals("OK", cmd("MODULE", "UNLOAD", "testmod"));
    assertEquals(0, moduleList().size());
    assertTrue(error("TEST.ECHO", "hi").startsWith("ERR unknown command 'TEST.ECHO'"));
    assertEquals("ERR Error unloading module: no such module with that name", error("MODULE", "UNLOAD", "testmod"));
    // loadable again after an unload
    assertEquals("OK", cmd("MODULE", "LOAD", good.toString()));
    assertEquals("ERR Error loading the extension. Please check the server logs.",
        error("MODULE", "LOAD", good.toString()));
    assertTrue(engine().modules().lastError().contains("already loaded"), engine().modules().lastError());
  }

  @Test
  void helpAndArityAsRedis() {
    List<?> help = (List<?>) cmd("MODULE", "HELP");
    assertEquals("MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", text(help.get(0)));
    assertEquals(11, help.size());
    assertEquals("ERR wrong number of arguments for 'module|load' command", error("MODULE", "LOAD"));
    assertEquals("ERR unknown subcommand 'foo'. Try MODULE HELP.", error("MODULE", "foo"));
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", "/nonexistent/x.jar"));
    assertEquals(LOAD_FAILED, error("MODULE", "LOADEX", good.toString(), "CONFIG", "testmod.greeting"));
    assertEquals(LOAD_FAILED, error("MODULE", "LOADEX", good.toString(), "foo"));
    assertEquals(0, moduleList().size());
  }

  @Test
  void failingOnLoadLeavesServerUnchanged() throws Exception {
    int commandsBefore = onEngine(() -> engine().commands().size());
    int paramsBefore = onEngine(() -> engine().config().all().size());
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", failing.toString()));
    assertTrue(engine().modules().lastError().contains("refusing to load"), engine().modules().lastError());
    assertEquals(commandsBefore, onEngine(() -> engine().commands().size()));
    assertEquals(paramsBefore, onEngine(() -> engine().config().all().size()));
    assertNull(onEngine(() -> engine().config().find("failmod.p")));
    assertTrue(error("FAIL.CMD").startsWith("ERR unknown command"));
    assertEquals(0, moduleList().size());
  }

  @Test
  void duplicateCommandFailsNamingBothJars() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    int commandsBefore = onEngine(() -> engine().commands().size());
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", duplicate.toString()));
    String why = engine().modules().lastError();
    assertTrue(why.contains(duplicate.toString()) && why.contains(good.toString()) && why.contains("test.echo"), why);
    assertEquals(commandsBefore, onEngine(() -> engine().commands().size()));
    assertTrue(error("DUP.OWN").startsWith("ERR unknown command"));
    assertEquals(1, moduleList().size());
    assertEquals("x", cmd("TEST.ECHO", "x"));
  }

  @Test
  void duplicateTypeNameFailsNamingBothJars() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", duplicateType.toString()));
    String why = engine().modules().lastError();
    assertTrue(why.contains("TestBox-1") && why.contains(duplicateType.toString()) && why.contains(good.toString()),
        why);
    assertNull(onEngine(() -> engine().config().find("duptype.p")), "its config parameter was not registered");
    assertEquals(1, moduleList().size());
  }

  @Test
  void coreCommandNameAndMissingServiceAreRefused() {
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", coreClash.toString()));
    assertTrue(engine().modules().lastError().contains("the server core"), engine().modules().lastError());
    jedis.set("k", "v");
    assertEquals("v", jedis.get("k"));
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", noService.toString()));
    assertTrue(engine().modules().lastError().contains("META-INF/services"), engine().modules().lastError());
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", missingClass.toString()));
    assertTrue(engine().modules().lastError().contains("nope.Missing"), engine().modules().lastError());
    assertEquals(0, moduleList().size());
  }

  @Test
  void aModuleSeesTheApiAndTheJdkOnly() {
    cmd("MODULE", "LOAD", good.toString());
    assertEquals("visible", cmd("TEST.SEES", "dev.cairn.api.Module"));
    assertEquals("visible", cmd("TEST.SEES", "java.util.concurrent.ConcurrentHashMap"));
    assertEquals("visible", cmd("TEST.SEES", "java.sql.Connection"));
    assertEquals("hidden", cmd("TEST.SEES", "dev.cairn.core.Engine"));
    assertEquals("hidden", cmd("TEST.SEES", "io.netty.buffer.ByteBuf"));
    assertEquals("hidden", cmd("TEST.SEES", "redis.clients.jedis.Jedis"));
  }

  @Test
  void eachJarHasItsOwnClassLoader() {
    cmd("MODULE", "LOAD", iso1.toString());
    cmd("MODULE", "LOAD", iso2.toString());
    assertEquals("one cairn-module:iso1.jar", cmd("ISOONE.WHO"));
    assertEquals("two cairn-module:iso2.jar", cmd("ISOTWO.WHO"));
  }

  @Test
  void contextIsSealedAfterOnLoad() {
    cmd("MODULE", "LOAD", late.toString());
    assertEquals("SEALED", cmd("LATE.TRY"));
  }

  @Test
  void unloadRefusedWhileValuesOfItsTypeExist() {
    cmd("MODULE", "LOAD", good.toString());
    assertEquals("OK", cmd("TEST.SETBOX", "b", "content"));
    assertEquals("content", cmd("TEST.GETBOX", "b"));
    jedis.select(3);
    cmd("TEST.SETBOX", "b3", "x");
    jedis.select(0);
    String refused = "ERR Error unloading module: the module exports one or more module-side data types, can't unload";
    assertEquals(refused, error("MODULE", "UNLOAD", "testmod"));
    assertEquals(1L, jedis.del("b"));
    assertEquals(refused, error("MODULE", "UNLOAD", "testmod"), "a value in another database still counts");
    jedis.select(3);
    assertEquals(1L, jedis.del("b3"));
    jedis.select(0);
    assertEquals("OK", cmd("MODULE", "UNLOAD", "testmod"));
    // a core command on a key of a module type gets WRONGTYPE, a module command on a string too
    cmd("MODULE", "LOAD", good.toString());
    cmd("TEST.SETBOX", "b", "c");
    assertTrue(assertThrows(JedisDataException.class, () -> jedis.get("b")).getMessage().startsWith("WRONGTYPE"));
    jedis.set("s", "v");
    assertTrue(error("TEST.GETBOX", "s").startsWith("WRONGTYPE"));
  }

  @Test
  void configParametersFromLoadexAndStartup() throws Exception {
    assertEquals("OK", cmd("MODULE", "LOADEX", good.toString(), "CONFIG", "testmod.greeting", "bonjour",
        "CONFIG", "testmod.loud", "yes", "ARGS", "x"));
    assertEquals("BONJOUR", cmd("TEST.GREET"));
    assertEquals(List.of("x"), ((List<?>) cmd("TEST.ARGS")).stream().map(ModulesIT::text).toList());
    assertEquals("bonjour", onEngine(() -> engine().config().find("testmod.greeting").get()));
    assertEquals("testmod", onEngine(() -> engine().config().find("testmod.greeting").module()));
    assertEquals(10L, cmd("TEST.LIMIT"));
    cmd("MODULE", "UNLOAD", "testmod");
    assertNull(onEngine(() -> engine().config().find("testmod.greeting")), "unload removes the parameters");
    // out of range, rejected by the module's validator, or unknown: the load fails and nothing stays
    assertEquals(LOAD_FAILED, error("MODULE", "LOADEX", good.toString(), "CONFIG", "testmod.limit", "1000"));
    assertTrue(engine().modules().lastError().contains("between 1 and 100"), engine().modules().lastError());
    assertEquals(LOAD_FAILED, error("MODULE", "LOADEX", good.toString(), "CONFIG", "testmod.greeting", ""));
    assertTrue(engine().modules().lastError().contains("must not be empty"), engine().modules().lastError());
    assertEquals(LOAD_FAILED, error("MODULE", "LOADEX", good.toString(), "CONFIG", "testmod.nope", "1"));
    assertEquals(0, moduleList().size());
    assertNull(onEngine(() -> engine().config().find("testmod.limit")));
  }

  @Test
  void keyspaceAndServerEventsReachTheModule() {
    cmd("MODULE", "LOAD", good.toString());
    jedis.set("k1", "v");
    jedis.del("k1");
    jedis.select(2);
    jedis.set("k2", "v");
    jedis.select(0);
    cmd("TEST.SETBOX", "box", "x"); // class MODULE: not subscribed
    jedis.flushAll();
    List<String> events = ((List<?>) cmd("TEST.EVENTS")).stream().map(ModulesIT::text).toList();
    assertEquals(List.of("set:k1@0", "del:k1@0", "set:k2@2", "server:FLUSH_START:-1:-1",
        "server:FLUSH_END:-1:-1"), events);
    cmd("MODULE", "UNLOAD", "testmod");
    jedis.set("after", "unload"); // the listener is gone with the module: nothing throws, nothing is recorded
    assertEquals("unload", jedis.get("after"));
  }

  @Test
  void backgroundWorkReentersTheKeyspaceAndRepliesToTheBlockedClient() {
    cmd("MODULE", "LOAD", good.toString());
    long start = System.nanoTime();
    assertEquals("DONE on-engine", cmd("TEST.BG", "bgkey", "bgvalue"));
    assertTrue(System.nanoTime() - start >= 50_000_000L, "the reply waited for the background thread");
    assertEquals("bgvalue", jedis.get("bgkey"));
    assertEquals("TIMEOUT", cmd("TEST.SLEEPY"));
    // the client's later commands waited behind the blocked one, in order
    jedis.getClient().sendCommand(() -> "TEST.SLEEPY".getBytes());
    jedis.getClient().sendCommand(() -> "PING".getBytes());
    assertEquals("TIMEOUT", jedis.getClient().getStatusCodeReply());
    assertEquals("PONG", jedis.getClient().getStatusCodeReply());
  }

  @Test
  void moduleCommandRefusedWhenModuleCommandDisabled() throws Exception {
    dev.cairn.core.config.Config config = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams params = new dev.cairn.core.config.ServerParams(config);
    dev.cairn.core.config.ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes"});
    dev.cairn.server.CairnServer s = dev.cairn.server.CairnServer.start(config, params);
    try (Jedis j = new Jedis("127.0.0.1", s.port(), 10_000)) {
      String msg = assertThrows(JedisDataException.class,
          () -> cmd(j, "MODULE", "LOAD", good.toString())).getMessage();
      assertTrue(msg.startsWith("ERR MODULE command not allowed. If the enable-module-command option is set to"), msg);
      assertEquals(List.of(), cmd(j, "MODULE", "LIST"));
    } finally {
      s.close();
    }
  }

  @Test
  void loadmoduleDirectiveWithModuleConfigAtStartup() throws Exception {
    dev.cairn.core.config.Config config = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams params = new dev.cairn.core.config.ServerParams(config);
    dev.cairn.core.config.ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes",
        "--testmod.greeting", "salut", "--loadmodule", good.toString(), "one", "two"});
    dev.cairn.server.CairnServer s = dev.cairn.server.CairnServer.start(config, params);
    try (Jedis j = new Jedis("127.0.0.1", s.port(), 10_000)) {
      assertEquals("salut", cmd(j, "TEST.GREET"));
      assertEquals(List.of("one", "two"), ((List<?>) cmd(j, "TEST.ARGS")).stream().map(ModulesIT::text).toList());
    } finally {
      s.close();
    }
    // a module config line that no loaded module takes stops the startup, as in Redis
    dev.cairn.core.config.Config c2 = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams p2 = new dev.cairn.core.config.ServerParams(c2);
    dev.cairn.core.config.ConfigFile.load(c2, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes",
        "--nomodule.param", "x"});
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> dev.cairn.server.CairnServer.start(c2, p2));
    assertTrue(e.getMessage().contains("nomodule.param"), e.getMessage());
    // and a loadmodule jar that fails to load too
    dev.cairn.core.config.Config c3 = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams p3 = new dev.cairn.core.config.ServerParams(c3);
    dev.cairn.core.config.ConfigFile.load(c3, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes",
        "--loadmodule", failing.toString()});
    IllegalStateException e3 = assertThrows(IllegalStateException.class,
        () -> dev.cairn.server.CairnServer.start(c3, p3));
    assertTrue(e3.getMessage().contains("refusing to load"), e3.getMessage());
  }

  @Test
  void moduleSpecsAreMarkedAsTheModules() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    dev.cairn.api.command.CommandSpec spec = onEngine(() -> engine().commands().lookup("test.echo").spec);
    assertEquals("testmod", spec.module());
    assertTrue(spec.has(dev.cairn.api.command.Flag.MODULE));
    assertNull(onEngine(() -> engine().commands().lookup("get").spec.module()));
  }

  private static List<String> texts(Object o) {
    return ((List<?>) o).stream().map(ModulesIT::text).toList();
  }

  @Test
  void commandIntrospectionSeesModuleCommands() {
    cmd("MODULE", "LOAD", good.toString());
    List<?> docs = (List<?>) cmd("COMMAND", "DOCS", "test.echo");
    assertEquals("test.echo", text(docs.get(0)));
    List<String> fields = ((List<?>) docs.get(1)).stream().map(x -> x instanceof List ? "[list]" : text(x)).toList();
    java.util.Map<String, String> doc = new java.util.HashMap<>();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      doc.put(fields.get(i), fields.get(i + 1));
    }
    assertEquals("module", doc.get("group"));
    assertEquals("testmod", doc.get("module"));
    assertEquals("Echoes its argument.", doc.get("summary"));
    List<?> info = (List<?>) ((List<?>) cmd("COMMAND", "INFO", "test.echo")).get(0);
    assertTrue(texts(info.get(2)).contains("module"), "COMMAND INFO flags name the module flag");
    assertEquals(List.of("k"), texts(cmd("COMMAND", "GETKEYS", "test.setbox", "k", "v")));
    assertEquals(List.of("test.args", "test.bg", "test.crash", "test.echo", "test.events", "test.freed",
        "test.getbox", "test.greet", "test.hold", "test.limit", "test.noscript", "test.sees", "test.setbox", "test.sleepy",
        "test.wait"),
        texts(cmd("COMMAND", "LIST", "FILTERBY", "MODULE", "testmod")).stream().sorted().toList());
    cmd("MODULE", "UNLOAD", "testmod");
    assertEquals(List.of(), cmd("COMMAND", "LIST", "FILTERBY", "MODULE", "testmod"));
  }

  @Test
  void configSetAndGetOfModuleParameters() {
    cmd("MODULE", "LOAD", good.toString());
    assertEquals(List.of("testmod.limit", "10"), texts(cmd("CONFIG", "GET", "testmod.limit")));
    assertEquals("OK", cmd("CONFIG", "SET", "testmod.limit", "50"));
    assertEquals(50L, cmd("TEST.LIMIT"));
    String e = error("CONFIG", "SET", "testmod.limit", "1000");
    assertTrue(e.startsWith("ERR CONFIG SET failed (possibly related to argument 'testmod.limit')"), e);
    assertEquals(50L, cmd("TEST.LIMIT"));
    String v = error("CONFIG", "SET", "testmod.greeting", "");
    assertTrue(v.contains("greeting must not be empty"), v);
    assertEquals("OK", cmd("CONFIG", "SET", "testmod.greeting", "hey", "testmod.loud", "yes"));
    assertEquals("HEY", cmd("TEST.GREET"));
    assertEquals(List.of("testmod.greeting", "testmod.limit", "testmod.loud"),
        texts(cmd("CONFIG", "GET", "testmod.*")).stream().filter(x -> x.startsWith("testmod.")).sorted().toList());
    cmd("MODULE", "UNLOAD", "testmod");
    assertEquals(List.of(), cmd("CONFIG", "GET", "testmod.*"));
  }

  @Test
  void moduleValuesThroughCoreCommands() {
    cmd("MODULE", "LOAD", good.toString());
    cmd("TEST.SETBOX", "b", "content");
    assertEquals("TestBox-1", jedis.type("b"));
    assertEquals("raw", jedis.objectEncoding("b"));
    assertTrue(jedis.memoryUsage("b") > 0);
    assertTrue(jedis.copy("b", "b2", false));
    assertEquals("content", cmd("TEST.GETBOX", "b2"));
    byte[] dump = jedis.dump("b");
    assertEquals(7, dump[0], "RDB_TYPE_MODULE_2");
    assertEquals("OK", jedis.restore("r", 0, dump));
    assertEquals("content", cmd("TEST.GETBOX", "r"));
    assertEquals("TestBox-1", jedis.type("r"));
    jedis.del("b", "b2", "r");
    cmd("MODULE", "UNLOAD", "testmod");
    // without the module its values cannot be restored
    assertEquals("ERR Bad data format", assertThrows(JedisDataException.class,
        () -> jedis.restore("r", 0, dump)).getMessage());
    assertEquals(0L, jedis.exists("r") ? 1L : 0L);
  }

  @Test
  void infoListsModulesAndTheirSections() {
    cmd("MODULE", "LOAD", good.toString());
    String info = jedis.info("modules");
    assertTrue(info.contains("module:name=testmod,ver=7,api=1,filters=0,usedby=[],using=[],options=[]"), info);
    cmd("MODULE", "UNLOAD", "testmod");
    assertTrue(!jedis.info("modules").contains("testmod"));
  }

  @Test
  void flushdbAndSwapdbEventsReachTheModule() {
    cmd("MODULE", "LOAD", good.toString());
    jedis.select(1);
    jedis.flushDB();
    jedis.select(0);
    jedis.swapDB(0, 4);
    List<String> events = texts(cmd("TEST.EVENTS"));
    assertEquals(List.of("server:FLUSH_START:1:-1", "server:FLUSH_END:1:-1", "server:SWAPDB:0:4"), events);
  }

  @Test
  void freeRunsWhenValuesLeaveTheKeyspace() {
    cmd("MODULE", "LOAD", good.toString());
    cmd("TEST.SETBOX", "a", "1");
    cmd("TEST.SETBOX", "a", "2"); // overwritten
    assertEquals(1L, cmd("TEST.FREED"));
    jedis.del("a");
    assertEquals(2L, cmd("TEST.FREED"));
    cmd("TEST.SETBOX", "b", "1");
    cmd("TEST.SETBOX", "c", "1");
    jedis.set("s", "a string is not the module's");
    jedis.flushAll();
    assertEquals(4L, cmd("TEST.FREED"));
    cmd("TEST.SETBOX", "m", "moved");
    jedis.rename("m", "m2");
    jedis.move("m2", 5);
    assertEquals(4L, cmd("TEST.FREED"), "RENAME and MOVE move the value: nothing freed");
    jedis.select(5);
    assertEquals("moved", cmd("TEST.GETBOX", "m2"));
    jedis.del("m2");
    jedis.select(0);
    assertEquals(5L, cmd("TEST.FREED"));
    cmd("TEST.SETBOX", "e", "1");
    jedis.pexpire("e", 1);
    sleep(20);
    assertEquals(0L, jedis.exists("e") ? 1L : 0L);
    assertEquals(6L, cmd("TEST.FREED"));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aHandlerThatThrowsGetsAnErrorReplyNotADeadConnection() {
    cmd("MODULE", "LOAD", good.toString());
    String e = error("TEST.CRASH");
    assertTrue(e.startsWith("ERR module 'testmod' failed to run the command"), e);
    assertEquals("PONG", jedis.ping());
  }

  @Test
  void shutdownEventAndOnUnloadWhenTheServerStops() throws Exception {
    Path events = Files.createTempFile(Path.of("target"), "events", ".txt");
    dev.cairn.core.config.Config config = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams params = new dev.cairn.core.config.ServerParams(config);
    dev.cairn.core.config.ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes",
        "--loadmodule", good.toString(), "events-file", events.toString()});
    dev.cairn.server.CairnServer s = dev.cairn.server.CairnServer.start(config, params);
    s.close();
    assertEquals(List.of("server:SHUTDOWN", "onUnload"), Files.readAllLines(events));
  }

  private static byte[] resource(String name) throws java.io.IOException {
    try (java.io.InputStream in = ModulesIT.class.getResourceAsStream("/redis-dumps/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void moduleValuesSurviveSaveBgsaveAndReload() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    for (int i = 0; i < 2000; i++) {
      cmd("TEST.SETBOX", "box" + i, "content-" + i);
    }
    jedis.set("plain", "x");
    Object digest = cmd("DEBUG", "DIGEST");
    assertEquals("OK", cmd("SAVE"));
    byte[] file = Files.readAllBytes(dataDir.resolve("dump.rdb"));
    // RDB_TYPE_MODULE_2 values carry the type's 9-character name and encoding version as Redis's module type id
    assertTrue(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains("content-1999"));
    assertEquals("OK", cmd("DEBUG", "RELOAD"));
    assertEquals(digest, cmd("DEBUG", "DIGEST"));
    assertEquals("content-7", cmd("TEST.GETBOX", "box7"));
    // a background save serializes module values on the engine thread, while writes go on
    assertEquals("Background saving started", cmd("BGSAVE"));
    for (int i = 0; i < 2000; i += 3) {
      cmd("TEST.SETBOX", "box" + i, "changed");
      jedis.del("box" + (i + 1));
    }
    long deadline = System.currentTimeMillis() + 30_000;
    while (jedis.info("persistence").contains("rdb_bgsave_in_progress:1") && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(jedis.info("persistence").contains("rdb_last_bgsave_status:ok"));
    assertEquals("OK", cmd("DEBUG", "RELOAD", "NOSAVE"));
    assertEquals(digest, cmd("DEBUG", "DIGEST"), "the file holds the values as they were when BGSAVE started");
  }

  @Test
  void moduleValuesDumpedByRedisRestoreAndCairnDumpsTheSameBytes() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    byte[] fromRedis = resource("redis-testbox-dump.bin");
    assertEquals("OK", jedis.restore("k", 0, fromRedis));
    assertEquals("content", cmd("TEST.GETBOX", "k"));
    assertEquals("OK", jedis.restore("long", 0, resource("redis-testbox-long-dump.bin")));
    assertEquals("abc".repeat(100), cmd("TEST.GETBOX", "long"));
    byte[] ours = jedis.dump("k");
    // the same bytes as that Redis (7.0) wrote: value, version 10 and so the same CRC
    assertArrayEquals(fromRedis, ours);
  }

  @Test
  void moduleWritesPropagateLikeCoreCommands() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    List<String> effects = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.cairn.core.Propagation.Listener l = (db, command) -> {
      StringBuilder sb = new StringBuilder().append(db);
      for (byte[] part : command) {
        sb.append(' ').append(new String(part, StandardCharsets.UTF_8));
      }
      effects.add(sb.toString());
    };
    onEngine(() -> {
      engine().propagation().addListener(l);
      return null;
    });
    try {
      cmd("TEST.SETBOX", "p", "v");        // a module write: verbatim, as a core write
      cmd("TEST.GETBOX", "p");             // a read: nothing
      jedis.select(2);
      cmd("TEST.BG", "q", "w");            // background work: the effect it chose, in its database
      jedis.select(0);
      assertEquals(List.of("0 TEST.SETBOX p v", "2 SET q w"), effects);
    } finally {
      onEngine(() -> {
        engine().propagation().removeListener(l);
        return null;
      });
    }
  }

  @Test
  void configRewriteWritesLoadmoduleLinesSoModuleParametersSurviveARestart() throws Exception {
    Path file = Files.createTempFile(Path.of("target"), "cairn", ".conf").toAbsolutePath();
    Files.writeString(file, "port 0\nbind 127.0.0.1\nenable-module-command yes\nloadmodule /old/gone.jar x\n");
    String[] argv = {file.toString()};
    dev.cairn.core.config.Config config = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams params = new dev.cairn.core.config.ServerParams(config);
    dev.cairn.core.config.ConfigFile.load(config, argv);
    params.loadModules.clear(); // the old jar is not there: this first server starts without it
    dev.cairn.server.CairnServer s = dev.cairn.server.CairnServer.start(config, params);
    try (Jedis j = new Jedis("127.0.0.1", s.port(), 10_000)) {
      cmd(j, "MODULE", "LOAD", good.toString(), "a b", "c");
      cmd(j, "CONFIG", "SET", "testmod.limit", "42");
      assertEquals("OK", cmd(j, "CONFIG", "REWRITE"));
    } finally {
      s.close();
    }
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.contains("loadmodule " + good + " \"a b\" c"), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("/old/gone.jar")), lines.toString());
    assertTrue(lines.contains("testmod.limit 42"), lines.toString());
    dev.cairn.core.config.Config c2 = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams p2 = new dev.cairn.core.config.ServerParams(c2);
    dev.cairn.core.config.ConfigFile.load(c2, argv);
    dev.cairn.server.CairnServer s2 = dev.cairn.server.CairnServer.start(c2, p2);
    try (Jedis j = new Jedis("127.0.0.1", s2.port(), 10_000)) {
      assertEquals(42L, cmd(j, "TEST.LIMIT"));
      assertEquals(List.of("a b", "c"), texts(cmd(j, "TEST.ARGS")));
    } finally {
      s2.close();
    }
  }

  @Test
  void unloadWaitsForTheModulesBlockedClients() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    Jedis waiter = newJedis();
    java.util.concurrent.CompletableFuture<Object> reply = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> cmd(waiter, "TEST.WAIT", "1500"));
    long deadline = System.currentTimeMillis() + 5000;
    while (!jedis.clientList().contains("cmd=test.wait") && System.currentTimeMillis() < deadline) {
      sleep(10); // until the waiter's command has run and blocked it
    }
    String refused = "ERR Error unloading module: the module has blocked clients. Please wait for them to be unblocked "
        + "and try again";
    String got = error("MODULE", "UNLOAD", "testmod");
    assertEquals(refused, got);
    assertEquals("WAITED", reply.get());
    assertEquals("OK", cmd("MODULE", "UNLOAD", "testmod"));
  }

  private long blockedClientId(String command) {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      for (String line : jedis.clientList().split("\n")) {
        if (line.contains("cmd=" + command)) {
          return Long.parseLong(line.replaceAll("^id=(\\d+) .*", "$1").trim());
        }
      }
      sleep(10);
    }
    throw new AssertionError("no client blocked in " + command);
  }

  /** What CLIENT UNBLOCK will call (the command itself is not in the server yet). */
  private boolean unblock(long clientId, boolean withError) throws Exception {
    return onEngine(() -> engine().blocking().unblockByRequest(engine().client(clientId), withError));
  }

  @Test
  void clientUnblockAndInfoSeeModuleBlockedClients() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    Jedis holder = newJedis();
    var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> cmd(holder, "TEST.HOLD"));
    long id = blockedClientId("test.hold");
    assertTrue(jedis.info("clients").contains("blocked_clients:1"), jedis.info("clients"));
    assertTrue(unblock(id, false));
    assertEquals("RELEASED", first.get(), "unblocked as by a timeout: the timeout reply");
    var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return cmd(holder, "TEST.HOLD");
      } catch (JedisDataException e) {
        return e.getMessage();
      }
    });
    sleep(50);
    id = blockedClientId("test.hold");
    assertTrue(unblock(id, true));
    assertEquals("UNBLOCKED client unblocked via CLIENT UNBLOCK", second.get());
    assertTrue(jedis.info("clients").contains("blocked_clients:0"), jedis.info("clients"));
    Jedis waiter = newJedis();
    var third = java.util.concurrent.CompletableFuture.supplyAsync(() -> cmd(waiter, "TEST.WAIT", "300"));
    long waitId = blockedClientId("test.wait");
    assertFalse(unblock(waitId, false), "no timeout reply: CLIENT UNBLOCK cannot end the wait");
    assertEquals("WAITED", third.get());
  }

  @Test
  void moduleCommandsInsideMulti() throws Exception {
    cmd("MODULE", "LOAD", good.toString());
    dev.cairn.server.it.RawClient c = raw();
    c.command("MULTI").readReply();
    assertEquals("+QUEUED\r\n", c.command("TEST.SETBOX", "k", "v").readReply());
    assertEquals("+QUEUED\r\n", c.command("TEST.HOLD").readReply());
    assertEquals("+QUEUED\r\n", c.command("TEST.WAIT", "10").readReply());
    assertEquals("+QUEUED\r\n", c.command("TEST.GETBOX", "k").readReply());
    // a blocking module command may not block inside EXEC: it answers with Redis's error at once
    assertEquals("*4\r\n+OK\r\n-ERR Blocking module command called from transaction\r\n"
        + "-ERR Blocking module command called from transaction\r\n$1\r\nv\r\n", c.command("EXEC").readReply());
    assertTrue(jedis.info("clients").contains("blocked_clients:0"), jedis.info("clients"));
    sleep(50); // TEST.WAIT's thread answers a handle nobody waits for
    assertEquals("+PONG\r\n", c.command("PING").readReply());
    // the write flag holds an EXEC during a write pause; a read-only module transaction runs
    c.command("MULTI").readReply();
    c.command("TEST.GETBOX", "k").readReply();
    cmd("CLIENT", "PAUSE", "60000", "WRITE");
    try {
      assertEquals("*1\r\n$1\r\nv\r\n", c.command("EXEC").readReply());
      c.command("MULTI").readReply();
      cmd("CLIENT", "UNPAUSE");
      c.command("TEST.SETBOX", "k", "w").readReply();
      cmd("CLIENT", "PAUSE", "60000", "WRITE");
      c.command("EXEC");
      c.setTimeout(300);
      assertThrows(java.net.SocketTimeoutException.class, c::readReply, "EXEC waits for the pause to end");
      c.setTimeout(5000);
    } finally {
      cmd("CLIENT", "UNPAUSE");
    }
    assertEquals("*1\r\n+OK\r\n", c.readReply());
    assertEquals("w", cmd("TEST.GETBOX", "k"));
  }
}
