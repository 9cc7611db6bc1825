package dev.cairn.search;

import java.util.ArrayList;
import java.util.List;

/** The parse tree of a query; {@link QueryEval} runs it, {@link #explain} prints it as FT.EXPLAIN does. */
abstract class QueryNode {
  /** Field restriction of text nodes: attribute names, null for all fields. */
  List<String> fields;
  double weight = 1;
  /** The node's iterator in the evaluation running it ({@link QueryEval#build}), which the scorer reads. */
  DocIterator iterator;

  abstract void explain(StringBuilder sb, int depth, SearchIndex idx);

  static void indent(StringBuilder sb, int depth) {
    sb.append("  ".repeat(depth));
  }

  String fieldPrefix() {
    return fields == null ? "" : "@" + String.join("|", fields) + ":";
  }

  /** A word: matches the word, and unless VERBATIM or NOSTEM the words that share its stem. */
  static final class Term extends QueryNode {
    final String word;
    boolean verbatim;

    Term(String word) {
      this.word = word;
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      String stem = verbatim ? null : idx.analyzer.stem(word);
      indent(sb, depth);
      if (stem == null) {
        sb.append(fieldPrefix()).append(word).append('\n');
        return;
      }
      sb.append(fieldPrefix()).append("UNION {\n");
      indent(sb, depth + 1);
      sb.append(fieldPrefix()).append(word).append('\n');
      indent(sb, depth + 1);
      sb.append(fieldPrefix()).append('+').append(stem).append("(expanded)\n");
      indent(sb, depth);
      sb.append("}\n");
    }
  }

  /** {@code pre*}, {@code *suf}, {@code *in*}, {@code w'pattern'}: the words a pattern matches. */
  static final class Pattern extends QueryNode {
    final String pattern; // '*' and '?' wildcards
    final String kind; // PREFIX, SUFFIX, INFIX, WILDCARD

    Pattern(String pattern, String kind) {
      this.pattern = pattern;
      this.kind = kind;
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append(fieldPrefix()).append(kind).append('{').append(pattern).append("}\n");
    }
  }

  /** {@code %word%}: words within a Levenshtein distance of 1 to 3. */
  static final class Fuzzy extends QueryNode {
    final String word;
    final int distance;

    Fuzzy(String word, int distance) {
      this.word = word;
      this.distance = distance;
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append(fieldPrefix()).append("FUZZY{").append(word).append("}\n");
    }
  }

