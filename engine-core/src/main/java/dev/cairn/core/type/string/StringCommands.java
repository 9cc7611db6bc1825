package dev.cairn.core.type.string;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.reply.Errors;

/** String commands: GET, SET. */
public final class StringCommands implements CommandFamily {
  static final CommandSpec GET = CommandSpec.command("get", 2).group(Group.STRING).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the string value of a key.").complexity("O(1)").args(Arg.key("key", 0)).build();
  static final CommandSpec SET = CommandSpec.command("set", -3).group(Group.STRING).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.STRING)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE, KeyFlag.VARIABLE_FLAGS)
          .notes("RW and ACCESS due to the optional `GET` argument"))
      .summary("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")
      .complexity("O(1)").args(Arg.key("key", 0), Arg.string("value")).build();

  @Override
  public void register(CommandRegistry r) {
    r.add(GET, StringCommands::get);
    r.add(SET, StringCommands::set);
  }

  /** GET key */
  static void get(CommandContext c, Args a) {
    Object v = c.db().get(a.get(1));
    if (v == null) {
      c.reply().nullBulk();
    } else if (v instanceof byte[] b) {
      c.reply().bulk(b);
    } else {
      throw Errors.WRONGTYPE;
    }
  }

  /** SET key value */
  static void set(CommandContext c, Args a) {
    if (a.size() != 3) {
      throw Errors.SYNTAX;
    }
    byte[] key = a.get(1);
    c.db().set(key, a.get(2));
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", key, c.db().id());
    c.addDirty(1);
    c.reply().ok();
  }
}
