package dev.cairn.core.multi;

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
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.Session;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH. The dispatcher queues a client's commands between MULTI and EXEC after its
 * checks; EXEC runs them in order as one execution unit: the clock stands still, no other client runs in between, a
 * blocking command answers as its non-blocking form, a command that fails does not undo the others, and the effects
 * propagate as one MULTI/EXEC block (a single effect alone). EXEC itself is never propagated.
 */
public final class MultiCommands implements CommandFamily {
  private static CommandSpec.Builder cmd(String name, int arity, String since) {
    return CommandSpec.command(name, arity).group(Group.TRANSACTIONS).since(since).acl(AclCategory.TRANSACTION);
  }

  static final CommandSpec MULTI = cmd("multi", 1, "1.2.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.ALLOW_BUSY)
      .summary("Starts a transaction.").complexity("O(1)").build();
  static final CommandSpec EXEC = cmd("exec", 1, "1.2.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SKIP_SLOWLOG)
      .summary("Executes all commands in a transaction.").complexity("Depends on commands in the transaction").build();
  static final CommandSpec DISCARD = cmd("discard", 1, "2.0.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.ALLOW_BUSY)
      .summary("Discards a transaction.").complexity("O(N), when N is the number of queued commands").build();
  static final CommandSpec WATCH = cmd("watch", -2, "2.2.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.ALLOW_BUSY)
      .key(KeySpec.index(1).range(-1, 1, 0).flags(KeyFlag.RO))
      .summary("Monitors changes to keys to determine the execution of a transaction.")
      .complexity("O(1) for every key.").args(Arg.key("key", 0).multiple()).build();
  static final CommandSpec UNWATCH = cmd("unwatch", 1, "2.2.0")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.ALLOW_BUSY)
      .summary("Forgets about watched keys of a transaction.").complexity("O(1)").build();

  static final RedisException NESTED = RedisException.err("MULTI calls can not be nested");
  static final RedisException EXEC_WITHOUT_MULTI = RedisException.err("EXEC without MULTI");
  static final RedisException DISCARD_WITHOUT_MULTI = RedisException.err("DISCARD without MULTI");
  static final RedisException WATCH_IN_MULTI = RedisException.err("WATCH inside MULTI is not allowed");
  static final RedisException EXECABORT =
      RedisException.of("EXECABORT", "Transaction discarded because of previous errors.");

  @Override
  public void register(CommandRegistry r) {
    r.add(MULTI, MultiCommands::multi);
    r.add(EXEC, MultiCommands::exec);
    r.add(DISCARD, MultiCommands::discard);
    r.add(WATCH, MultiCommands::watch);
    r.add(UNWATCH, MultiCommands::unwatch);
  }

  /** MULTI */
  static void multi(CommandContext c, Args a) {
    Session s = (Session) c;
    if (Transactions.inMulti(s)) {
      throw NESTED;
    }
    Transactions.of(s).active = true;
    c.reply().ok();
  }

  /** DISCARD */
  static void discard(CommandContext c, Args a) {
    Session s = (Session) c;
    if (!Transactions.inMulti(s)) {
      throw DISCARD_WITHOUT_MULTI;
    }
    s.engine.transactions().discard(s);
    c.reply().ok();
  }

  /** WATCH key [key ...] */
  static void watch(CommandContext c, Args a) {
    Session s = (Session) c;
    if (Transactions.inMulti(s)) {
      throw WATCH_IN_MULTI;
    }
    Transaction tx = Transactions.of(s);
    if (!tx.dirtyCas) { // already doomed: watching more changes nothing
      for (int i = 1; i < a.size(); i++) {
        s.engine.transactions().watch(s, a.get(i));
      }
    }
    c.reply().ok();
  }

  /** UNWATCH */
  static void unwatch(CommandContext c, Args a) {
    Session s = (Session) c;
    s.engine.transactions().unwatch(s);
    c.reply().ok();
  }

  /** EXEC */
  static void exec(CommandContext c, Args a) {
    Session s = (Session) c;
    if (!Transactions.inMulti(s)) {
      throw EXEC_WITHOUT_MULTI;
    }
    Transactions txs = s.engine.transactions();
    Transaction tx = s.transaction;
    if (txs.watchedKeyExpired(s)) {
      tx.dirtyCas = true;
    }
    if (tx.dirtyExec || tx.dirtyCas) {
      boolean aborted = tx.dirtyExec;
      txs.discard(s);
      if (aborted) {
        throw EXECABORT;
      }
      c.reply().nullArray();
      return;
    }
    txs.unwatchAll(s); // nothing can change the outcome now
    int n = tx.count;
    Command[] commands = tx.commands;
    byte[][][] argvs = tx.argvs;
    c.reply().array(n);
    s.denyBlocking++;
    s.inExec = true;
    try {
      for (int i = 0; i < n; i++) {
        byte[][] argv = argvs[i];
        // permissions may have changed since the command was queued: checked again, as Redis's EXEC does
        dev.cairn.api.reply.RedisException denied = s.engine.acl().check(s, commands[i], argv, argv.length, "multi", s);
        if (denied != null) {
          s.engine.stats().countError(denied.code());
          commands[i].rejectedCalls++;
          s.writer.error(denied);
          continue;
        }
        s.engine.dispatcher().call(s, commands[i], new Args(argv, argv.length));
      }
    } finally {
      s.inExec = false;
      s.denyBlocking--;
      txs.discard(s);
    }
    // the queued commands propagated their own effects, inside this unit
    c.preventPropagation();
  }
}
