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
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.config.ConfigParam;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.LruClock;
import dev.cairn.core.keyspace.Values;
import dev.cairn.core.type.string.StringValues;

/** OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: what the keyspace knows about a value. */
public final class ObjectCommand implements CommandFamily {
  static final CommandSpec OBJECT = CommandSpec.command("object", -2).group(Group.GENERIC).since("2.2.3")
      .summary("A container for object introspection commands.").complexity("Depends on subcommand.").build();

  private static CommandSpec sub(String name, String since, String summary) {
    return CommandSpec.subcommand("object", name, 3).group(Group.GENERIC).since(since).tips("nondeterministic_output")
        .flags(Flag.READONLY).acl(AclCategory.KEYSPACE, AclCategory.SLOW)
        .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RO))
        .summary(summary).complexity("O(1)").args(Arg.key("key", 0)).build();
  }

  static final CommandSpec ENCODING = sub("encoding", "2.2.3", "Returns the internal encoding of a Redis object.");
  static final CommandSpec FREQ = sub("freq", "4.0.0", "Returns the logarithmic access frequency counter of a Redis "
      + "object.");
  static final CommandSpec IDLETIME = sub("idletime", "2.2.3", "Returns the time since the last access to a Redis "
      + "object.");
  static final CommandSpec REFCOUNT = sub("refcount", "2.2.3", "Returns the reference count of a value of a key.");
  static final CommandSpec HELP = CommandSpec.subcommand("object", "help", 2).group(Group.GENERIC).since("6.2.0")
      .flags(Flag.LOADING, Flag.STALE).acl(AclCategory.KEYSPACE, AclCategory.SLOW)
      .summary("Returns helpful text about the different subcommands.").complexity("O(1)").build();

  private static final String POLICY_SWITCH_NOTE = " Please note that when switching between policies at runtime LRU "
      + "and LFU data will take some time to adjust.";
  static final RedisException NOT_LFU = Errors.err("An LFU maxmemory policy is not selected, access frequency not "
      + "tracked." + POLICY_SWITCH_NOTE);
  static final RedisException IS_LFU = Errors.err("An LFU maxmemory policy is selected, idle time not tracked."
      + POLICY_SWITCH_NOTE);

  /** What Redis reports as the reference count of its shared integer objects (OBJ_SHARED_REFCOUNT). */
  static final long SHARED_REFCOUNT = Integer.MAX_VALUE;
  /** Redis shares the objects of the integers 0 to 9999 (OBJ_SHARED_INTEGERS). */
  static final long SHARED_INTEGERS = 10000;

  private static final String[] HELP_LINES = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(OBJECT);
    r.add(ENCODING, ObjectCommand::encoding);
    r.add(FREQ, ObjectCommand::freq);
    r.add(IDLETIME, ObjectCommand::idletime);
    r.add(REFCOUNT, ObjectCommand::refcount);
    r.add(HELP, ObjectCommand::help);
  }

  /** The entry OBJECT looks at: no access recorded, no keymiss event. Null replies a null bulk. */
  private static Entry lookup(CommandContext c, Args a) {
    Entry e = ((Db) c.db()).lookupReadNoTouch(a.get(2), false);
    if (e == null) {
      c.reply().nullBulk();
    }
    return e;
  }

  /** OBJECT ENCODING key */
  static void encoding(CommandContext c, Args a) {
    Entry e = lookup(c, a);
    if (e != null) {
      c.reply().bulk(Values.encoding(e.value()));
    }
  }

  /** OBJECT FREQ key */
  static void freq(CommandContext c, Args a) {
    Entry e = lookup(c, a);
    if (e == null) {
      return;
    }
    if (!lfuPolicy(c)) {
      throw NOT_LFU;
    }
    c.reply().integer(((Session) c).engine.keyspace().lfuCounter(e));
  }

  /** OBJECT IDLETIME key */
  static void idletime(CommandContext c, Args a) {
    Entry e = lookup(c, a);
    if (e == null) {
      return;
    }
    if (lfuPolicy(c)) {
      throw IS_LFU;
    }
    c.reply().integer(LruClock.idleSeconds(e.lru(), c.now()));
  }

  /** OBJECT REFCOUNT key */
  static void refcount(CommandContext c, Args a) {
    Entry e = lookup(c, a);
    if (e == null) {
      return;
    }
    byte[] s = StringValues.bytes(e.value());
    boolean shared = false;
    if (s != null && s.length <= 4 && Args.isLong(s)) {
      long v = Args.parseLongOrMin(s, 0, s.length);
      // Redis stops sharing them when a maxmemory limit with an LRU/LFU policy needs per-object access clocks
      shared = v >= 0 && v < SHARED_INTEGERS && (!maxmemorySet(c) || !lruOrLfuPolicy(c));
    }
    c.reply().integer(shared ? SHARED_REFCOUNT : 1);
  }

  /** OBJECT HELP */
  static void help(CommandContext c, Args a) {
    c.reply().array(HELP_LINES.length);
    for (String line : HELP_LINES) {
      c.reply().simple(line);
    }
  }

  private static String policy(CommandContext c) {
    String p = config(c, "maxmemory-policy");
    return p == null ? "noeviction" : p;
  }

  private static boolean maxmemorySet(CommandContext c) {
    String m = config(c, "maxmemory");
    return m != null && !m.equals("0");
  }

  /** A configuration value, or null where the parameter does not exist (yet). */
  private static String config(CommandContext c, String name) {
    if (!(c instanceof Session s)) {
      return null;
    }
    ConfigParam p = s.engine.config().find(name);
    return p == null ? null : p.get();
  }

  static boolean lfuPolicy(CommandContext c) {
    return c instanceof Session s && s.engine.keyspace().lfuPolicy();
  }

  private static boolean lruOrLfuPolicy(CommandContext c) {
    String p = policy(c);
    return p.endsWith("-lfu") || p.endsWith("-lru");
  }
}
