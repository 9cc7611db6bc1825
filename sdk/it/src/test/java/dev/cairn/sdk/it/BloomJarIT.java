package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.type.ModuleValue;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.module.ModuleRdb;
import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The example module as users get it: the cairn-bloom.jar the build produced, loaded into a real server with MODULE
 * LOAD (its classes are not on this test's class path), used through Jedis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BloomJarIT {
  private CairnServer server;
  private Jedis jedis;
  private Path jar;

  @BeforeAll
  void start() throws Exception {
    jar = Path.of(System.getProperty("cairn.bloomJar", "../examples/bloom/target/cairn-bloom.jar"))
        .toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "the reactor builds " + jar + " before this module");
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1", "--enable-module-command", "yes"});
    server = CairnServer.start(config, params);
    jedis = new Jedis("127.0.0.1", server.port(), 10_000);
  }

  @AfterAll
  void stop() {
    jedis.close();
    server.close();
  }

  private Object cmd(String... args) {
    Object o = jedis.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length));
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o;
  }

  private <T> T onEngine(Callable<T> c) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    server.engine().loop().execute(() -> {
      try {
        f.complete(c.call());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f.get();
  }

  private List<String> infoText(String key) {
    return ((List<?>) cmd("BF.INFO", key)).stream()
        .map(x -> x instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(x)).toList();
  }

  @Test
  void loadUseSerializeUnload() throws Exception {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.cairn.example.bloom.BloomModule"),
        "the module must come from its jar, not from the test class path");
    assertEquals("OK", cmd("MODULE", "LOAD", jar.toString(), "ERROR_RATE", "0.001", "INITIAL_SIZE", "50"));
    List<?> entry = (List<?>) ((List<?>) cmd("MODULE", "LIST")).get(0);
    assertEquals("bf", new String((byte[]) entry.get(1)));
    assertEquals(jar.toString(), new String((byte[]) entry.get(5)));

    // its INFO section, and the module in INFO modules
    String section = jedis.info("bf_defaults");
    assertTrue(section.contains("# bf_defaults") && section.contains("bf_error_rate:0.001")
        && section.contains("bf_initial_size:50"), section);
    assertTrue(jedis.info("modules").contains("module:name=bf,ver=10000,"));
    assertTrue(!jedis.info().contains("bf_defaults"), "module sections are not in the default INFO");
    assertTrue(jedis.info("everything").contains("bf_error_rate:0.001"));

    // load arguments became the defaults of BF.ADD's auto-created filter
    assertEquals(1L, cmd("BF.ADD", "f", "apple"));
    assertEquals(List.of(50L), cmd("BF.INFO", "f", "CAPACITY"));
    for (int i = 0; i < 120; i++) {
      cmd("BF.ADD", "f", "item" + i);
    }
    assertEquals(121L, cmd("BF.CARD", "f"));
    assertEquals(List.of(2L), cmd("BF.INFO", "f", "FILTERS"), "50 then 100: two sub-filters");
    assertEquals("ERR item exists", assertThrows(JedisDataException.class,
        () -> cmd("BF.RESERVE", "f", "0.01", "10")).getMessage());

    // the serializer, through the server: the stored value leaves as RDB module-value bytes (RDB_TYPE_MODULE_2 layout
    // with the 64-bit id of CairnBlom/1) and comes back under another key, then answers the same
    byte[] bytes = onEngine(() -> {
      Engine e = server.engine();
      ModuleValue v = (ModuleValue) e.keyspace().db(0).get("f".getBytes());
      return ModuleRdb.encode(v);
    });
    long typeId = dev.cairn.api.type.TypeId.of("CairnBlom", 1).moduleTypeId();
    assertEquals((byte) 0x81, bytes[0], "a 64-bit length holds the module type id");
    assertEquals(typeId, java.nio.ByteBuffer.wrap(bytes, 1, 8).getLong());
    onEngine(() -> {
      Engine e = server.engine();
      ModuleValue back = ModuleRdb.decode(bytes, e.modules().types());
      assertEquals("CairnBlom", back.typeName());
      assertEquals("raw", back.encoding());
      e.keyspace().db(0).set("copy".getBytes(), back);
      return null;
    });
    assertEquals(infoText("f"), infoText("copy"));
    assertEquals(121L, cmd("BF.CARD", "copy"));
    for (int i = 0; i < 120; i++) {
      assertEquals(1L, cmd("BF.EXISTS", "copy", "item" + i));
    }
    assertEquals(0L, cmd("BF.EXISTS", "copy", "never-added"));

    // DUMP/RESTORE: the payload is Redis's (type byte 7 = RDB_TYPE_MODULE_2, 64-bit module type id, the fields,
    // RDB version and CRC64), and RESTORE gives back a filter that answers as the original
    assertEquals("CairnBlom", jedis.type("f"));
    assertEquals("raw", jedis.objectEncoding("f"));
    byte[] dump = jedis.dump("f");
    assertEquals(7, dump[0]);
    assertEquals(typeId, java.nio.ByteBuffer.wrap(dump, 2, 8).getLong());
    assertEquals("OK", jedis.restore("restored", 0, dump));
    assertEquals(infoText("f"), infoText("restored"));
    for (int i = 0; i < 120; i++) {
      assertEquals(1L, cmd("BF.EXISTS", "restored", "item" + i));
    }
    assertEquals(1L, cmd("BF.ADD", "restored", "only-in-restored"));
    assertEquals(0L, cmd("BF.EXISTS", "f", "only-in-restored"), "the restored filter is independent");
    assertTrue(jedis.copy("f", "copied", false));
    assertEquals(infoText("f"), infoText("copied"));
    assertEquals(3L, jedis.del("restored", "copied", "nothing", "copy"));

    // unload refused while filters exist, allowed once they are gone
    JedisDataException refused = assertThrows(JedisDataException.class, () -> cmd("MODULE", "UNLOAD", "bf"));
    assertEquals("ERR Error unloading module: the module exports one or more module-side data types, can't unload",
        refused.getMessage());
    assertEquals(1L, jedis.del("f"));
    assertEquals("OK", cmd("MODULE", "UNLOAD", "bf"));
    assertTrue(assertThrows(JedisDataException.class, () -> cmd("BF.ADD", "f", "x")).getMessage()
        .startsWith("ERR unknown command"));
    assertFalse(onEngine(() -> server.engine().modules().types().byName("CairnBlom") != null));
    // and loadable again, with config given by LOADEX
    assertEquals("OK", cmd("MODULE", "LOADEX", jar.toString(), "CONFIG", "bf.initial-size", "7"));
    cmd("BF.ADD", "g", "x");
    assertEquals(List.of(7L), cmd("BF.INFO", "g", "CAPACITY"));
    jedis.del("g");
    cmd("MODULE", "UNLOAD", "bf");
  }

  @Test
  void badLoadArgumentsFailTheLoad() {
    JedisDataException e = assertThrows(JedisDataException.class,
        () -> cmd("MODULE", "LOAD", jar.toString(), "ERROR_RATE", "2"));
    assertEquals("ERR Error loading the extension. Please check the server logs.", e.getMessage());
    assertInstanceOf(List.class, cmd("MODULE", "LIST"));
    assertEquals(0, ((List<?>) cmd("MODULE", "LIST")).size());
  }
}
