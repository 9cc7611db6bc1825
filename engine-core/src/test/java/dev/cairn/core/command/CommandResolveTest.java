package dev.cairn.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.api.command.Args;
import dev.cairn.core.CoreCommands;
import org.junit.jupiter.api.Test;

/** CommandTable.resolve finds the command a call names as Redis's lookupCommand does, every caller alike. */
class CommandResolveTest {
  private final CommandTable table = new CommandTable().registerAll(CoreCommands.families());

  private String resolved(String... argv) {
    Command c = table.resolve(Args.of(argv));
    return c == null ? null : c.fullName();
  }

  @Test
  void aContainerTakesItsSecondArgumentAsASubcommandInAnyCase() {
    assertEquals("config|get", resolved("CONFIG", "GET", "maxmemory"));
    assertEquals("config|get", resolved("config", "gEt", "maxmemory"));
    assertEquals("object|encoding", resolved("object", "ENCODING", "k"));
  }

  @Test
  void aContainerAloneIsItselfAndAnUnknownSubcommandIsNothing() {
    assertEquals("config", resolved("config"));
    assertNull(resolved("config", "nosuch"));
  }

  @Test
  void commandHasSubcommandsAndAHandlerOfItsOwn() {
    assertEquals("command", resolved("COMMAND"));
    assertEquals("command|count", resolved("COMMAND", "COUNT"));
    assertNull(resolved("COMMAND", "nosuch"));
  }

  @Test
  void aPlainCommandIgnoresItsArgumentsAndAnUnknownNameIsNothing() {
    assertEquals("get", resolved("GET", "config"));
    assertEquals("set", resolved("set", "k", "v"));
    assertNull(resolved("nosuch", "get"));
  }
}
