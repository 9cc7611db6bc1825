package dev.cairn.server.it.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.it.ServerTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Module-to-module APIs ({@code ModuleContext.exportSharedApi} / {@code ModuleServer.sharedApi}): two jars in their own
 * class loaders, the exporter's contract a JDK interface; lookup in either load order, INFO modules' usedby/using, and
 * UNLOAD refused while the API is used, with Redis's text. And modules calling commands ({@code ServerAccess.call}).
 */
class SharedApiIT extends ServerTestBase {
  static final String LOAD_FAILED = "ERR Error loading the extension. Please check the server logs.";

  /** Exports "upper.v1" (a Function) and "upper.kind" (a String). */
  static final Map<String, String> EXPORTER = Map.of("ex.Exporter", """
      package ex;
      import dev.cairn.api.*;
      import dev.cairn.api.Module;
      public final class Exporter implements Module {
        public ModuleInfo info() { return new ModuleInfo("exporter", 1); }
        public void onLoad(ModuleContext ctx) {
          ctx.exportSharedApi("upper.v1", (java.util.function.Function<String, String>) s -> s.toUpperCase());
          ctx.exportSharedApi("upper.kind", "exporter's");
        }
      }
      """);

  /** Exports "upper.v1" too: its load must fail while the exporter is loaded. */
  static final Map<String, String> CLASH = Map.of("cl.Clash", """
      package cl;
      import dev.cairn.api.*;
      import dev.cairn.api.Module;
      public final class Clash implements Module {
        public ModuleInfo info() { return new ModuleInfo("clash", 1); }
        public void onLoad(ModuleContext ctx) {
          ctx.exportSharedApi("upper.v1", (java.util.function.Function<String, String>) s -> s);
        }
      }
      """);

  /** IMP.UPPER s: calls the exporter's function, resolved at each call; IMP.BADTYPE asks for the wrong type. */
  static final Map<String, String> IMPORTER = Map.of("im.Importer", """
      package im;
      import dev.cairn.api.*;
      import dev.cairn.api.Module;
      import dev.cairn.api.command.*;
      import java.util.function.Function;
      public final class Importer implements Module {
        public ModuleInfo info() { return new ModuleInfo("importer", 1); }
        public void onLoad(ModuleContext ctx) {
          ctx.registerCommands(r -> {
            r.add(CommandSpec.command("imp.upper", 2).summary("x").build(), (c, a) -> {
              @SuppressWarnings("unchecked")
              Function<String, String> f = ctx.server().sharedApi("upper.v1", Function.class);
              if (f == null) {
                throw dev.cairn.api.reply.RedisException.err("upper.v1 is not available");
              } else {
                c.reply().bulk(f.apply(a.string(1)));
              }
            });
            r.add(CommandSpec.command("imp.badtype", 1).summary("x").build(), (c, a) -> {
              try {
                ctx.server().sharedApi("upper.kind", Function.class);
                c.reply().simple("cast");
              } catch (ClassCastException e) {
                c.reply().simple("ClassCastException");
              }
            });
          });
        }
      }
      """);

  /** CALLER.RUN cmd args...: ServerAccess.call, the reply rendered as text (RedisModule_Call). */
  static final Map<String, String> CALLER = Map.of("ca.Caller", """
      package ca;
      import dev.cairn.api.*;
      import dev.cairn.api.Module;
      import dev.cairn.api.command.*;
      public final class Caller implements Module {
        public ModuleInfo info() { return new ModuleInfo("caller", 1); }
        static String render(Object o) {
          if (o instanceof byte[] b) return "bulk:" + new String(b);
          if (o instanceof java.util.List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object x : l) sb.append(sb.length() > 1 ? "," : "").append(render(x));
            return sb.append("]").toString();
          }
          if (o instanceof Exception e) return "error:" + e.getMessage();
          return o == null ? "nil" : o.getClass().getSimpleName() + ":" + o;
        }
        public void onLoad(ModuleContext ctx) {
          ctx.registerCommands(r -> r.add(CommandSpec.command("caller.run", -2).flags(Flag.WRITE).summary("x").build(),
              (c, a) -> {
                byte[][] argv = new byte[a.size() - 1][];
                for (int i = 1; i < a.size(); i++) argv[i - 1] = a.get(i);
                try {
                  c.reply().bulk(render(ctx.server().access().call(c.db().id(), argv)));
                } catch (dev.cairn.api.reply.RedisException e) {
                  c.reply().bulk("thrown:" + e.getMessage());
                }
                c.preventPropagation();
              }));
        }
      }
      """);

  Path exporter;
  Path importer;
  Path clash;
  Path caller;

  @Override
  protected String[] serverArgs() {
    return new String[] {"--enable-module-command", "yes"};
  }

