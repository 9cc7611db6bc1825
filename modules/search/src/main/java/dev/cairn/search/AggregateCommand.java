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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FT.AGGREGATE index query, with the steps in the order given: LOAD n @f ... | LOAD *, GROUPBY n @f ... with REDUCE
 * COUNT | COUNT_DISTINCT | SUM | AVG | MIN | MAX [AS name], SORTBY n @f [ASC|DESC] ... [MAX m], FILTER expr,
 * LIMIT offset num; PARAMS, DIALECT, VERBATIM, TIMEOUT accepted. APPLY, TOLIST and the other reducers, and
 * WITHCURSOR are refused with an error until they are built (issue 14).
 */
final class AggregateCommand implements CommandFamily {
  static final CommandSpec AGGREGATE = CommandSpec.command("ft.aggregate", -3).group(Group.MODULE).since("1.1.0")
      .flags(Flag.READONLY).summary("Run a search query on an index and perform aggregate transformations on the "
          + "results").complexity("O(1)").args(Arg.string("index"), Arg.string("query"),
          Arg.string("steps").multiple().optional()).build();

  private final SearchCommands search;

  AggregateCommand(SearchCommands search) {
    this.search = search;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(AGGREGATE, this::aggregate);
  }

  private static String prop(String s) {
    if (!s.startsWith("@")) {
      throw RedisException.line("Bad arguments: property `" + s + "` must start with @");
    }
    return s.substring(1);
  }

  private static int count(Args a, int i, String what) {
    if (i + 1 >= a.size()) {
      throw RedisException.line("Bad arguments for " + what + ": Expected an argument, but none provided");
    }
    long n = a.longArg(i + 1, RedisException.line("Bad arguments for " + what + ": Value is not an integer"));
    if (n < 0 || i + 2 + n > a.size()) {
      throw RedisException.line("Bad arguments for " + what + ": Expected an argument, but none provided");
    }
    return (int) n;
  }

