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
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.ServerEvent;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;

/** Whole databases: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB. */
public final class DatabaseCommands implements CommandFamily {
  private static CommandSpec flush(String name, String summary, String complexity) {
    return CommandSpec.command(name, -1).group(Group.SERVER).since("1.0.0")
        .flags(Flag.WRITE).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
        .tips("request_policy:all_shards", "response_policy:all_succeeded")
        .summary(summary).complexity(complexity)
        .history("4.0.0", "Added the `ASYNC` flushing mode modifier.")
        .history("6.2.0", "Added the `SYNC` flushing mode modifier.")
        .args(Arg.oneOf("flush-type", Arg.token("ASYNC").since("4.0.0"), Arg.token("SYNC").since("6.2.0")).optional())
        .build();
  }

  static final CommandSpec DBSIZE = CommandSpec.command("dbsize", 1)
      .tips("request_policy:all_shards", "response_policy:agg_sum").group(Group.SERVER).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).acl(AclCategory.KEYSPACE)
      .summary("Returns the number of keys in the database.").complexity("O(1)").build();
  static final CommandSpec FLUSHDB = flush("flushdb", "Remove all keys from the current database.",
      "O(N) where N is the number of keys in the selected database");
  static final CommandSpec FLUSHALL = flush("flushall", "Removes all keys from all databases.",
      "O(N) where N is the total number of keys in all databases");
  static final CommandSpec SWAPDB = CommandSpec.command("swapdb", 3).group(Group.SERVER).since("4.0.0")
      .flags(Flag.WRITE, Flag.FAST).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
      .summary("Swaps two Redis databases.")
      .complexity("O(N) where N is the count of clients watching or blocking on keys from both databases.")
      .args(Arg.integer("index1"), Arg.integer("index2")).build();

  private static final byte[][] NO_KEYS = new byte[0][];
  static final RedisException TIMEOUT_NOT_INTEGER = Errors.err("timeout is not an integer or out of range");

  @Override
  public void register(CommandRegistry r) {
    r.add(DBSIZE, DatabaseCommands::dbsize);
    r.add(FLUSHDB, DatabaseCommands::flushdb);
    r.add(FLUSHALL, DatabaseCommands::flushall);
    r.add(SWAPDB, DatabaseCommands::swapdb);
  }

  /** DBSIZE */
  static void dbsize(CommandContext c, Args a) {
    c.reply().integer(c.db().size());
  }

  /**
   * FLUSHDB [ASYNC | SYNC]: the old table is dropped whole, so ASYNC and SYNC both return at once; an asynchronous
   * flush hands it to the lazy free, which counts its keys until the collector has reclaimed it.
   */
  static void flushdb(CommandContext c, Args a) {
    boolean async = checkFlushMode(c, a);
    serverEvent(c, ServerEvent.Kind.FLUSH_START, c.db().id(), -1);
    // watchers and trackers are told while the keys are still there (a watched key that did not exist is untouched)
    ((Session) c).engine.events().beforeFlush(c.db().id());
    // counted even when empty: Redis 7.2 always propagates FLUSHDB to replicas and the AOF
    c.addDirty(flush(c, (Db) c.db(), async) + 1);
    flushed(c, c.db().id());
    serverEvent(c, ServerEvent.Kind.FLUSH_END, c.db().id(), -1);
    c.reply().ok();
  }

  /** FLUSHALL [ASYNC | SYNC] */
  static void flushall(CommandContext c, Args a) {
    boolean async = checkFlushMode(c, a);
    var persistence = c instanceof Session s ? s.engine.persistence() : null;
    if (persistence != null) {
      persistence.beforeFlushAll(); // a running BGSAVE is stopped, as Redis kills its child
    }
    serverEvent(c, ServerEvent.Kind.FLUSH_START, -1, -1);
    ((Session) c).engine.events().beforeFlush(-1);
    long n = 0;
    for (int i = 0; i < c.databases(); i++) {
      n += flush(c, (Db) c.db(i), async);
      flushed(c, i);
    }
    serverEvent(c, ServerEvent.Kind.FLUSH_END, -1, -1);
    c.addDirty(n + 1); // counted even when empty, so that FLUSHALL always reaches replicas and the AOF
    if (persistence != null) {
      persistence.afterFlushAll(); // with save points, the empty dataset is saved (and the change counter reset)
    }
    c.reply().ok();
  }

  /** Clients blocked until a key is deleted (XREADGROUP) learn that the database was emptied. */
  private static void flushed(CommandContext c, int db) {
    if (c instanceof Session s) {
      s.engine.blocking().databaseFlushed(db);
    }
  }

  /** Tells modules (flush and swapdb hooks). */
  private static void serverEvent(CommandContext c, ServerEvent.Kind kind, int db, int otherDb) {
    if (c instanceof Session s) {
      s.engine.serverEvent(kind, db, otherDb);
    }
  }

  /** Whether the flush is asynchronous: ASYNC, or neither mode under lazyfree-lazy-user-flush. */
  private static boolean checkFlushMode(CommandContext c, Args a) {
    if (a.size() > 2 || a.size() == 2 && !a.is(1, "async") && !a.is(1, "sync")) {
      throw Errors.SYNTAX;
    }
    return a.size() == 2 ? a.is(1, "async")
        : c instanceof Session s && s.engine.params().memory.lazyfreeLazyUserFlush.value;
  }

  private static long flush(CommandContext c, Db db, boolean async) {
    return c instanceof Session s ? s.engine.lazyFree().flush(db, async) : db.flush();
  }

  /** SWAPDB index1 index2 */
  static void swapdb(CommandContext c, Args a) {
    if (((dev.cairn.core.connection.Session) c).engine.cluster() != null) {
      throw Errors.err("SWAPDB is not allowed in cluster mode");
    }
    int first = dbIndex(a, 1, Errors.err("invalid first DB index"));
    int second = dbIndex(a, 2, Errors.err("invalid second DB index"));
    if (first < 0 || first >= c.databases() || second < 0 || second >= c.databases()) {
      throw Errors.DB_INDEX_OUT_OF_RANGE;
    }
    if (first != second) {
      ((Session) c).engine.events().beforeSwap(first, second);
      ((Db) c.db(first)).swapWith((Db) c.db(second));
      // clients blocked on keys of either database may now find data there
      ((dev.cairn.core.connection.Session) c).engine.blocking().databasesSwapped(first, second);
      serverEvent(c, ServerEvent.Kind.SWAPDB, first, second);
    }
    c.addDirty(1);
    c.reply().ok();
  }

  private static int dbIndex(Args a, int i, RedisException error) {
    long v = a.longArg(i, error);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw error;
    }
    return (int) v;
  }
}
