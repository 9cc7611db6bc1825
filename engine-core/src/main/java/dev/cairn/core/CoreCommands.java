package dev.cairn.core;

import dev.cairn.api.command.CommandFamily;
import dev.cairn.core.connection.ConnectionCommands;
import dev.cairn.core.generic.KeyCommands;
import dev.cairn.core.type.set.SetCommands;
import dev.cairn.core.type.string.StringCommands;
import dev.cairn.core.type.zset.ZSetCommands;

/** The command families built into the core, in the order COMMAND lists them. */
public final class CoreCommands {
  private CoreCommands() {}

  public static CommandFamily[] families() {
    return new CommandFamily[] {
        new ConnectionCommands(),
        new KeyCommands(),
        new StringCommands(),
        new SetCommands(),
        new ZSetCommands(),
    };
  }
}
