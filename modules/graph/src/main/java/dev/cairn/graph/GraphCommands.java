package dev.cairn.graph;

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
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.api.type.ModuleValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** RedisGraph's GRAPH.* commands, with its replies and error texts. */
public final class GraphCommands implements CommandFamily {
  static final CommandSpec QUERY = CommandSpec.command("graph.query", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Executes the given query against a specified graph").complexity("Depends on the query")
      .args(Arg.key("graph", 0), Arg.string("query"), Arg.integer("timeout").withToken("TIMEOUT").optional(),
          Arg.token("--compact").optional())
      .build();
  static final CommandSpec RO_QUERY = CommandSpec.command("graph.ro_query", -3).group(Group.MODULE).since("2.2.8")
      .flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Executes a given read only query against a specified graph").complexity("Depends on the query")
      .args(Arg.key("graph", 0), Arg.string("query"), Arg.integer("timeout").withToken("TIMEOUT").optional(),
          Arg.token("--compact").optional())
      .build();
  static final CommandSpec DELETE = CommandSpec.command("graph.delete", 2).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Completely removes the graph and all of its entities").complexity("O(N) where N is the graph size")
      .args(Arg.key("graph", 0)).build();
  static final CommandSpec EXPLAIN = CommandSpec.command("graph.explain", 3).group(Group.MODULE).since("2.0.0")
      .flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns a query execution plan without running the query").complexity("O(1)")
      .args(Arg.key("graph", 0), Arg.string("query")).build();
  static final CommandSpec PROFILE = CommandSpec.command("graph.profile", -3).group(Group.MODULE).since("2.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Executes a query and returns an execution plan augmented with metrics for each operation's"
          + " execution").complexity("Depends on the query")
      .args(Arg.key("graph", 0), Arg.string("query"), Arg.integer("timeout").withToken("TIMEOUT").optional())
      .build();
  static final CommandSpec LIST = CommandSpec.command("graph.list", 1).group(Group.MODULE).since("2.4.3")
      .flags(Flag.READONLY).summary("Lists all graph keys in the keyspace").complexity("O(N) where N is the number"
          + " of keys").build();
  static final CommandSpec CONFIG = CommandSpec.command("graph.config", -3).group(Group.MODULE).since("2.2.11")
      .flags(Flag.ADMIN, Flag.NOSCRIPT).summary("Retrieves or updates a RedisGraph configuration")
      .complexity("O(1)")
      .args(Arg.oneOf("operation", Arg.token("GET"), Arg.token("SET")), Arg.string("name"),
          Arg.string("value").optional())
      .build();
  static final CommandSpec SLOWLOG = CommandSpec.command("graph.slowlog", -2).group(Group.MODULE).since("2.0.12")
      .flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns a list containing up to 10 of the slowest queries issued against the given graph")
      .complexity("O(1)").args(Arg.key("graph", 0), Arg.token("RESET").optional()).build();

  static final CommandSpec CONSTRAINT = CommandSpec.command("graph.constraint", -9).group(Group.MODULE)
      .since("2.12.0").flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RW,
          KeyFlag.UPDATE))
      .summary("Creates or deletes a graph constraint").complexity("O(N) where N is the number of entities governed")
      .args(Arg.oneOf("operation", Arg.token("CREATE"), Arg.token("DROP")), Arg.key("graph", 0),
          Arg.oneOf("type", Arg.token("MANDATORY"), Arg.token("UNIQUE")),
          Arg.oneOf("entity", Arg.token("NODE"), Arg.token("RELATIONSHIP")), Arg.string("label"),
          Arg.token("PROPERTIES"), Arg.integer("prop-count"), Arg.string("prop").multiple())
      .build();

  private final GraphConfig config;
  /** Reads on reader threads, writes waiting for readers. */
  final QueryScheduler scheduler;

  GraphCommands(GraphConfig config, dev.cairn.api.ModuleServer server) {
    this.config = config;
    this.scheduler = new QueryScheduler(server, (int) config.get("THREAD_COUNT"));
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(QUERY, (c, a) -> query(c, a, false, false));
    r.add(RO_QUERY, (c, a) -> query(c, a, true, false));
    r.add(PROFILE, (c, a) -> query(c, a, false, true));
    r.add(DELETE, GraphCommands::delete);
    r.add(EXPLAIN, GraphCommands::explain);
    r.add(LIST, GraphCommands::list);
    r.add(CONFIG, (c, a) -> config.command(c, a));
    r.add(SLOWLOG, GraphCommands::slowlog);
    r.add(CONSTRAINT, Constraints::command);
  }

  static final RedisException EMPTY_KEY = RedisException.err("Invalid graph operation on empty key");

  private void query(CommandContext c, Args a, boolean readOnly, boolean profile) {
    if (profile) {
      profile(c, a);
      return;
    }
    byte[] key = a.get(1);
    String text = a.string(2);
    boolean compact = false;
    long timeout = config.get("TIMEOUT_DEFAULT") > 0 ? config.get("TIMEOUT_DEFAULT") : config.get("TIMEOUT");
    for (int i = 3; i < a.size(); i++) {
      if (a.is(i, "--compact")) {
        compact = true;
      } else if (a.is(i, "timeout") && i + 1 < a.size()) {
        long t = Args.parseLong(a.get(++i), RedisException.line("Failed to parse query timeout value"));
        if (t < 0) {
          throw RedisException.line("Failed to parse query timeout value");
        }
        long max = config.get("TIMEOUT_MAX");
        if (max > 0 && t > max) {
          throw RedisException.line("The query TIMEOUT parameter value cannot exceed the TIMEOUT_MAX configuration"
              + " parameter value");
        }
        timeout = t;
      } else {
        throw RedisException.line("Unknown argument " + a.string(i));
      }
    }
    long t0 = System.nanoTime();
    Graph g = readOnly ? c.db().get(key, GraphType.INSTANCE) : c.db().getForWrite(key, GraphType.INSTANCE);
    boolean created = g == null;
    if (created) {
      g = new Graph();
    }
    Map<String, Object> params = new HashMap<>();
    Plan.Query q;
    try {
      q = Compiler.compile(Executor.extractParams(text, params));
      if (readOnly && q.writes()) {
        throw new CypherException("ReadOnly", Executor.RO_ERROR);
      }
    } catch (CypherException e) {
      c.preventPropagation();
      throw RedisException.line(e.getMessage());
    }
    String command = readOnly ? "GRAPH.RO_QUERY" : "GRAPH.QUERY";
    boolean gated = q.writes() || q.engineOnly();
    Executor.Result res = null;
    if (!gated && !created && c.mayBlock() && QueryScheduler.INLINE_STEPS > 0 && !g.gate.writesWaiting()) {
      try {
        res = inlineRead(g, q, params, timeout, t0); // null: too long for the engine thread, a reader runs it
      } catch (RedisException e) {
        c.preventPropagation();
        throw e;
      }
    }
    if (res == null && !created && c.mayBlock() && (!gated || g.gate.busy())) {
      // a read runs on a reader thread, a write waits for the graph's readers; the engine thread goes on
      c.preventPropagation();
      QueryScheduler.Query sq = new QueryScheduler.Query(g, q, params, timeout, c.client().protocol(), compact,
          config.get("RESULTSET_SIZE"), t0, command, text);
      if (gated) {
        byte[][] argv = new byte[a.size()][];
        for (int i = 0; i < argv.length; i++) {
          argv[i] = a.get(i).clone();
        }
        scheduler.write(c.blockClient(0, null), new QueryScheduler.Write(sq, c.db().id(), key, argv));
      } else {
        scheduler.read(c.blockClient(0, null), sq, c.now());
      }
      return;
    }
    if (gated) {
      g.gate.beginWrite(); // readers of this graph step aside until the write is over
    }
    try {
      if (res == null) {
        res = Executor.run(g, q, new Ctx(g, params, timeout), t0);
      }
    } catch (CypherException e) {
      // the query's changes were undone: nothing to store or propagate
      c.preventPropagation();
      throw RedisException.line(e.getMessage());
    } finally {
      if (gated) {
        g.gate.endWrite();
      }
    }
    boolean wrote = res.stats().wrote();
    if (created && wrote) {
      c.db().set(key, GraphType.INSTANCE, g);
    }
    if (wrote) {
      c.signalModifiedKey(c.db().id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, "graph.query", key, c.db().id());
      c.addDirty(1);
    } else {
      c.preventPropagation();
    }
    g.slowlog(c.now(), command, text, res.millis());
    ResultWriter.write(c.reply(), new Ctx(g, params, 0), res, compact, config.get("RESULTSET_SIZE"));
  }

  /**
   * A read on the engine thread within {@link QueryScheduler#INLINE_STEPS} executor steps, or null when it needs more
   * (then it is abandoned, which a read may be: it changed nothing). Handing a read to a reader and its reply back
   * costs more than a short read itself (a lookup by an indexed property and its neighbours), so short reads run
   * here; the budget is the cost estimate, since the planner has no statistics to tell a one-hop read of a person from
   * one of a hub with a million edges before it runs. Errors are the query's: thrown as they would be on a reader.
   */
  private Executor.Result inlineRead(Graph g, Plan.Query q, Map<String, Object> params, long timeout,
      long t0) {
    Ctx ctx = new Ctx(g, params, timeout);
    ctx.budget = QueryScheduler.INLINE_STEPS;
    try {
      Executor.Result res = Executor.run(g, q, ctx, t0);
      scheduler.inline.incrementAndGet();
      return res;
    } catch (Ctx.OverBudget over) {
      return null;
    } catch (CypherException e) {
      throw RedisException.line(e.getMessage());
    }
  }

  /** Stops the reader threads (module unload). */
  void close() {
    scheduler.close();
  }

  /** GRAPH.PROFILE key query: runs it as GRAPH.QUERY would, replies with the plan and each operator's counts. */
  private void profile(CommandContext c, Args a) {
    byte[] key = a.get(1);
    Graph g = c.db().getForWrite(key, GraphType.INSTANCE);
    boolean created = g == null;
    if (created) {
      g = new Graph();
    }
    Map<String, Object> params = new HashMap<>();
    Executor.Profile prof;
    g.gate.beginWrite(); // a profile may write: readers of this graph step aside
    try {
      prof = Executor.profile(g, Executor.extractParams(a.string(2), params), params, config.get("TIMEOUT"));
    } catch (CypherException e) {
      c.preventPropagation();
      throw RedisException.line(e.getMessage());
    } finally {
      g.gate.endWrite();
    }
    if (prof.stats().wrote()) {
      if (created) {
        c.db().set(key, GraphType.INSTANCE, g);
      }
      c.signalModifiedKey(c.db().id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, "graph.query", key, c.db().id());
      c.addDirty(1);
    } else {
      c.preventPropagation();
    }
    List<String> plan = prof.lines();
    c.reply().array(plan.size());
    for (String line : plan) {
      c.reply().bulk(line);
    }
  }

  private static void delete(CommandContext c, Args a) {
    long t0 = System.nanoTime();
    byte[] key = a.get(1);
    Graph g = c.db().get(key, GraphType.INSTANCE);
    if (g == null) {
      throw EMPTY_KEY;
    }
    c.db().delete(key);
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db().id());
    c.addDirty(1);
    c.reply().bulk(String.format(java.util.Locale.ROOT, "Graph removed, internal execution time: %.6f milliseconds",
        (System.nanoTime() - t0) / 1e6));
  }

  private static void explain(CommandContext c, Args a) {
    List<String> plan;
    try {
      plan = Executor.explain(c.db().get(a.get(1), GraphType.INSTANCE),
          Executor.extractParams(a.string(2), new HashMap<>()));
    } catch (CypherException e) {
      throw RedisException.line(e.getMessage());
    }
    c.reply().array(plan.size());
    for (String line : plan) {
      c.reply().bulk(line);
    }
  }

  private static void list(CommandContext c, Args a) {
    List<byte[]> keys = new ArrayList<>();
    c.db().forEachKey((k, v) -> {
      if (v instanceof ModuleValue mv && mv.valueIf(GraphType.INSTANCE) != null) {
        keys.add(k);
      }
    });
    c.reply().array(keys.size());
    for (byte[] k : keys) {
      c.reply().bulk(k);
    }
  }

  private static void slowlog(CommandContext c, Args a) {
    Graph g = c.db().get(a.get(1), GraphType.INSTANCE);
    if (a.size() > 3 || (a.size() == 3 && !a.is(2, "reset"))) {
      throw RedisException.line("Unknown argument " + a.string(2));
    }
    if (g == null) {
      throw EMPTY_KEY;
    }
    if (a.size() == 3) {
      g.slowlog.clear();
      c.reply().ok();
      return;
    }
    List<Object[]> entries = new ArrayList<>(g.slowlog);
    c.reply().array(entries.size());
    for (Object[] e : entries) {
      c.reply().array(4);
      c.reply().bulk(Long.toString((Long) e[0] / 1000));
      c.reply().bulk((String) e[1]);
      c.reply().bulk((String) e[2]);
      c.reply().bulk(String.format(java.util.Locale.ROOT, "%.6f", (Double) e[3]));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
