package dev.cairn.search;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.RedisException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * FT.AGGREGATE's arguments parsed into its options and its steps, in the order given (RediSearch's plan): LOAD,
 * GROUPBY with REDUCE, SORTBY [MAX], APPLY [AS], FILTER, LIMIT. Property references are checked as RediSearch checks
 * them: before the first GROUPBY the schema's attributes are loadable (and loaded implicitly when a step reads them);
 * after it only the group's keys and reducers exist.
 */
final class AggregateRequest {
  /** One step of the pipeline. */
  sealed interface Step permits Load, Group, Sort, Apply, FilterStep, Limit {
  }

  /** LOAD n @f [AS a] ... | LOAD *: {identifier, output name} pairs; null for all of the document. */
  record Load(List<String[]> fields) implements Step {
  }

  record Group(List<String> keys, List<Reducers.Spec> reducers) implements Step {
  }

  /**
   * SORTBY n @k [ASC|DESC] ... [MAX m]: max 0 for all; a LIMIT right after it is the sorter's (offset, then max), as
   * RediSearch folds it into the same step.
   */
  record Sort(List<String> keys, boolean[] ascending, long max, long offset) implements Step {
  }

  record Apply(Expr expr, String alias, String text) implements Step {
  }

  record FilterStep(Expr expr, String text) implements Step {
  }

  record Limit(long offset, long num) implements Step {
  }

  final String query;
  final Map<String, String> params = new HashMap<>();
  /** PARAMS' values as bytes: a KNN's vector blob is not text. */
  final Map<String, byte[]> rawParams = new HashMap<>();
  int dialect;
  /** FORMAT EXPAND: JSON values as RESP3 values, loaded as dialect 3 loads them. */
  boolean expand;
  boolean verbatim;
  boolean addScores;
  String scorer = "TFIDF";
  long timeoutMs;
  boolean withCursor;
  long cursorCount;
  long cursorMaxIdle;
  final List<Step> steps = new ArrayList<>();
  /** Schema attributes the steps before the first GROUPBY read without LOADing them: loaded right after the index. */
  final Set<String> implicitLoads = new LinkedHashSet<>();

  private AggregateRequest(String query) {
    this.query = query;
  }

  private static RedisException badArgs(String what, String why) {
    return RedisException.line("Bad arguments for " + what + ": " + why);
  }

  private static final String NOARG = "Expected an argument, but none provided";
  private static final String PARSE = "Could not convert argument to expected type";

  /** {@code n} then n arguments at {@code i}: returns n. */
  private static int varArgs(Args a, int i, String what) {
    if (i >= a.size()) {
      throw badArgs(what, NOARG);
    }
    long n;
    try {
      n = Long.parseLong(a.string(i));
    } catch (NumberFormatException e) {
      throw badArgs(what, PARSE);
    }
    if (n < 0) {
      throw badArgs(what, PARSE);
    }
    if (i + 1 + n > a.size()) {
      throw badArgs(what, NOARG);
    }
    return (int) n;
  }

  private static long number(Args a, int i, String what, long min) {
    if (i >= a.size()) {
      throw badArgs(what, NOARG);
    }
    try {
      long n = Long.parseLong(a.string(i));
      if (n < min) {
        throw badArgs(what, "Value is outside acceptable bounds");
      }
      return n;
    } catch (NumberFormatException e) {
      throw badArgs(what, PARSE);
    }
  }

