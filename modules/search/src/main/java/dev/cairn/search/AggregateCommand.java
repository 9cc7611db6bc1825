package dev.cairn.search;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.search.Reducers.Row;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * FT.AGGREGATE index query [steps and options] ({@link AggregateRequest}, run by {@link AggregatePipeline}) and
 * FT.CURSOR READ|DEL|GC. Replies as RediSearch 2.10: RESP2 {@code [total, [k, v, ...], ...]}, RESP3 a map
 * (attributes, format, results of extra_attributes, total_results, warning); with a cursor {@code [that, cursor id]},
 * id 0 once the cursor is done. An evaluation error on the first row is the reply; a later one ends the results (and
 * RESP3 names it in warning). A TIMEOUT gives the rows so far (ON_TIMEOUT RETURN, RESP3 warning "Timeout limit was
 * reached") or that error (ON_TIMEOUT FAIL).
 */
final class AggregateCommand implements CommandFamily {
  static final CommandSpec AGGREGATE = CommandSpec.command("ft.aggregate", -3).group(Group.MODULE).since("1.1.0")
      .flags(Flag.READONLY).summary("Run a search query on an index and perform aggregate transformations on the "
          + "results").complexity("O(1)").args(Arg.string("index"), Arg.string("query"),
          Arg.string("steps").multiple().optional()).build();
  static final CommandSpec CURSOR = CommandSpec.command("ft.cursor", -4).group(Group.MODULE).since("1.1.0")
      .flags(Flag.READONLY).summary("Reads from or deletes a cursor of FT.AGGREGATE").complexity("O(1)")
      .args(Arg.string("subcommand"), Arg.string("index"), Arg.string("cursor_id"),
          Arg.integer("read_size").withToken("COUNT").optional()).build();

  static final String TIMEOUT_ERROR = "Timeout limit was reached";

  private final SearchCommands search;
  final Cursors cursors;

  AggregateCommand(SearchCommands search, Cursors cursors) {
    this.search = search;
    this.cursors = cursors;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(AGGREGATE, this::aggregate);
    r.add(CURSOR, this::cursor);
  }

  /** A parsed and started aggregation: the request, its pipeline. */
  record Started(AggregateRequest req, AggregatePipeline pipeline, QueryNode root, QueryEval eval) {
  }

  /** Parses FT.AGGREGATE's arguments (from {@code first}: the index two before) and runs the query. */
  Started start(CommandContext c, Args a, int first, boolean profile) {
    String name = a.string(first - 2);
    SearchIndex idx = search.index(name);
    AggregateRequest req = AggregateRequest.parse(a, first, idx, search, profile);
    ExpandFormat.check(req.expand, c.reply(), idx);
    idx.uses++;
    idx.dialectsUsed |= 1 << req.dialect;
    QueryNode root = QueryParser.parse(req.query, idx.def, req.params, req.dialect, req.rawParams);
    QueryEval eval = new QueryEval(idx, req.verbatim, null, req.scorer);
    if (profile) {
      eval.profile();
    }
    QueryEval.Result result = eval.run(root);
    eval.stopCounting(); // the query's run only: ADDSCORES' scorer rebuilds iterators per read
    AggregatePipeline p = new AggregatePipeline(idx, req, root, eval, result, search.indexes(), c.db(0));
    return new Started(req, p, root, eval);
  }

  private void aggregate(CommandContext c, Args a) {
    Started s = start(c, a, 3, false);
    if (!s.req().withCursor) {
      AggregatePipeline.Chunk chunk = s.pipeline().read(Long.MAX_VALUE);
      reply(c.reply(), chunk, -1, null);
      return;
    }
    long maxIdleLimit = search.settings.get("CURSOR_MAX_IDLE").get();
    long maxIdle = s.req().cursorMaxIdle <= 0 || s.req().cursorMaxIdle > maxIdleLimit ? maxIdleLimit
        : s.req().cursorMaxIdle;
    long count = s.req().cursorCount > 0 ? s.req().cursorCount : search.settings.get("CURSOR_READ_SIZE").get();
    Cursors.Cursor cur = cursors.open(a.string(1), s.pipeline().idx, s.pipeline(), count, maxIdle,
        search.settings.get("INDEX_CURSOR_LIMIT").get());
    readCursor(c.reply(), cur, count);
  }

  private void readCursor(Reply out, Cursors.Cursor cur, long count) {
    AggregatePipeline.Chunk chunk = cur.pipeline.read(count);
    boolean failed = chunk.error != null && chunk.rows.isEmpty() || chunk.timedOut && onTimeoutFail();
    if (chunk.done || failed) {
      cursors.remove(cur.id);
    } else {
      cur.lastUse = System.currentTimeMillis();
    }
    reply(out, chunk, chunk.done || failed ? 0 : cur.id, null);
  }

  boolean onTimeoutFail() {
    return search.settings.get("ON_TIMEOUT").get() == 1;
  }

  /**
   * Writes one chunk: the results (RESP2 array, RESP3 map), wrapped with the cursor id when {@code cursorId >= 0};
   * {@code profile} (FT.PROFILE) adds its part after the results (RESP2) or under "profile" (RESP3).
   */
  void reply(Reply out, AggregatePipeline.Chunk chunk, long cursorId, Consumer<Reply> profile) {
    if (chunk.error != null && chunk.rows.isEmpty()) {
      throw RedisException.line(chunk.error);
    }
    if (chunk.timedOut && onTimeoutFail() && profile == null) {
      throw RedisException.line(TIMEOUT_ERROR);
    }
    boolean wrap = cursorId >= 0;
    if (out.protocol() >= 3) {
      if (wrap) {
        out.array(2);
      }
      out.map(profile != null ? 6 : 5);
      out.bulk("attributes");
      out.array(0);
      out.bulk("format");
      out.simple(chunk.expand ? "EXPAND" : "STRING");
      out.bulk("results");
      out.array(chunk.rows.size());
      for (Row row : chunk.rows) {
        out.map(2);
        out.bulk("extra_attributes");
        out.map(visible(row));
        row.values.forEach((k, v) -> {
          if (v != null) {
            out.bulk(k);
            if (chunk.expand && v instanceof String json && (k.startsWith("$") || chunk.def.field(k) != null)) {
              ExpandFormat.write(out, json); // a loaded JSON value

            } else {
              value(out, v);
            }
          }
        });
        out.bulk("values");
        out.array(0);
      }
      out.bulk("total_results");
      out.integer(chunk.total);
      out.bulk("warning");
      String warning = chunk.timedOut ? TIMEOUT_ERROR : chunk.error;
      if (warning == null) {
        out.array(0);
      } else {
        out.array(1);
        out.simple(warning);
      }
      if (profile != null) {
        out.bulk("profile");
        profile.accept(out);
      }
      if (wrap) {
        out.integer(cursorId);
      }
      return;
    }
    if (wrap || profile != null) {
      out.array(2);
    }
    out.array(chunk.rows.size() + 1);
    out.integer(chunk.total);
    for (Row row : chunk.rows) {
      out.array(visible(row) * 2);
      row.values.forEach((k, v) -> {
        if (v != null) {
          out.bulk(k);
          value(out, v);
        }
      });
    }
    if (wrap) {
      out.integer(cursorId);
    } else if (profile != null) {
      profile.accept(out);
    }
  }

  /** Fields with a value: RediSearch leaves out the ones a row has no value for. */
  private static int visible(Row row) {
    int n = 0;
    for (Object v : row.values.values()) {
      if (v != null) {
        n++;
      }
    }
    return n;
  }

  /** A value: numbers as RediSearch formats them, arrays as arrays. */
  static void value(Reply out, Object v) {
    if (v == null) {
      out.nullBulk();
    } else if (v instanceof List<?> l) {
      out.array(l.size());
      for (Object o : l) {
        value(out, o);
      }
    } else {
      out.bulk(AggValues.str(v).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** FT.CURSOR READ index id [COUNT n] | DEL index id | GC index id. */
  private void cursor(CommandContext c, Args a) {
    String sub = a.string(1);
    long id;
    try {
      id = Long.parseLong(a.string(3));
    } catch (NumberFormatException e) {
      throw RedisException.line("Bad cursor ID");
    }
    switch (Character.toUpperCase(sub.isEmpty() ? ' ' : sub.charAt(0))) {
      case 'R' -> {
        long count = 0;
        if (a.size() > 5) {
          try {
            count = Long.parseLong(a.string(5));
          } catch (NumberFormatException e) {
            throw RedisException.line("Bad value for COUNT");
          }
        }
        Cursors.Cursor cur = cursors.get(id);
        if (cur == null) {
          throw RedisException.line("Cursor not found");
        }
        if (search.indexes().byName.get(cur.index.def.name) != cur.index) {
          cursors.remove(id);
          throw RedisException.line("The index was dropped while the cursor was idle");
        }
        readCursor(c.reply(), cur, count > 0 ? count : cur.chunk);
      }
      case 'D' -> {
        if (!cursors.remove(id)) {
          throw RedisException.line("Cursor does not exist");
        }
        c.reply().ok();
      }
      case 'G' -> c.reply().integer(cursors.sweep());
      default -> throw RedisException.line("Unknown subcommand");
    }
  }

  /** INFO search's cursor fields. */
  Map<String, Object> info() {
    return Map.of("global_idle", (long) cursors.total(), "global_total", (long) cursors.total());
  }
}
