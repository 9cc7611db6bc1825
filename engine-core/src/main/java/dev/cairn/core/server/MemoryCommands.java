package dev.cairn.core.server;

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
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;

/**
 * MEMORY USAGE / STATS / DOCTOR / PURGE / HELP. STATS and DOCTOR ({@link MemoryReport}) report Cairn's accounting;
 * MALLOC-STATS describes an allocator Cairn does not have, so it is not offered. PURGE keeps its purpose: Redis asks
 * its allocator to hand freed pages back to the system; Cairn asks for a collection ({@code System.gc()}: a concurrent
 * cycle under the launcher's {@code -XX:+ExplicitGCInvokesConcurrent}, a full one without it), after whose Remark the
 * heap shrinks to the free ratio and the JVM gives memory back.
 */
public final class MemoryCommands implements CommandFamily {
  static final CommandSpec MEMORY = CommandSpec.command("memory", -2).group(Group.SERVER).since("4.0.0")
      .summary("A container for memory diagnostics commands.").complexity("Depends on subcommand.").build();
  static final CommandSpec USAGE = CommandSpec.subcommand("memory", "usage", -3).group(Group.SERVER).since("4.0.0")
      .flags(Flag.READONLY).key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Estimates the memory usage of a key.").complexity("O(N) where N is the number of samples.")
      .args(Arg.key("key", 0), Arg.integer("count").withToken("SAMPLES").optional()).build();
  static final CommandSpec PURGE = CommandSpec.subcommand("memory", "purge", 2).group(Group.SERVER).since("4.0.0")
      .summary("Asks the allocator to release memory.").complexity("Depends on how much memory is allocated, could be "
          + "slow").build();
  static final CommandSpec HELP = CommandSpec.subcommand("memory", "help", 2).group(Group.SERVER).since("4.0.0")
      .flags(Flag.LOADING, Flag.STALE).summary("Returns helpful text about the different subcommands.")
      .complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(MEMORY);
    r.add(USAGE, MemoryCommands::usage);
    r.add(PURGE, (c, a) -> {
      System.gc();
      c.reply().ok();
    });
    r.add(MemoryReport.STATS, (c, a) -> MemoryReport.stats(c, ((dev.cairn.core.connection.Session) c).engine));
    r.add(MemoryReport.DOCTOR, (c, a) -> MemoryReport.doctor(c, ((dev.cairn.core.connection.Session) c).engine));
    r.add(HELP, (c, a) -> Help.reply(c.reply(), "MEMORY",
        "DOCTOR",
        "    Return memory problems reports.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "STATS",
        "    Return information about the memory usage of the server.",
        "PURGE",
        "    Run a full garbage collection so that the JVM can return free memory to the system."));
  }

  /** MEMORY USAGE key [SAMPLES count] */
  static void usage(CommandContext c, Args a) {
    long samples = 5;
    for (int i = 3; i < a.size(); i++) {
      if (a.is(i, "samples") && i + 1 < a.size()) {
        samples = a.longArg(++i);
        if (samples < 0) {
          throw Errors.SYNTAX;
        }
        if (samples == 0) {
          samples = Long.MAX_VALUE;
        }
      } else {
        throw Errors.SYNTAX;
      }
    }
    Entry e = ((Db) c.db()).peek(a.get(2));
    if (e == null) {
      c.reply().nullBulk();
      return;
    }
    if (e.arena() != null) { // a string in its table's arena: its slot
      c.reply().integer(dev.cairn.core.keyspace.EntrySize.ofArenaString(e.key, e.arena().length(e.handle())));
      return;
    }
    Object v = e.value();
    if (v instanceof byte[] b) {
      c.reply().integer(MemoryEstimate.stringKey(e.key, b));
      return;
    }
    long bytes = ((RedisValue) v).estimatedBytes((int) Math.min(Integer.MAX_VALUE, samples));
    if (bytes < 0) {
      throw RedisException.err("MEMORY USAGE is not available yet for values of type '"
          + ((RedisValue) v).typeName() + "'");
    }
    c.reply().integer(MemoryEstimate.ENTRY + MemoryEstimate.BUCKET + MemoryEstimate.byteArray(e.key.length) + bytes);
  }
}