  /** Parses FT.AGGREGATE's arguments from {@code first} on (the index at first - 2, the query at first - 1). */
  static AggregateRequest parse(Args a, int first, SearchIndex idx, SearchCommands search, boolean profile) {
    AggregateRequest r = new AggregateRequest(a.string(first - 1));
    r.dialect = (int) search.settings.get("DEFAULT_DIALECT").get();
    r.timeoutMs = search.settings.get("TIMEOUT").get();
    // options that steps depend on (PARAMS for expressions) come first, wherever they stand
    for (int i = first; i < a.size(); i++) {
      if (a.is(i, "params")) {
        int n = varArgs(a, i + 1, "PARAMS");
        if (n % 2 != 0) {
          throw RedisException.line("Parameters must be specified in PARAM VALUE pairs");
        }
        for (int k = 0; k < n; k += 2) {
          r.params.put(a.string(i + 2 + k), a.string(i + 3 + k));
          r.rawParams.put(a.string(i + 2 + k), a.get(i + 3 + k));
        }
        i += 1 + n;
      }
    }
    Set<String> available = new HashSet<>(); // produced by LOAD or APPLY (or GROUPBY, after it)
    available.addAll(yieldedNames(r.query)); // a vector query's distances are fields of its rows
    boolean grouped = false;
    Sort lastSort = null;
    for (int i = first; i < a.size(); i++) {
      String w = a.string(i).toUpperCase(Locale.ROOT);
      switch (w) {
        case "VERBATIM" -> r.verbatim = true;
        case "ADDSCORES" -> {
          r.addScores = true;
          available.add("__score");
        }
        case "WITHCOUNT", "WITHOUTCOUNT" -> { } // count optimisation switches: every count here is exact
        case "PARAMS" -> i += 1 + varArgs(a, i + 1, "PARAMS");
        case "DIALECT" -> {
          if (i + 1 >= a.size()) {
            throw RedisException.line("Need an argument for DIALECT");
          }
          long d;
          try {
            d = Long.parseLong(a.string(i + 1));
          } catch (NumberFormatException e) {
            d = -1;
          }
          if (d < 1 || d > 4) {
            throw RedisException.line("DIALECT requires a non negative integer >=1 and <= 4");
          }
          r.dialect = (int) d;
          if (ExpandFormat.dialectError(r.expand, d) != null) {
            throw RedisException.line(ExpandFormat.dialectError(r.expand, d));
          }
          i++;
        }
        case "FORMAT" -> r.expand = ExpandFormat.parse(a, i++);
        case "TIMEOUT" -> {
          if (i + 1 >= a.size()) {
            throw RedisException.line("Need argument for TIMEOUT");
          }
          try {
            r.timeoutMs = Long.parseLong(a.string(i + 1));
          } catch (NumberFormatException e) {
            r.timeoutMs = -1;
          }
          if (r.timeoutMs < 0) {
            throw RedisException.line("TIMEOUT requires a non negative integer");
          }
          i++;
        }
        case "SCORER" -> {
          if (i + 1 >= a.size()) {
            throw badArgs("SCORER", NOARG);
          }
          r.scorer = a.string(i + 1).toUpperCase(Locale.ROOT);
          if (!Set.of("TFIDF", "TFIDF.DOCNORM", "BM25", "BM25STD", "DISMAX", "DOCSCORE", "HAMMING")
              .contains(r.scorer)) {
            throw RedisException.line("No such scorer " + a.string(i + 1));
          }
          i++;
        }
        case "WITHCURSOR" -> {
          if (profile) {
            throw RedisException.line("FT.PROFILE does not support cursor");
          }
          r.withCursor = true;
          while (i + 1 < a.size() && (a.is(i + 1, "count") || a.is(i + 1, "maxidle"))) {
            boolean count = a.is(i + 1, "count");
            long v = number(a, i + 2, count ? "COUNT" : "MAXIDLE", 1);
            if (count) {
              r.cursorCount = v;
            } else {
              r.cursorMaxIdle = v;
            }
            i += 2;
          }
        }
        case "LOAD" -> {
          if (i + 1 >= a.size()) {
            throw badArgs("LOAD", NOARG);
          }
          if (a.is(i + 1, "*")) {
            r.steps.add(new Load(null));
            available.add("*");
            i++;
            break;
          }
          long n;
          try {
            n = Long.parseLong(a.string(i + 1));
          } catch (NumberFormatException e) {
            throw RedisException.line("Bad arguments for LOAD: Expected number of fields or `*`");
          }
          if (n < 0 || i + 2 + n > a.size()) {
            throw badArgs("LOAD", NOARG);
          }
          List<String[]> fields = new ArrayList<>();
          int end = (int) (i + 2 + n);
          for (int k = i + 2; k < end; k++) {
            String id = a.string(k);
            id = id.startsWith("@") ? id.substring(1) : id;
            String as = id;
            if (k + 1 < end && a.is(k + 1, "as")) {
              if (k + 2 >= end) {
                throw RedisException.line("LOAD path AS name - must be accompanied with NAME");
              }
              as = a.string(k + 2);
              if (as.equalsIgnoreCase("as")) {
                throw RedisException.line("Alias for LOAD cannot be `AS`");
              }
              k += 2;
            }
            fields.add(new String[] {id, as});
            available.add(as);
          }
          r.steps.add(new Load(fields));
          i = end - 1;
        }
        case "GROUPBY" -> {
          int n = varArgs(a, i + 1, "GROUPBY");
          List<String> keys = new ArrayList<>();
          for (int k = 0; k < n; k++) {
            String p = a.string(i + 2 + k);
            if (!p.startsWith("@")) {
              throw RedisException.line("Bad arguments for GROUPBY: Unknown property `" + p + "`. Did you mean `@"
                  + p + "`?");
            }
            p = p.substring(1);
            if (!r.known(p, available, grouped, idx)) {
              throw RedisException.line("No such property `" + p + "`");
            }
            r.use(p, available, grouped, idx);
            keys.add(p);
          }
          i += 1 + n;
          List<Reducers.Spec> reducers = new ArrayList<>();
          Set<String> outNames = new HashSet<>(keys);
          while (i + 1 < a.size() && a.is(i + 1, "reduce")) {
            i++;
            if (i + 1 >= a.size()) {
              throw badArgs("REDUCE", NOARG);
            }
            String fn = a.string(i + 1);
            int na = varArgs(a, i + 2, fn);
            List<String> args = new ArrayList<>();
            for (int k = 0; k < na; k++) {
              args.add(a.string(i + 3 + k));
            }
            i += 2 + na;
            String as = null;
            if (i + 1 < a.size() && a.is(i + 1, "as")) {
              if (i + 2 >= a.size()) {
                throw badArgs("AS", NOARG);
              }
              as = a.string(i + 2);
              i += 2;
            }
            final Set<String> avail = available;
            final boolean g = grouped;
            Reducers.Spec spec = Reducers.of(fn, args, as, p -> r.known(p, avail, g, idx));
            if (spec.property != null) {
              r.use(spec.property, available, grouped, idx);
            }
            if (spec.by != null) {
              r.use(spec.by, available, grouped, idx);
            }
            if (!outNames.add(spec.alias)) {
              throw RedisException.line("Property `" + spec.alias + "` specified more than once");
            }
            reducers.add(spec);
          }
          r.steps.add(new Group(keys, reducers));
          grouped = true;
          available = outNames;
          lastSort = null;
        }
        case "SORTBY" -> {
          int n = varArgs(a, i + 1, "SORTBY");
          if (lastSort != null && r.steps.get(r.steps.size() - 1) == lastSort) {
            throw RedisException.line("Multiple SORTBY steps are not allowed. Sort multiple fields in a single step");
          }
          List<String> keys = new ArrayList<>();
          boolean[] asc = new boolean[n];
          for (int k = 0; k < n; k++) {
            String s = a.string(i + 2 + k);
            if (s.startsWith("@")) {
              String p = s.substring(1);
              if (!r.known(p, available, grouped, idx)) {
                throw RedisException.line("Property `" + p + "` not loaded nor in schema");
              }
              r.use(p, available, grouped, idx);
              asc[keys.size()] = true;
              keys.add(p);
            } else if ((s.equalsIgnoreCase("ASC") || s.equalsIgnoreCase("DESC")) && !keys.isEmpty()) {
              asc[keys.size() - 1] = s.equalsIgnoreCase("ASC");
            } else {
              throw RedisException.line("MISSING ASC or DESC after sort field (" + s + ")");
            }
          }
          i += 1 + n;
          long max = 0;
          if (i + 1 < a.size() && a.is(i + 1, "max")) {
            max = number(a, i + 2, "MAX", 0);
            i += 2;
          }
          lastSort = new Sort(keys, java.util.Arrays.copyOf(asc, keys.size()), max, 0);
          if (!keys.isEmpty() || max > 0) {
            r.steps.add(lastSort);
          }
        }
        case "APPLY", "FILTER" -> {
          if (i + 1 >= a.size()) {
            throw badArgs("APPLY/FILTER", NOARG);
          }
          String text = a.string(i + 1);
          Expr e = Expr.parse(text, r.params);
          Set<String> props = new LinkedHashSet<>();
          e.properties(props);
          for (String p : props) {
            if (!r.known(p, available, grouped, idx)) {
              throw RedisException.line("Property `" + p + "` not loaded nor in pipeline");
            }
            r.use(p, available, grouped, idx);
          }
          i++;
          if (w.equals("APPLY")) {
            String alias = text;
            if (i + 1 < a.size() && a.is(i + 1, "as")) {
              if (i + 2 >= a.size()) {
                throw RedisException.line("AS needs argument");
              }
              alias = a.string(i + 2);
              i += 2;
            }
            r.steps.add(new Apply(e, alias, text));
            available.add(alias);
          } else {
            r.steps.add(new FilterStep(e, text));
          }
        }
        case "LIMIT" -> {
          if (i + 2 >= a.size()) {
            throw RedisException.line("LIMIT requires two arguments");
          }
          long off;
          long num;
          try {
            off = Long.parseLong(a.string(i + 1));
            num = Long.parseLong(a.string(i + 2));
          } catch (NumberFormatException e) {
            throw RedisException.line("LIMIT needs two numeric arguments");
          }
          if (off < 0 || num < 0) {
            throw RedisException.line("LIMIT needs two numeric arguments");
          }
          int last = r.steps.size() - 1;
          if (last >= 0 && r.steps.get(last) instanceof Sort so && so == lastSort && so.max() == 0 && num > 0) {
            r.steps.set(last, new Sort(so.keys(), so.ascending(), num, off));
            lastSort = (Sort) r.steps.get(last);
          } else {
            r.steps.add(new Limit(off, num));
          }
          i += 2;
        }
        case "SUMMARIZE", "HIGHLIGHT" -> throw RedisException.line(w + " is not supported on FT.AGGREGATE");
        case "RETURN" -> throw RedisException.line("RETURN is not supported on FT.AGGREGATE");
        default -> throw RedisException.line("Unknown argument `" + a.string(i) + "`");
      }
    }
    return r;
  }

