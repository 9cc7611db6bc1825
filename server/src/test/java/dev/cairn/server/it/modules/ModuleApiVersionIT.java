package dev.cairn.server.it.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ApiVersion;
import dev.cairn.server.it.ServerTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/** MODULE LOAD checks the module API version a module declares in its ModuleInfo (docs/MODULES.md, API version). */
class ModuleApiVersionIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--enable-module-command", "yes"};
  }

  /** A module named {@code name} declaring {@code info} (a ModuleInfo constructor expression). */
  private static Map<String, String> module(String name, String info) {
    return Map.of("av." + name, """
        package av;

        import dev.cairn.api.*;
        import dev.cairn.api.Module; // explicit: java.lang.Module would make a wildcard ambiguous

        public final class %s implements Module {
          public ModuleInfo info() { return %s; }
          public void onLoad(ModuleContext ctx) {
            ctx.registerCommands(r -> r.add(dev.cairn.api.command.CommandSpec.command("%s.ping", 1).summary("x")
                .build(), (c, a) -> c.reply().simple("PONG")));
          }
        }
        """.formatted(name, info, name.toLowerCase()));
  }

  private Path jar(String name, String info) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "test-module-jars")).toAbsolutePath();
    return TestJars.build(dir, "api-" + name + ".jar", "av." + name, module(name, info));
  }

  @AfterEach
  void unloadAll() {
    for (Object m : (List<?>) jedis.sendCommand(() -> "MODULE".getBytes(), "LIST".getBytes())) {
      jedis.sendCommand(() -> "MODULE".getBytes(), "UNLOAD".getBytes(), (byte[]) ((List<?>) m).get(1));
    }
  }

  private String load(Path jar) {
    return new String((byte[]) jedis.sendCommand(() -> "MODULE".getBytes(), "LOAD".getBytes(),
        jar.toString().getBytes()));
  }

  private String loadError(Path jar) {
    return assertThrows(JedisDataException.class, () -> load(jar)).getMessage();
  }

  @Test
  void theCurrentVersionAndOlderMinorsLoad() throws Exception {
    assertEquals("OK", load(jar("Current", "new ModuleInfo(\"cur\", 1, ApiVersion.MAJOR, ApiVersion.MINOR)")));
    assertEquals("OK", load(jar("Old", "new ModuleInfo(\"old\", 1, 1, 0)")));
    assertEquals("OK", load(jar("Plain", "new ModuleInfo(\"plain\", 1)")));
    assertEquals("PONG", new String((byte[]) jedis.sendCommand(() -> "Current.ping".getBytes())));
    assertEquals(3, ((List<?>) jedis.sendCommand(() -> "MODULE".getBytes(), "LIST".getBytes())).size());
  }

  @Test
  void aModuleBuiltForANewerMinorIsRefusedWithAClearReason() throws Exception {
    Path newer = jar("Newer", "new ModuleInfo(\"newer\", 1, " + ApiVersion.MAJOR + ", " + (ApiVersion.MINOR + 1) + ")");
    assertEquals("ERR Error loading the extension. Please check the server logs.", loadError(newer));
    String reason = server.engine().modules().lastError();
    assertTrue(reason.contains("module 'newer' (" + newer + ") needs module API " + ApiVersion.MAJOR + "."
        + (ApiVersion.MINOR + 1) + " but this server has API " + ApiVersion.string() + ": load it into a newer server"),
        reason);
    assertTrue(assertThrows(JedisDataException.class, () -> jedis.sendCommand(() -> "newer.ping".getBytes()))
        .getMessage().startsWith("ERR unknown command"));
    assertEquals(0, ((List<?>) jedis.sendCommand(() -> "MODULE".getBytes(), "LIST".getBytes())).size());
  }

  @Test
  void aModuleBuiltForAnotherMajorIsRefused() throws Exception {
    Path next = jar("NextMajor", "new ModuleInfo(\"nextmajor\", 1, " + (ApiVersion.MAJOR + 1) + ", 0)");
    assertEquals("ERR Error loading the extension. Please check the server logs.", loadError(next));
    assertTrue(server.engine().modules().lastError().endsWith(": rebuild it against this server's cairn-engine-api"),
        server.engine().modules().lastError());
  }
}
