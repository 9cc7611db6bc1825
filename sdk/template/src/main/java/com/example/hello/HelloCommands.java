package com.example.hello;

import com.google.gson.JsonObject;
import dev.cairn.api.ConfigValue;
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

/** The module's commands, declared like the server's own: the spec drives arity checks, COMMAND and key extraction. */
public final class HelloCommands implements CommandFamily {
  static final CommandSpec BUMP = CommandSpec.command("hello.bump", -2).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Adds the configured step (or the given amount) to a counter, creating it.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.integer("amount").optional()).build();
  static final CommandSpec GET = CommandSpec.command("hello.get", 2).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns a counter's total and number of bumps.").complexity("O(1)")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec SET = CommandSpec.command("hello.set", 4).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .summary("Sets a counter's total and number of bumps (AOF rewrite uses it).").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.integer("total"), Arg.integer("bumps")).build();
  static final CommandSpec JSON = CommandSpec.command("hello.json", 2).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns a counter as a JSON object (uses a bundled library: see the shade plugin in pom.xml).")
      .complexity("O(1)").args(Arg.key("key", 0)).build();

  private final ConfigValue<Long> step;

  HelloCommands(ConfigValue<Long> step) {
    this.step = step;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(BUMP, this::bump);
    r.add(GET, HelloCommands::get);
    r.add(SET, HelloCommands::set);
    r.add(JSON, HelloCommands::json);
  }

  /** HELLO.BUMP key [amount] */
  void bump(CommandContext c, Args a) {
    long amount = a.size() > 2 ? a.longArg(2) : step.get();
    byte[] key = a.get(1);
    Counter counter = c.db().getForWrite(key, CounterType.INSTANCE); // WRONGTYPE for another type's key
    if (counter == null) {
      counter = new Counter(0, 0);
      c.db().set(key, CounterType.INSTANCE, counter);
    }
    counter.total = Math.addExact(counter.total, amount);
    counter.bumps++;
    changed(c, key, "hello.bump");
    c.reply().integer(counter.total);
  }

  /** HELLO.GET key */
  static void get(CommandContext c, Args a) {
    Counter counter = c.db().get(a.get(1), CounterType.INSTANCE);
    if (counter == null) {
      c.reply().nullArray();
      return;
    }
    c.reply().array(2);
    c.reply().integer(counter.total);
    c.reply().integer(counter.bumps);
  }

  /** HELLO.SET key total bumps */
  static void set(CommandContext c, Args a) {
    c.db().set(a.get(1), CounterType.INSTANCE, new Counter(a.longArg(2), a.longArg(3)));
    changed(c, a.get(1), "hello.set");
    c.reply().ok();
  }

  /** HELLO.JSON key */
  static void json(CommandContext c, Args a) {
    Counter counter = c.db().get(a.get(1), CounterType.INSTANCE);
    if (counter == null) {
      c.reply().nullBulk();
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("total", counter.total);
    o.addProperty("bumps", counter.bumps);
    c.reply().bulk(o.toString());
  }

  /** What every write does: wake WATCH/tracking/blocked clients, publish the event, count the change. */
  private static void changed(CommandContext c, byte[] key, String event) {
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, event, key, c.db().id());
    c.addDirty(1);
  }
}