  private void aggregate(CommandContext c, Args a) {
    SearchIndex idx = search.index(a.string(1));
    Map<String, String> params = new HashMap<>();
    int dialect = (int) search.settings.get("DEFAULT_DIALECT").get();
    boolean verbatim = false;
    // first pass: the query options
    for (int i = 3; i < a.size(); i++) {
      if (a.is(i, "params")) {
        int n = count(a, i, "PARAMS");
        for (int k = 0; k + 1 < n; k += 2) {
          params.put(a.string(i + 2 + k), a.string(i + 3 + k));
        }
        i += 1 + n;
      } else if (a.is(i, "dialect") && i + 1 < a.size()) {
        dialect = (int) a.longArg(i + 1, RedisException.line("DIALECT requires a non negative integer >=1 and <= 4"));
        i++;
      } else if (a.is(i, "verbatim")) {
        verbatim = true;
      }
    }
    QueryNode root = QueryParser.parse(a.string(2), idx.def, params, dialect);
    QueryEval.Result r = new QueryEval(idx, verbatim, null, "TFIDF").run(root);
    dev.cairn.api.keyspace.Database db0 = c.db(0);
    List<SearchIndex.Doc> docs = new ArrayList<>();
    for (int d = r.docs.nextSetBit(0); d >= 0; d = r.docs.nextSetBit(d + 1)) {
      SearchIndex.Doc doc = idx.docs.get(d);
      if (db0.peekValue(doc.keyBytes) != null) {
        docs.add(doc);
      }
    }
    List<Map<String, String>> rows = new ArrayList<>();
    List<Map<String, String>> sources = new ArrayList<>(); // each row's document, for fields not loaded yet
    for (SearchIndex.Doc d : docs) {
      rows.add(new LinkedHashMap<>());
      Map<String, String> doc = search.indexes().loadable(idx, db0, d.keyBytes, dialect);
      doc = doc == null ? new HashMap<>() : new HashMap<>(doc);
      doc.put("__key", d.key);
      sources.add(doc);
    }
    boolean grouped = false;
    long offset = 0;
    long num = Long.MAX_VALUE;
    boolean limited = false;
    for (int i = 3; i < a.size(); i++) {
      String w = a.string(i).toUpperCase(Locale.ROOT);
      switch (w) {
        case "VERBATIM" -> { }
        // a cursor changes the reply's shape ([rows, cursor id]): refused until cursors exist (issue 14)
        case "WITHCURSOR" -> throw RedisException.line("WITHCURSOR is not supported by this search module yet");
        case "TIMEOUT", "DIALECT" -> i++;
        case "PARAMS" -> i += 1 + count(a, i, "PARAMS");
        case "LOAD" -> {
          if (i + 1 < a.size() && a.is(i + 1, "*")) {
            for (int k = 0; k < rows.size() && !grouped; k++) {
              for (Map.Entry<String, String> e : sources.get(k).entrySet()) {
                if (!e.getKey().equals("__key")) {
                  rows.get(k).put(e.getKey(), e.getValue());
                }
              }
            }
            i++;
            break;
          }
          int n = count(a, i, "LOAD");
          for (int f = 0; f < n; f++) {
            String name = a.string(i + 2 + f);
            String p = name.startsWith("@") ? name.substring(1) : name;
            FieldSpec spec = idx.def.field(p);
            String id = spec == null ? p : spec.identifier;
            for (int k = 0; k < rows.size() && !grouped; k++) {
              String v = sources.get(k).get(id);
              if (v != null) {
                rows.get(k).put(p, v);
              }
            }
          }
          i += 1 + n;
        }
        case "GROUPBY" -> {
          int n = count(a, i, "GROUPBY");
          List<String> by = new ArrayList<>();
          for (int f = 0; f < n; f++) {
            by.add(prop(a.string(i + 2 + f)));
          }
          i += 1 + n;
          List<Reducer> reducers = new ArrayList<>();
          while (i + 1 < a.size() && a.is(i + 1, "reduce")) {
            i++;
            if (i + 1 >= a.size()) {
              throw RedisException.line("Bad arguments for REDUCE: Expected an argument, but none provided");
            }
            String fn = a.string(i + 1).toUpperCase(Locale.ROOT);
            int na = count(a, i + 1, fn);
            List<String> args = new ArrayList<>();
            for (int k = 0; k < na; k++) {
              args.add(a.string(i + 3 + k));
            }
            i += 2 + na;
            String as = null;
            if (i + 2 < a.size() + 1 && i + 1 < a.size() && a.is(i + 1, "as")) {
              if (i + 2 >= a.size()) {
                throw RedisException.line("Bad arguments for AS: Expected an argument, but none provided");
              }
              as = a.string(i + 2);
              i += 2;
            }
            reducers.add(Reducer.of(fn, args, as));
          }
          rows = group(rows, sources, grouped, by, reducers, idx);
          grouped = true;
          sources = null;
        }
        case "SORTBY" -> {
          int n = count(a, i, "SORTBY");
          List<String[]> keys = new ArrayList<>();
          for (int k = 0; k < n; k++) {
            String p = prop(a.string(i + 2 + k));
            String dir = "ASC";
            if (k + 1 < n && (a.is(i + 3 + k, "asc") || a.is(i + 3 + k, "desc"))) {
              dir = a.string(i + 3 + k).toUpperCase(Locale.ROOT);
              k++;
            }
            keys.add(new String[] {p, dir});
          }
          i += 1 + n;
          long max = Long.MAX_VALUE;
          if (i + 1 < a.size() && a.is(i + 1, "max")) {
            if (i + 2 >= a.size()) {
              throw RedisException.line("Bad arguments for MAX: Expected an argument, but none provided");
            }
            max = a.longArg(i + 2, RedisException.line("Bad arguments for MAX: Value is not an integer"));
            i += 2;
          }
          if (!grouped) {
            for (String[] k : keys) {
              ensureLoaded(rows, sources, k[0], idx);
            }
          }
          rows.sort(comparator(keys));
          if (rows.size() > max) {
            rows = new ArrayList<>(rows.subList(0, (int) max));
          }
          if (sources != null) {
            sources = null; // rows were reordered: later steps read only what is loaded
            grouped = true;
          }
        }
        case "FILTER" -> {
          if (i + 1 >= a.size()) {
            throw RedisException.line("Bad arguments for FILTER: Expected an argument, but none provided");
          }
          Filter.Expr e = Filter.parse(a.string(i + 1));
          List<Map<String, String>> kept = new ArrayList<>();
          List<Map<String, String>> keptSources = sources == null ? null : new ArrayList<>();
          for (int k = 0; k < rows.size(); k++) {
            Map<String, String> env = new HashMap<>(sources == null ? Map.of() : sources.get(k));
            env.putAll(rows.get(k));
            if (Filter.truthy(e.eval(env))) {
              kept.add(rows.get(k));
              if (keptSources != null) {
                keptSources.add(sources.get(k));
              }
            }
          }
          rows = kept;
          sources = keptSources;
          i++;
        }
        case "LIMIT" -> {
          if (i + 2 >= a.size()) {
            throw RedisException.line("Bad arguments for LIMIT: Expected an argument, but none provided");
          }
          offset = a.longArg(i + 1, RedisException.line("Bad arguments for LIMIT: Value is not an integer"));
          num = a.longArg(i + 2, RedisException.line("Bad arguments for LIMIT: Value is not an integer"));
          limited = true;
          i += 2;
        }
        case "APPLY" -> throw RedisException.line("APPLY is not supported by this search module yet");
        default -> throw RedisException.line("Unknown argument `" + a.string(i) + "`");
      }
    }
    int total = rows.size();
    if (limited) {
      int from = (int) Math.min(offset, rows.size());
      int to = (int) Math.min(rows.size(), offset + num);
      rows = rows.subList(from, to);
    }
    reply(c.reply(), total, rows);
  }

