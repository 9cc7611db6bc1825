package dev.cairn.core.generic;

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

/** Generic key commands: DEL, EXISTS. */
public final class KeyCommands implements CommandFamily {
  static final CommandSpec DEL = CommandSpec.command("del", -2).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.WRITE).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RM, KeyFlag.DELETE))
      .summary("Deletes one or more keys.").complexity("O(N) where N is the number of keys that will be removed.")
      .args(Arg.key("key", 0).multiple()).build();
  static final CommandSpec EXISTS = CommandSpec.command("exists", -2).group(Group.GENERIC).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RO))
      .summary("Determines whether one or more keys exist.").complexity("O(N) where N is the number of keys to check.")
      .history("3.0.3", "Accepts multiple `key` arguments.")
      .args(Arg.key("key", 0).multiple()).build();

  static final CommandSpec FLUSHALL = CommandSpec.command("flushall", -1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.WRITE).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
      .summary("Removes all keys from all databases.").complexity("O(N) where N is the total number of keys in all databases")
      .args(Arg.oneOf("flush-type", Arg.token("ASYNC").since("4.0.0"), Arg.token("SYNC").since("6.2.0")).optional())
      .build();

  @Override
  public void register(CommandRegistry r) {
    r.add(DEL, KeyCommands::del);
    r.add(EXISTS, KeyCommands::exists);
    r.add(FLUSHALL, KeyCommands::flushall);
  }

  /** DEL key [key ...] */
  static void del(CommandContext c, Args a) {
    long n = 0;
    for (int i = 1; i < a.size(); i++) {
      byte[] key = a.get(i);
      if (c.db().delete(key)) {
        c.signalModifiedKey(c.db().id(), key);
        c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db().id());
        n++;
      }
    }
    c.addDirty(n);
    c.reply().integer(n);
  }

  /** EXISTS key [key ...] */
  static void exists(CommandContext c, Args a) {
    long n = 0;
    for (int i = 1; i < a.size(); i++) {
      if (c.db().exists(a.get(i))) {
        n++;
      }
    }
    c.reply().integer(n);
  }

  /** FLUSHALL [ASYNC|SYNC] */
  static void flushall(CommandContext c, Args a) {
    if (a.size() > 2 || a.size() == 2 && !a.is(1, "async") && !a.is(1, "sync")) {
      throw dev.cairn.api.reply.Errors.SYNTAX;
    }
    dev.cairn.core.Engine engine = ((dev.cairn.core.connection.Session) c).engine;
    engine.serverEvent(dev.cairn.api.ServerEvent.Kind.FLUSH_START, -1, -1);
    long n = 0;
    for (int i = 0; i < c.databases(); i++) {
      n += ((dev.cairn.core.keyspace.Db) c.db(i)).flush();
    }
    engine.serverEvent(dev.cairn.api.ServerEvent.Kind.FLUSH_END, -1, -1);
    c.addDirty(n + 1);
    c.reply().ok();
  }
}
