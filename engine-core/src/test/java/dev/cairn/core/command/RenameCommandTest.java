package dev.cairn.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code rename-command}: clients reach a command by its new name only, or not at all; bad renames stop start-up. */
class RenameCommandTest {
  private static Engine engine(String... argv) throws Exception {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, argv);
    return new Engine(config, params, CoreCommands.families());
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void renamedAndDisabledCommands() throws Exception {
    Engine e = engine("--rename-command", "flushdb", "badger", "--rename-command", "keys", "");
    CommandTable t = e.commands();
    assertNull(t.lookup(b("FLUSHDB")));
    assertEquals("flushdb", t.lookup(b("BADGER")).spec.name());
    assertNull(t.lookup(b("keys")));
    assertNotNull(t.lookup("flushdb"), "the server still finds it by its own name");
  }

  @Test
  void badRenamesStopStartUp() {
    assertTrue(assertThrows(IllegalStateException.class, () -> engine("--rename-command", "nosuch", "x"))
        .getMessage().endsWith("No such command in rename-command"));
    assertTrue(assertThrows(IllegalStateException.class, () -> engine("--rename-command", "get", "set"))
        .getMessage().endsWith("Target command name already exists"));
  }
}
