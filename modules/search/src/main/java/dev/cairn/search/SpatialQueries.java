package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;

/**
 * Vector and shape queries, kept apart from the text query core: the nodes ({@code *=>[KNN k @v $blob]},
 * {@code @v:[VECTOR_RANGE r $blob]}, {@code @s:[WITHIN $shape]}), their parsing rules and errors (RediSearch 2.10's),
 * and their evaluation into {@link Hits}: doc ids with distances, which {@link QueryEval} attaches at one point.
 */
final class SpatialQueries {
  private SpatialQueries() { }

  static final String PARAMS_ERROR = "Error parsing vector similarity parameters: ";

  /** Matching doc ids, and (vector queries) each one's distance. */
  record Hits(BitSet docs, Map<Integer, Double> distances) { }

  /** A vector query node: the field, the query vector and the attributes both kinds share. */
  abstract static class VectorNode extends QueryNode {
    String attribute;
    double[] vector;
    String blobName;
    /** The distance's name in results ({@code AS}, {@code $YIELD_DISTANCE_AS}); null: not returned. */
    String yieldAs;
    Integer efRuntime;
    Double epsilon;
    /** HYBRID_POLICY: true ADHOC_BF (scan the filtered docs), false BATCHES (walk the graph), null: heuristic. */
    Boolean bruteForce;
    Integer batchSize;
    final Set<String> given = new HashSet<>();
    /** Set when the field is not a VECTOR field (RediSearch answers no results). */
    boolean noField;

    VectorParams params(IndexDefinition def) {
      FieldSpec f = attribute == null ? null : def.field(attribute);
      return f == null || f.type != FieldSpec.Type.VECTOR ? null : f.vector;
    }
  }