  /** Children that must all match; a phrase when {@code exact} (adjacent, in order). */
  static final class Intersect extends QueryNode {
    final List<QueryNode> children = new ArrayList<>();
    boolean exact;
    int slop = -1;
    boolean inOrder;

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append(fieldPrefix()).append(exact ? "EXACT {\n" : "INTERSECT {\n");
      for (QueryNode c : children) {
        c.explain(sb, depth + 1, idx);
      }
      indent(sb, depth);
      sb.append("}\n");
    }
  }

  static final class Union extends QueryNode {
    final List<QueryNode> children = new ArrayList<>();

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append(fieldPrefix()).append("UNION {\n");
      for (QueryNode c : children) {
        c.explain(sb, depth + 1, idx);
      }
      indent(sb, depth);
      sb.append("}\n");
    }
  }

  static final class Not extends QueryNode {
    final QueryNode child;

    Not(QueryNode child) {
      this.child = child;
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("NOT{\n");
      child.explain(sb, depth + 1, idx);
      indent(sb, depth);
      sb.append("}\n");
    }
  }

  /** {@code ~x}: matches everything its parent matches; adds to the score where x matches. */
  static final class Optional extends QueryNode {
    final QueryNode child;

    Optional(QueryNode child) {
      this.child = child;
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("OPTIONAL{\n");
      child.explain(sb, depth + 1, idx);
      indent(sb, depth);
      sb.append("}\n");
    }
  }

  static final class Numeric extends QueryNode {
    final String attribute;
    final double min;
    final double max;
    final boolean minExclusive;
    final boolean maxExclusive;

    Numeric(String attribute, double min, boolean minExclusive, double max, boolean maxExclusive) {
      this.attribute = attribute;
      this.min = min;
      this.max = max;
      this.minExclusive = minExclusive;
      this.maxExclusive = maxExclusive;
    }

    /** A range bound: a number, {@code inf}, {@code +inf} or {@code -inf}; {@code error} otherwise. */
    static double bound(String s, dev.cairn.api.reply.RedisException error) {
      switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "inf", "+inf" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-inf" -> {
          return Double.NEGATIVE_INFINITY;
        }
        default -> { }
      }
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw error;
      }
    }

    boolean matches(double v) {
      return !Double.isNaN(v) && (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max);
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("NUMERIC {").append(num(min)).append(minExclusive ? " < " : " <= ").append('@').append(attribute)
          .append(maxExclusive ? " < " : " <= ").append(num(max)).append("}\n");
    }

    private static String num(double d) {
      return Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : String.format(java.util.Locale.ROOT, "%f", d);
    }
  }

  /** {@code @f:[lon lat radius unit]}: documents whose point lies within the radius. */
  static final class Geo extends QueryNode {
    final String attribute;
    final double lon;
    final double lat;
    final double radius;
    final String unit;

    Geo(String attribute, double lon, double lat, double radius, String unit) {
      this.attribute = attribute;
      this.lon = lon;
      this.lat = lat;
      this.radius = radius;
      this.unit = unit;
    }

    double meters() {
      return radius * switch (unit) {
        case "km" -> 1000.0;
        case "mi" -> 1609.34;
        case "ft" -> 0.3048;
        default -> 1.0;
      };
    }

    /** Whether (lon2, lat2) is within the radius: haversine on Redis's earth radius, as GEORADIUS. */
    boolean matches(double lon2, double lat2) {
      if (Double.isNaN(lon2)) {
        return false;
      }
      double r = 6372797.560856;
      double la1 = Math.toRadians(lat);
      double la2 = Math.toRadians(lat2);
      double u = Math.sin((la2 - la1) / 2);
      double v = Math.sin(Math.toRadians(lon2 - lon) / 2);
      double dist = 2.0 * r * Math.asin(Math.sqrt(u * u + Math.cos(la1) * Math.cos(la2) * v * v));
      return dist <= meters();
    }

    static Geo parse(String attribute, String lon, String lat, String radius, String unit) {
      String u = unit.toLowerCase(java.util.Locale.ROOT);
      if (!u.equals("m") && !u.equals("km") && !u.equals("mi") && !u.equals("ft")) {
        throw dev.cairn.api.reply.RedisException.line("Invalid GeoFilter unit");
      }
      try {
        return new Geo(attribute, Double.parseDouble(lon), Double.parseDouble(lat), Double.parseDouble(radius), u);
      } catch (NumberFormatException e) {
        throw dev.cairn.api.reply.RedisException.line("Invalid GeoFilter lat/lon/radius");
      }
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append(String.format(java.util.Locale.ROOT, "GEO %s:{%f,%f --> %f %s}\n", attribute, lon, lat, radius,
          unit));
    }
  }

  /** {@code @f:{a | b*}}: documents with any of the tags (a trailing {@code *} is a prefix). */
  static final class Tag extends QueryNode {
    final String attribute;
    final List<String> values = new ArrayList<>();

    Tag(String attribute) {
      this.attribute = attribute;
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("TAG:@").append(attribute).append(" {\n");
      for (String v : values) {
        indent(sb, depth + 1);
        sb.append(v).append('\n');
      }
      indent(sb, depth);
      sb.append("}\n");
    }
  }

  /** {@code *}: every document. */
  static final class All extends QueryNode {
    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("<WILDCARD>\n");
    }
  }

  /** Matches nothing (a query made only of stop words). */
  static final class Empty extends QueryNode {
    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("<empty>\n");
    }
  }
}
