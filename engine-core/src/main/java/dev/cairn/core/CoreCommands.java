package dev.cairn.core;

import dev.cairn.api.command.CommandFamily;
import dev.cairn.core.connection.ConnectionCommands;
import dev.cairn.core.generic.KeyCommands;
import dev.cairn.core.type.string.BitCommands;
import dev.cairn.core.type.string.BitfieldCommands;
import dev.cairn.core.type.string.CounterCommands;
import dev.cairn.core.type.string.StringCommands;
import dev.cairn.core.type.string.StringRangeCommands;

/** The command families built into the core, in the order COMMAND lists them. */
public final class CoreCommands {
  private CoreCommands() {}

  public static CommandFamily[] families() {
    return new CommandFamily[] {
        new ConnectionCommands(),
        new KeyCommands(),
        new StringCommands(),
        new StringRangeCommands(),
        new CounterCommands(),
        new BitCommands(),
        new BitfieldCommands(),
    };
  }
}
