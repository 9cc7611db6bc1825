package dev.cairn.core;

import dev.cairn.api.command.CommandFamily;
import dev.cairn.core.connection.ClientUnblockCommand;
import dev.cairn.core.connection.ConnectionCommands;
import dev.cairn.core.generic.KeyCommands;
import dev.cairn.core.sort.SortCommands;
import dev.cairn.core.type.list.ListCommands;
import dev.cairn.core.type.list.ListMoveCommands;
import dev.cairn.core.type.string.StringCommands;

/** The command families built into the core, in the order COMMAND lists them. */
public final class CoreCommands {
  private CoreCommands() {}

  public static CommandFamily[] families() {
    return new CommandFamily[] {
        new ConnectionCommands(),
        new KeyCommands(),
        new StringCommands(),
        new ListCommands(),
        new ListMoveCommands(),
        new SortCommands(),
        new ClientUnblockCommand(),
    };
  }
}
