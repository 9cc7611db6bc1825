package dev.cairn.server.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.Module;
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;
import dev.cairn.api.command.CommandSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

class EmbeddedCairnTest {
  /** A module on the class path, given as an instance. */
  public static final class Greeter implements Module {
    @Override
    public ModuleInfo info() {
      return new ModuleInfo("greeter", 3);
    }

    @Override
    public void onLoad(ModuleContext ctx) {
      ConfigValue<String> word = ctx.stringConfig("word", "hello", null);
      String suffix = String.join("", ctx.args());
      ctx.registerCommands(r -> r.add(CommandSpec.command("greet", 1).summary("Greets.").build(),
          (c, a) -> c.reply().bulk(word.get() + suffix)));
    }
  }

  /** Fails to load. */
  public static final class Broken implements Module {
    @Override
    public ModuleInfo info() {
      return new ModuleInfo("broken", 1);
    }

    @Override
    public void onLoad(ModuleContext ctx) {
      throw new IllegalStateException("broken on purpose");
    }
  }

  @Test
  void startsOnAFreePortWithConfigModulesAndDataDir() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "data");
    int port;
    try (EmbeddedCairn cairn = EmbeddedCairn.builder().port(0).config("hz", "50").config("greeter.word", "hi")
        .module(new Greeter(), "!", "?").dataDir(dir).start()) {
      port = cairn.port();
      assertTrue(port > 0);
      try (Jedis j = new Jedis(cairn.host(), port, 10_000)) {
        assertEquals("hi!?", new String((byte[]) j.sendCommand(() -> "GREET".getBytes())));
        assertEquals(List.of("hz", "50"), List.copyOf(j.configGet("hz").entrySet().stream()
            .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList()));
        assertEquals(dir.toAbsolutePath().toString(), j.configGet("dir").get("dir"));
        assertEquals("classpath:" + Greeter.class.getName(), new String((byte[]) ((List<?>) ((List<?>) j.sendCommand(
            () -> "MODULE".getBytes(), "LIST".getBytes())).get(0)).get(5)));
      }
    }
    assertThrows(JedisConnectionException.class, () -> {
      try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
        j.ping();
      }
    }, "closed: nothing listens any more");
  }

  @Test
  void aModuleThatFailsStopsTheStart() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EmbeddedCairn.builder().module(new Broken()).start());
    assertTrue(e.getMessage().contains("broken on purpose"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> EmbeddedCairn.builder().config("no-such-param", "1").start());
  }
}
