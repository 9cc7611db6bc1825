package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * GROUPBY's REDUCE functions, RediSearch 2.10's set: COUNT, COUNT_DISTINCT, COUNT_DISTINCTISH, SUM, MIN, MAX, AVG,
 * STDDEV, QUANTILE, TOLIST, FIRST_VALUE [BY @p [ASC|DESC]], RANDOM_SAMPLE. Each parses its arguments once
 * ({@link #of}) and gives an accumulator per group.
 */
final class Reducers {
  private Reducers() {
  }

  static final int MAX_SAMPLE_SIZE = 1000;

  /** One REDUCE clause: the function, the property it reads, its output name. */
  static final class Spec {
    final String fn;
    final String property;
    final String alias;
    /** QUANTILE's fraction; RANDOM_SAMPLE's size. */
    final double param;
    /** FIRST_VALUE's BY property (null: the first row's value) and direction. */
    final String by;
    final boolean ascending;
    /** QUANTILE's resolution: how many values its stream buffers between compressions. */
    int resolution = 500;

    Spec(String fn, String property, String alias, double param, String by, boolean ascending) {
      this.fn = fn;
      this.property = property;
      this.alias = alias;
      this.param = param;
      this.by = by;
      this.ascending = ascending;
    }

    Acc newAcc() {
      return switch (fn) {
        case "COUNT" -> new Count();
        case "COUNT_DISTINCT" -> new Distinct(property);
        case "COUNT_DISTINCTISH" -> new DistinctIsh(property);
        case "SUM", "AVG" -> new Sum(property, fn.equals("AVG"));
        case "MIN", "MAX" -> new MinMax(property, fn.equals("MIN"));
        case "STDDEV" -> new StdDev(property);
        case "QUANTILE" -> new Quantile(property, param, resolution);
        case "TOLIST" -> new ToList(property);
        case "FIRST_VALUE" -> new FirstValue(property, by, ascending);
        default -> new Sample(property, (int) param);
      };
    }
  }

  /** A group's running state for one reducer. */
  interface Acc {
    void add(Row row);

    Object result();
  }

  /** One row of the pipeline: its values by name and, before GROUPBY, its document. */
  static final class Row {
    final java.util.LinkedHashMap<String, Object> values = new java.util.LinkedHashMap<>();
    final SearchIndex.Doc doc;
    double score;

    Row(SearchIndex.Doc doc) {
      this.doc = doc;
    }

    Object get(String name) {
      return values.get(name);
    }
  }

  /**
   * Parses one REDUCE clause; {@code known} tells whether a property exists at this point of the pipeline (loaded,
   * computed, or loadable from the schema).
   */
  static Spec of(String name, List<String> args, String as, java.util.function.Predicate<String> known) {
    String fn = name.toUpperCase(Locale.ROOT);
    int i = 0;
    int resolution = 500;
    String property = null;
    double param = 0;
    String by = null;
    boolean asc = true;
    switch (fn) {
      case "COUNT" -> {
        if (!args.isEmpty()) {
          throw RedisException.line("Count accepts 0 values only");
        }
      }
      case "COUNT_DISTINCT", "COUNT_DISTINCTISH", "SUM", "MIN", "MAX", "AVG", "STDDEV", "TOLIST", "QUANTILE",
          "FIRST_VALUE", "RANDOM_SAMPLE" -> {
        if (args.isEmpty()) {
          throw RedisException.line("Missing arguments for " + name);
        }
        property = key(args.get(i++), known);
        if (fn.equals("QUANTILE")) {
          if (i >= args.size()) {
            throw RedisException.line("Bad arguments for " + name + ": Expected an argument, but none provided");
          }
          Double q = AggValues.parseNumber(args.get(i++));
          if (q == null) {
            throw RedisException.line("Bad arguments for " + name + ": Could not convert argument to expected type");
          }
          if (!(q >= 0 && q <= 1.0)) {
            throw RedisException.line("Percentage must be between 0.0 and 1.0");
          }
          param = q;
          if (i < args.size()) {
            long res = unsigned(args.get(i++), "<resolution>");
            if (res < 1 || res > MAX_SAMPLE_SIZE) {
              throw RedisException.line("Invalid resolution");
            }
            resolution = (int) res;
          }
        } else if (fn.equals("RANDOM_SAMPLE")) {
          if (i >= args.size()) {
            throw RedisException.line("Bad arguments for <sample size>: Expected an argument, but none provided");
          }
          long n = unsigned(args.get(i++), "<sample size>");
          if (n > MAX_SAMPLE_SIZE) {
            throw RedisException.line("Sample size too large");
          }
          param = n;
        } else if (fn.equals("FIRST_VALUE") && i < args.size() && args.get(i).equalsIgnoreCase("BY")) {
          i++;
          if (i >= args.size()) {
            throw RedisException.line("Missing arguments for " + name);
          }
          by = key(args.get(i++), known);
          if (i < args.size() && args.get(i).equalsIgnoreCase("ASC")) {
            i++;
          } else if (i < args.size() && args.get(i).equalsIgnoreCase("DESC")) {
            asc = false;
            i++;
          }
        }
        if (i < args.size()) {
          throw RedisException.line("Unknown argument `" + args.get(i) + "` for " + name);
        }
      }
      default -> throw RedisException.line("No such reducer: " + name);
    }
    String alias = as;
    if (alias == null) {
      StringBuilder sb = new StringBuilder("__generated_alias").append(name);
      for (int k = 0; k < args.size(); k++) {
        String s = args.get(k);
        while (s.startsWith("@")) {
          s = s.substring(1);
        }
        sb.append(s);
        if (k + 1 < args.size()) {
          sb.append(',');
        }
      }
      alias = sb.toString().toLowerCase(Locale.ROOT);
    }
    Spec spec = new Spec(fn, property, alias, param, by, asc);
    spec.resolution = resolution;
    return spec;
  }

  private static long unsigned(String s, String what) {
    try {
      long n = Long.parseLong(s);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw RedisException.line("Bad arguments for " + what + ": Could not convert argument to expected type");
    }
  }

  private static String key(String s, java.util.function.Predicate<String> known) {
    String p = s.startsWith("@") ? s.substring(1) : s;
    if (!known.test(p)) {
      throw RedisException.line("Property `" + p + "` not present in document or pipeline");
    }
    return p;
  }

  private static final class Count implements Acc {
    long n;

    @Override
    public void add(Row row) {
      n++;
    }

    @Override
    public Object result() {
      return (double) n;
    }
  }

  /** COUNT_DISTINCTISH: RediSearch's HyperLogLog estimate of the distinct values. */
  private static final class DistinctIsh implements Acc {
    final String p;
    final Sketches.Hll hll = new Sketches.Hll();

    DistinctIsh(String p) {
      this.p = p;
    }

    @Override
    public void add(Row row) {
      Object v = row.get(p);
      if (v != null) {
        hll.add(v);
      }
    }

    @Override
    public Object result() {
      return (double) hll.count();
    }
  }

  /** COUNT_DISTINCT: the exact number of distinct values. */
  private static final class Distinct implements Acc {
    final String p;
    final Set<String> seen = new HashSet<>();

    Distinct(String p) {
      this.p = p;
    }

    @Override
    public void add(Row row) {
      Object v = row.get(p);
      if (v != null) {
        seen.add(AggValues.str(v));
      }
    }

    @Override
    public Object result() {
      return (double) seen.size();
    }
  }

  /** Each number among a value (an array's elements each count). */
  private static void numbers(Object v, java.util.function.DoubleConsumer out) {
    if (v instanceof List<?> l) {
      for (Object o : l) {
        numbers(o, out);
      }
      return;
    }
    Double d = AggValues.toNumber(v);
    if (d != null) {
      out.accept(d);
    }
  }

  private static final class Sum implements Acc {
    final String p;
    final boolean avg;
    double sum;
    long n;

    Sum(String p, boolean avg) {
      this.p = p;
      this.avg = avg;
    }

    @Override
    public void add(Row row) {
      numbers(row.get(p), d -> {
        sum += d;
        n++;
      });
    }

    @Override
    public Object result() {
      return avg ? (n == 0 ? Double.NaN : sum / n) : sum;
    }
  }

  private static final class MinMax implements Acc {
    final String p;
    final boolean min;
    double v;

    MinMax(String p, boolean min) {
      this.p = p;
      this.min = min;
      this.v = min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    @Override
    public void add(Row row) {
      numbers(row.get(p), d -> v = min ? Math.min(v, d) : Math.max(v, d));
    }

    @Override
    public Object result() {
      return v;
    }
  }

  /** The sample standard deviation (n - 1), 0 for fewer than two values, as RediSearch. */
  private static final class StdDev implements Acc {
    final String p;
    long n;
    double mean;
    double m2;

    StdDev(String p) {
      this.p = p;
    }

    @Override
    public void add(Row row) {
      numbers(row.get(p), d -> {
        n++;
        double delta = d - mean;
        mean += delta / n;
        m2 += delta * (d - mean);
      });
    }

    @Override
    public Object result() {
      return n > 1 ? Math.sqrt(m2 / (n - 1)) : 0.0;
    }
  }

  /** QUANTILE: RediSearch's quantile stream (exact until its samples are compressed, past 500 values). */
  private static final class Quantile implements Acc {
    final String p;
    final Sketches.QuantileStream stream;

    Quantile(String p, double q, int resolution) {
      this.p = p;
      this.stream = new Sketches.QuantileStream(q, resolution);
    }

    @Override
    public void add(Row row) {
      numbers(row.get(p), stream::insert);
    }

    @Override
    public Object result() {
      return stream.query();
    }
  }

  private static final class ToList implements Acc {
    final String p;
    final Set<Object> values = new LinkedHashSet<>();

    ToList(String p) {
      this.p = p;
    }

    @Override
    public void add(Row row) {
      Object v = row.get(p);
      if (v instanceof List<?> l) {
        for (Object o : l) {
          if (o != null) {
            values.add(o);
          }
        }
      } else if (v != null) {
        values.add(v);
      }
    }

    @Override
    public Object result() {
      return new ArrayList<>(values);
    }
  }

  private static final class FirstValue implements Acc {
    final String p;
    final String by;
    final boolean asc;
    boolean has;
    Object value;
    Object sortValue;

    FirstValue(String p, String by, boolean asc) {
      this.p = p;
      this.by = by;
      this.asc = asc;
    }

    @Override
    public void add(Row row) {
      if (by == null) {
        if (!has) {
          value = row.get(p);
          has = true;
        }
        return;
      }
      Object s = row.get(by);
      if (!has) {
        value = row.get(p);
        sortValue = s;
        has = true;
        return;
      }
      if (s == null) {
        return;
      }
      int c = sortValue == null ? -1 : AggValues.compare(s, sortValue);
      if (sortValue == null || (asc ? c < 0 : c > 0)) {
        value = row.get(p);
        sortValue = s;
      }
    }

    @Override
    public Object result() {
      return value;
    }
  }

  /** Reservoir sampling of up to {@code size} values. */
  private static final class Sample implements Acc {
    final String p;
    final int size;
    final List<Object> sample = new ArrayList<>();
    long seen;

    Sample(String p, int size) {
      this.p = p;
      this.size = size;
    }

    @Override
    public void add(Row row) {
      Object v = row.get(p);
      if (v == null) {
        return;
      }
      if (sample.size() < size) {
        sample.add(v);
      } else {
        long i = ThreadLocalRandom.current().nextLong(seen + 1);
        if (i < size) {
          sample.set((int) i, v);
        }
      }
      seen++;
    }

    @Override
    public Object result() {
      return new ArrayList<>(sample);
    }
  }
}