  /** Whether a property exists at this point: produced earlier, or (before any GROUPBY) in the schema. */
  private boolean known(String p, Set<String> available, boolean grouped, SearchIndex idx) {
    if (available.contains(p)) {
      return true;
    }
    if (grouped) {
      return false;
    }
    return available.contains("*") || p.equals("__key") || idx.def.field(p) != null
        || idx.def.onJson && p.startsWith("$");
  }

  /** Notes a schema attribute read before it was loaded: the implicit loader will load it. */
  private void use(String p, Set<String> available, boolean grouped, SearchIndex idx) {
    if (!grouped && !available.contains(p)) {
      implicitLoads.add(p);
    }
  }

  /** The option values a cursor uses when the request gave none. */
  static final long DEFAULT_CURSOR_COUNT = 1000;

  private static final java.util.regex.Pattern YIELD_AS = java.util.regex.Pattern.compile(
      "(?i)(?:\\bAS\\s+|\\$YIELD_DISTANCE_AS\\s*:\\s*)([A-Za-z_][\\w]*)");
  private static final java.util.regex.Pattern VECTOR_FIELD = java.util.regex.Pattern.compile(
      "(?i)\\[\\s*(?:KNN\\s+\\S+|VECTOR_RANGE)\\s+@(\\w+)");

  /**
   * The names a query's vector parts yield distances as (AS / $YIELD_DISTANCE_AS, or {@code __<field>_score}), read
   * from its text: the steps are parsed before the query, and these names are rows' fields like loaded ones.
   */
  static Set<String> yieldedNames(String query) {
    Set<String> out = new HashSet<>();
    if (!query.contains("=>") && !query.toUpperCase(java.util.Locale.ROOT).contains("VECTOR_RANGE")) {
      return out;
    }
    java.util.regex.Matcher m = YIELD_AS.matcher(query);
    while (m.find()) {
      out.add(m.group(1));
    }
    m = VECTOR_FIELD.matcher(query);
    while (m.find()) {
      out.add("__" + m.group(1) + "_score");
    }
    return out;
  }

  /** The dialect values are read with: FORMAT EXPAND reads as dialect 3 at least. */
  int valueDialect() {
    return expand ? Math.max(3, dialect) : dialect;
  }
}