  @BeforeAll
  void buildJars() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "test-module-jars")).toAbsolutePath();
    exporter = TestJars.build(dir, "exporter.jar", "ex.Exporter", EXPORTER);
    importer = TestJars.build(dir, "importer.jar", "im.Importer", IMPORTER);
    clash = TestJars.build(dir, "clash.jar", "cl.Clash", CLASH);
    caller = TestJars.build(dir, "caller.jar", "ca.Caller", CALLER);
  }

  @AfterEach
  void unloadAll() {
    for (String m : List.of("importer", "clash", "exporter", "caller")) {
      try {
        cmd("MODULE", "UNLOAD", m);
      } catch (JedisDataException ignored) {
        // not loaded
      }
    }
  }

  private Object cmd(String... args) {
    Object o = jedis.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length));
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o;
  }

  private String error(String... args) {
    return assertThrows(JedisDataException.class, () -> cmd(args)).getMessage();
  }

  private String moduleLine(String name) {
    for (String l : jedis.info("modules").split("\r\n")) {
      if (l.startsWith("module:name=" + name + ",")) {
        return l;
      }
    }
    throw new AssertionError("no module line for " + name + " in " + jedis.info("modules"));
  }

  @Test
  void importerLoadedFirstResolvesLazily() {
    assertEquals("OK", cmd("MODULE", "LOAD", importer.toString()));
    assertEquals("ERR upper.v1 is not available", error("IMP.UPPER", "abc"));
    assertTrue(moduleLine("importer").contains("usedby=[],using=[]"), moduleLine("importer"));
    assertEquals("OK", cmd("MODULE", "LOAD", exporter.toString()));
    assertEquals("ABC", cmd("IMP.UPPER", "abc"));
    assertTrue(moduleLine("importer").contains(",usedby=[],using=[exporter],"), moduleLine("importer"));
    assertTrue(moduleLine("exporter").contains(",usedby=[importer],using=[],"), moduleLine("exporter"));
    assertEquals("ERR Error unloading module: the module exports APIs used by other modules. "
        + "Please unload them first and try again", error("MODULE", "UNLOAD", "exporter"));
    assertEquals("ABC", cmd("IMP.UPPER", "abc"), "a refused unload leaves the export in place");
    assertEquals("OK", cmd("MODULE", "UNLOAD", "importer"));
    assertTrue(moduleLine("exporter").contains(",usedby=[],using=[],"), moduleLine("exporter"));
    assertEquals("OK", cmd("MODULE", "UNLOAD", "exporter"));
  }

  @Test
  void exportGoesAwayWithItsModule() {
    assertEquals("OK", cmd("MODULE", "LOAD", exporter.toString()));
    assertEquals("OK", cmd("MODULE", "UNLOAD", "exporter"));
    assertEquals("OK", cmd("MODULE", "LOAD", importer.toString()));
    assertEquals("ERR upper.v1 is not available", error("IMP.UPPER", "abc"));
    assertTrue(moduleLine("importer").contains("using=[]"), "a failed lookup uses nobody");
    assertEquals("OK", cmd("MODULE", "LOAD", exporter.toString()));
    assertEquals("XY", cmd("IMP.UPPER", "xy"));
  }

  @Test
  void aNameIsExportedOnceAndTheTypeIsChecked() {
    assertEquals("OK", cmd("MODULE", "LOAD", exporter.toString()));
    assertEquals(LOAD_FAILED, error("MODULE", "LOAD", clash.toString()));
    assertTrue(server.engine().modules().lastError().contains("shared API 'upper.v1' is already exported"),
        server.engine().modules().lastError());
    assertEquals("OK", cmd("MODULE", "LOAD", importer.toString()));
    assertEquals("ClassCastException", cmd("IMP.BADTYPE"));
    assertEquals("OK", cmd("MODULE", "UNLOAD", "exporter"), "a lookup that failed its cast does not count as a use");
  }

  @Test
  void modulesCallCommands() {
    assertEquals("OK", cmd("MODULE", "LOAD", caller.toString()));
    jedis.select(2);
    assertEquals("Long:2", cmd("CALLER.RUN", "RPUSH", "l", "a", "b"));
    assertEquals("[bulk:a,bulk:b]", cmd("CALLER.RUN", "LRANGE", "l", "0", "-1"));
    assertEquals("String:OK", cmd("CALLER.RUN", "SET", "s", "v"));
    assertEquals("bulk:v", cmd("CALLER.RUN", "get", "s"), "in the caller's database");
    assertEquals("nil", cmd("CALLER.RUN", "GET", "missing"));
    assertEquals("[bulk:maxmemory,bulk:0]", cmd("CALLER.RUN", "CONFIG", "GET", "maxmemory"), "a subcommand");
    assertEquals("thrown:WRONGTYPE Operation against a key holding the wrong kind of value",
        cmd("CALLER.RUN", "LPUSH", "s", "x"));
    assertEquals("thrown:ERR unknown command 'NOPE'", cmd("CALLER.RUN", "NOPE"));
    assertEquals("thrown:ERR wrong number of arguments for 'get' command", cmd("CALLER.RUN", "GET"));
    assertEquals("nil", cmd("CALLER.RUN", "BLPOP", "empty", "0"), "a called command never blocks");
    assertEquals(2L, jedis.llen("l"));
    jedis.select(0);
    assertEquals(0L, jedis.exists("l") ? 1L : 0L);
  }
}