  /** {@code filter=>[KNN k @v $blob ...]}: the k nearest documents among the filter's ({@code *}: all). */
  static final class Knn extends VectorNode {
    QueryNode filter;
    int k;

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      String what = "K=" + k + " nearest vectors to `$" + blobName + "` in vector index associated with field @"
          + attribute + (yieldAs == null ? "" : ", yields distance as `" + yieldAs + "`");
      if (filter == null || filter instanceof QueryNode.All) {
        sb.append("VECTOR {").append(what).append("}\n");
        return;
      }
      sb.append("VECTOR {\n");
      filter.explain(sb, depth + 1, idx);
      indent(sb, depth);
      sb.append("} => {").append(what).append("}\n");
    }
  }

  /** {@code @v:[VECTOR_RANGE r $blob]}: the documents within distance r. */
  static final class Range extends VectorNode {
    double radius;

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("VECTOR {Vectors that are within ").append(SearchCommands.fmt(radius))
          .append(" distance radius from `$").append(blobName).append("` in vector index associated with field @")
          .append(attribute).append(yieldAs == null ? "" : ", yields distance as `" + yieldAs + "`").append("}\n");
    }
  }

  /** {@code @s:[WITHIN|CONTAINS|INTERSECTS|DISJOINT $shape]}. */
  static final class Shape extends QueryNode {
    final String attribute;
    final ShapeStore.Predicate predicate;
    final Geometry shape;

    Shape(String attribute, ShapeStore.Predicate predicate, Geometry shape) {
      this.attribute = attribute;
      this.predicate = predicate;
      this.shape = shape;
    }

    @Override
    void explain(StringBuilder sb, int depth, SearchIndex idx) {
      indent(sb, depth);
      sb.append("GEOSHAPE{").append(predicate.name()).append(' ').append(shape.toText()).append("}\n");
    }
  }

  // ---- parsing (QueryParser hands over the bracket's words) ----

  /** A parameter's bytes: the raw argument when there is one (a blob is not text). */
  static byte[] blob(String name, Map<String, String> params, Map<String, byte[]> raw) {
    byte[] b = raw == null ? null : raw.get(name);
    if (b != null) {
      return b;
    }
    String s = params.get(name);
    if (s == null) {
      throw RedisException.line("No such parameter `" + name + "`");
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String param(String word, Map<String, String> params) {
    if (word.startsWith("$")) {
      String v = params.get(word.substring(1));
      if (v == null) {
        throw RedisException.line("No such parameter `" + word.substring(1) + "`");
      }
      return v;
    }
    return word;
  }

  /** Reads the query vector named {@code $name} for the node's field (sizes checked as RediSearch does). */
  private static void queryVector(VectorNode n, String word, IndexDefinition def, Map<String, String> params,
      Map<String, byte[]> raw, RedisException syntax) {
    if (!word.startsWith("$") || word.length() == 1) {
      throw syntax;
    }
    n.blobName = word.substring(1);
    byte[] b = blob(n.blobName, params, raw);
    VectorParams p = n.params(def);
    if (p == null) {
      n.noField = true;
      return;
    }
    if (b.length != p.blobSize()) {
      throw RedisException.line("Error parsing vector similarity query: query vector blob size (" + b.length
          + ") does not match index's expected size (" + p.blobSize() + ").");
    }
    n.vector = p.decode(b);
  }

  /** The words inside {@code [KNN ...]}. */
  static Knn knn(List<String> words, QueryNode filter, IndexDefinition def, Map<String, String> params,
      Map<String, byte[]> raw, RedisException syntax) {
    if (words.size() < 3 || !words.get(0).equalsIgnoreCase("KNN")) {
      throw syntax;
    }
    Knn n = new Knn();
    n.filter = filter;
    try {
      long k = Long.parseLong(param(words.get(1), params));
      if (k < 0) {
        throw syntax;
      }
      n.k = (int) Math.min(k, Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      throw syntax;
    }
    String field = words.get(2);
    if (!field.startsWith("@") || field.length() == 1 || words.size() < 4) {
      throw syntax;
    }
    n.attribute = field.substring(1);
    FieldSpec f = def.field(n.attribute);
    if (f != null) {
      n.attribute = f.attribute;
    }
    queryVector(n, words.get(3), def, params, raw, syntax);
    for (int i = 4; i < words.size(); i += 2) {
      String w = words.get(i);
      if (w.equalsIgnoreCase("AS")) {
        if (i + 1 >= words.size()) {
          throw syntax;
        }
        yieldAs(n, param(words.get(i + 1), params), def);
        continue;
      }
      if (i + 1 >= words.size()) {
        throw syntax;
      }
      attribute(n, w, param(words.get(i + 1), params), def);
    }
    return n;
  }

  /** {@code [VECTOR_RANGE radius $blob]} after {@code @field:}. */
  static Range range(String attribute, List<String> words, IndexDefinition def, Map<String, String> params,
      Map<String, byte[]> raw, RedisException syntax) {
    if (words.size() != 3 || !words.get(0).equalsIgnoreCase("VECTOR_RANGE")) {
      throw syntax;
    }
    Range n = new Range();
    n.attribute = attribute;
    String r = param(words.get(1), params);
    try {
      n.radius = Double.parseDouble(r);
    } catch (NumberFormatException e) {
      throw syntax;
    }
    if (n.radius < 0) {
      throw RedisException.line("Error parsing vector similarity query: negative radius (" + r
          + ") given in a range query");
    }
    queryVector(n, words.get(2), def, params, raw, syntax);
    return n;
  }

  /** {@code [PREDICATE $shape]} after a GEOSHAPE field's {@code @field:}. */
  static Shape shape(FieldSpec f, List<String> words, Map<String, String> params, RedisException syntax) {
    if (words.size() != 2 || !words.get(1).startsWith("$") || words.get(1).length() == 1) {
      throw syntax;
    }
    ShapeStore.Predicate p;
    try {
      p = ShapeStore.Predicate.valueOf(words.get(0).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw syntax;
    }
    String wkt = param(words.get(1), params);
    return new Shape(f.attribute, p, ShapeStore.queryShape(wkt, f.flatShape));
  }

  private static void yieldAs(VectorNode n, String name, IndexDefinition def) {
    if (n.yieldAs != null) {
      throw RedisException.line("Distance field was specified twice for vector query: " + n.yieldAs + " and "
          + name);
    }
    if (def.field(name) != null) {
      throw RedisException.line("Property `" + name + "` already exists in schema");
    }
    n.yieldAs = name;
  }

  /**
   * A vector query attribute, from inside {@code [KNN ...]} ({@code NAME value}) or from {@code =>{$name: value}}
   * ({@code $name}); false when a {@code $name} is not one (the generic attributes take it).
   */
  static boolean attribute(VectorNode n, String name, String value, IndexDefinition def) {
    boolean braces = name.startsWith("$");
    String key = (braces ? name.substring(1) : name).toUpperCase(Locale.ROOT);
    if (braces && key.equals("YIELD_DISTANCE_AS")) {
      yieldAs(n, value, def);
      return true;
    }
    if (!Set.of("EF_RUNTIME", "EPSILON", "HYBRID_POLICY", "BATCH_SIZE").contains(key)) {
      if (braces) {
        return false;
      }
      throw RedisException.line(PARAMS_ERROR + "Invalid option");
    }
    if (!n.given.add(key)) {
      throw RedisException.line(PARAMS_ERROR + "Parameter was specified twice");
    }
    VectorParams p = n.params(def);
    boolean range = n instanceof Range;
    boolean hybrid = n instanceof Knn k && k.filter != null && !(k.filter instanceof QueryNode.All);
    switch (key) {
      case "EF_RUNTIME" -> {
        if (range || p != null && !p.hnsw) {
          throw RedisException.line(PARAMS_ERROR + "Invalid option");
        }
        n.efRuntime = positiveInt(value);
      }
      case "EPSILON" -> {
        if (!range) {
          throw RedisException.line(PARAMS_ERROR + "range query attributes were sent for a non-range query");
        }
        if (p != null && !p.hnsw) {
          throw RedisException.line(PARAMS_ERROR + "Invalid option");
        }
        try {
          n.epsilon = Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw RedisException.line(PARAMS_ERROR + "Invalid value was given");
        }
        if (!(n.epsilon > 0)) {
          throw RedisException.line(PARAMS_ERROR + "Invalid value was given");
        }
      }
      default -> { // HYBRID_POLICY, BATCH_SIZE
        if (!hybrid) {
          throw RedisException.line(PARAMS_ERROR + "hybrid query attributes were sent for a non-hybrid query");
        }
        if (key.equals("BATCH_SIZE")) {
          n.batchSize = positiveInt(value);
        } else if (value.equalsIgnoreCase("ADHOC_BF")) {
          n.bruteForce = true;
        } else if (value.equalsIgnoreCase("BATCHES")) {
          n.bruteForce = false;
        } else {
          throw RedisException.line(PARAMS_ERROR + "invalid hybrid policy was given");
        }
        if (Boolean.TRUE.equals(n.bruteForce) && n.batchSize != null) {
          throw RedisException.line(PARAMS_ERROR + "'batch size' is irrelevant for 'ADHOC_BF' policy");
        }
        if (Boolean.TRUE.equals(n.bruteForce) && n.efRuntime != null) {
          throw RedisException.line(PARAMS_ERROR + "'EF_RUNTIME' is irrelevant for 'ADHOC_BF' policy");
        }
      }
    }
    return true;
  }

  private static int positiveInt(String v) {
    try {
      long n = Long.parseLong(v);
      if (n <= 0 || n > Integer.MAX_VALUE) {
        throw RedisException.line(PARAMS_ERROR + "Invalid value was given");
      }
      return (int) n;
    } catch (NumberFormatException e) {
      throw RedisException.line(PARAMS_ERROR + "Invalid value was given");
    }
  }

  /** The default name of a KNN's distance: {@code __<field>_score}. */
  static String defaultYield(Knn n) {
    return "__" + n.attribute + "_score";
  }

  // ---- evaluation ----

  /** The k nearest documents among {@code filter}'s (null: all). */
  static Hits knn(SearchIndex idx, Knn n, BitSet filter) {
    VectorStore s = n.noField ? null : idx.vectors.get(n.attribute);
    Map<Integer, Double> dist = new LinkedHashMap<>();
    BitSet docs = new BitSet();
    if (s != null) {
      int ef = n.efRuntime != null ? n.efRuntime : s.params.efRuntime;
      for (VectorStore.Hit h : s.knn(n.vector, n.k, ef, filter, n.bruteForce)) {
        docs.set(h.doc());
        dist.put(h.doc(), h.distance());
      }
    }
    return new Hits(docs, dist);
  }

  static Hits range(SearchIndex idx, Range n) {
    VectorStore s = n.noField ? null : idx.vectors.get(n.attribute);
    Map<Integer, Double> dist = s == null ? new HashMap<>() : s.range(n.vector, n.radius, null);
    BitSet docs = new BitSet();
    dist.keySet().forEach(docs::set);
    return new Hits(docs, dist);
  }

  static Hits shape(SearchIndex idx, Shape n) {
    ShapeStore s = idx.shapes.get(n.attribute);
    return new Hits(s == null ? new BitSet() : s.query(n.predicate, n.shape), Map.of());
  }

  /** RediSearch's text for a number in a result's fields ({@code %.12g}, C's trailing zeros dropped). */
  static String distanceText(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e12) {
      return Long.toString((long) d);
    }
    String s = String.format(Locale.ROOT, "%.12g", d);
    int e = s.indexOf('e');
    String mant = e < 0 ? s : s.substring(0, e);
    String exp = e < 0 ? "" : s.substring(e);
    if (mant.contains(".")) {
      mant = mant.replaceAll("0+$", "");
      if (mant.endsWith(".")) {
        mant = mant.substring(0, mant.length() - 1);
      }
    }
    if (!exp.isEmpty()) { // C prints at least two exponent digits: e-05
      char sign = exp.charAt(1);
      String digits = exp.substring(2).replaceFirst("^0+(?=\\d\\d)", "");
      exp = "e" + sign + (digits.length() < 2 ? "0" + digits : digits);
    }
    return mant + exp;
  }
}