  private static void ensureLoaded(List<Map<String, String>> rows, List<Map<String, String>> sources, String p,
      SearchIndex idx) {
    FieldSpec spec = idx.def.field(p);
    String id = spec == null ? p : spec.identifier;
    for (int k = 0; k < rows.size(); k++) {
      if (!rows.get(k).containsKey(p)) {
        String v = sources.get(k).get(id);
        if (v != null) {
          rows.get(k).put(p, v);
        }
      }
    }
  }

  private static Comparator<Map<String, String>> comparator(List<String[]> keys) {
    return (x, y) -> {
      for (String[] k : keys) {
        String vx = x.get(k[0]);
        String vy = y.get(k[0]);
        int c;
        if (vx == null || vy == null) {
          c = vx == vy ? 0 : vx == null ? 1 : -1; // missing values last, either direction
          if (c != 0) {
            return c;
          }
          continue;
        }
        Double dx = num(vx);
        Double dy = num(vy);
        c = dx != null && dy != null ? Double.compare(dx, dy) : vx.compareTo(vy);
        if (k[1].equals("DESC")) {
          c = -c;
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  static Double num(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static List<Map<String, String>> group(List<Map<String, String>> rows, List<Map<String, String>> sources,
      boolean grouped, List<String> by, List<Reducer> reducers, SearchIndex idx) {
    if (!grouped) {
      for (String p : by) {
        ensureLoaded(rows, sources, p, idx);
      }
      for (Reducer r : reducers) {
        if (r.field != null) {
          ensureLoaded(rows, sources, r.field, idx);
        }
      }
    }
    Map<List<String>, List<Map<String, String>>> groups = new LinkedHashMap<>();
    for (Map<String, String> row : rows) {
      List<String> key = new ArrayList<>();
      for (String p : by) {
        key.add(row.get(p));
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Map.Entry<List<String>, List<Map<String, String>>> g : groups.entrySet()) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int k = 0; k < by.size(); k++) {
        row.put(by.get(k), g.getKey().get(k));
      }
      for (Reducer r : reducers) {
        row.put(r.name, r.apply(g.getValue()));
      }
      out.add(row);
    }
    return out;
  }

  /** One REDUCE function over a group's rows. */
  static final class Reducer {
    final String fn;
    final String field;
    final String name;

    private Reducer(String fn, String field, String name) {
      this.fn = fn;
      this.field = field;
      this.name = name;
    }

    static Reducer of(String fn, List<String> args, String as) {
      String field = null;
      switch (fn) {
        case "COUNT" -> {
          if (!args.isEmpty()) {
            throw RedisException.line("Count accepts 0 values only");
          }
        }
        case "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX" -> {
          if (args.size() != 1) {
            throw RedisException.line("Bad arguments for " + fn + ": Expected an argument, but none provided");
          }
          field = prop(args.get(0));
        }
        default -> throw RedisException.line("No such reducer: " + fn);
      }
      String name = as != null ? as : "__generated_alias" + fn.toLowerCase(Locale.ROOT)
          + (field == null ? "" : field);
      return new Reducer(fn, field, name);
    }

    String apply(List<Map<String, String>> rows) {
      if (fn.equals("COUNT")) {
        return Long.toString(rows.size());
      }
      List<String> values = new ArrayList<>();
      for (Map<String, String> r : rows) {
        String v = r.get(field);
        if (v != null) {
          values.add(v);
        }
      }
      switch (fn) {
        case "COUNT_DISTINCT" -> {
          return Long.toString(new HashSet<>(values).size());
        }
        default -> { }
      }
      double acc = fn.equals("MIN") ? Double.POSITIVE_INFINITY : fn.equals("MAX") ? Double.NEGATIVE_INFINITY : 0;
      int n = 0;
      for (String v : values) {
        Double d = num(v);
        if (d == null) {
          continue;
        }
        n++;
        acc = switch (fn) {
          case "MIN" -> Math.min(acc, d);
          case "MAX" -> Math.max(acc, d);
          default -> acc + d;
        };
      }
      if (fn.equals("AVG")) {
        acc = n == 0 ? 0 : acc / n;
      }
      if (n == 0 && (fn.equals("MIN") || fn.equals("MAX"))) {
        return fn.equals("MIN") ? "inf" : "-inf";
      }
      return format(acc);
    }
  }

  /** Numbers as RediSearch prints them: up to 12 significant digits, no trailing zeros. */
  static String format(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    String s = String.format(Locale.ROOT, "%.12g", d);
    if (s.contains("e") || s.contains("E")) {
      return s;
    }
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static void reply(Reply out, int total, List<Map<String, String>> rows) {
    if (out.protocol() >= 3) {
      out.map(5);
      out.bulk("attributes");
      out.array(0);
      out.bulk("format");
      out.simple("STRING");
      out.bulk("results");
      out.array(rows.size());
      for (Map<String, String> row : rows) {
        out.map(2);
        out.bulk("extra_attributes");
        out.map(row.size());
        row.forEach((k, v) -> {
          out.bulk(k);
          value(out, v);
        });
        out.bulk("values");
        out.array(0);
      }
      out.bulk("total_results");
      out.integer(total);
      out.bulk("warning");
      out.array(0);
      return;
    }
    out.array(rows.size() + 1);
    out.integer(total);
    for (Map<String, String> row : rows) {
      out.array(row.size() * 2);
      row.forEach((k, v) -> {
        out.bulk(k);
        value(out, v);
      });
    }
  }

  private static void value(Reply out, String v) {
    if (v == null) {
      out.nullBulk();
    } else {
      out.bulk(v.getBytes(StandardCharsets.UTF_8));
    }
  }
}
