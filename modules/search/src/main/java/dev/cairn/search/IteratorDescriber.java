package dev.cairn.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link IteratorProfile} for {@link QueryEval}: each query node as the iterator RediSearch would run for it (a term a
 * TEXT reader, or a UNION of its expansions; a prefix, fuzzy or wildcard term a UNION of the terms it expanded to; a
 * tag a TAG reader per value; a numeric range a NUMERIC reader; {@code *} WILDCARD), with the counts its iterator
 * made while the query ran ({@link CountedIterator}: the documents it stopped at, the time its calls took).
 */
final class IteratorDescriber {
  private final QueryEval eval;
  private final SearchIndex idx;

  IteratorDescriber(QueryEval eval, SearchIndex idx) {
    this.eval = eval;
    this.idx = idx;
  }

  IteratorProfile.Node describe(QueryNode n) {
    CountedIterator.Stats stats = eval.stats(n);
    long counter = stats == null ? 0 : stats.counter;
    double ms = stats == null ? 0 : stats.nanos / 1e6;
    long[] parts = stats == null ? null : stats.parts;
    return switch (n) {
      case QueryNode.Term t -> union("UNION", null, readers(eval.expansions(t), parts), counter, ms, true);
      case QueryNode.Pattern p -> union("UNION", (p.kind.equals("PREFIX") ? "PREFIX - "
          + p.pattern.substring(0, p.pattern.length() - 1) : "WILDCARD - " + p.pattern),
          readers(eval.expansions(p), parts), counter, ms, false);
      case QueryNode.Fuzzy f -> union("UNION", "FUZZY - " + f.word, readers(eval.expansions(f), parts), counter, ms,
          false);
      case QueryNode.Intersect in -> new IteratorProfile.Node("INTERSECT", null, null, counter, -1, ms,
          children(in.children), false);
      case QueryNode.Union u -> new IteratorProfile.Node("UNION", null, "UNION", counter, -1, ms,
          children(u.children), false);
      case QueryNode.Not x -> new IteratorProfile.Node("NOT", null, null, counter, -1, ms,
          List.of(describe(x.child)), true);
      case QueryNode.Optional x -> new IteratorProfile.Node("OPTIONAL", null, null, counter, -1, ms,
          List.of(describe(x.child)), true);
      case QueryNode.Numeric num -> numeric(num, counter, ms);
      case QueryNode.Geo g -> new IteratorProfile.Node("GEO", AggValues.format(g.lon) + "," + AggValues.format(g.lat)
          + " - " + AggValues.format(g.radius) + " " + g.unit, null, counter, counter, ms, List.of(), false);
      case QueryNode.Tag tag -> tag(tag, parts, counter, ms);
      case QueryNode.All a -> new IteratorProfile.Node("WILDCARD", null, null, counter, -1, ms, List.of(), false);
      case QueryNode.Empty e -> new IteratorProfile.Node("EMPTY", null, null, 0, -1, ms, List.of(), false);
      default -> new IteratorProfile.Node(n.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT), null,
          null, counter, -1, ms, List.of(), false);
    };
  }

  private List<IteratorProfile.Node> children(List<QueryNode> nodes) {
    List<IteratorProfile.Node> out = new ArrayList<>();
    for (QueryNode c : nodes) {
      out.add(describe(c));
    }
    return out;
  }

  /** A TEXT reader per expansion the index holds, with the documents its cursor stopped at ({@code reads}). */
  private List<IteratorProfile.Node> readers(List<String> words, long[] reads) {
    List<IteratorProfile.Node> out = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      PostingList postings = idx.terms.get(words.get(i));
      if (postings == null) {
        continue;
      }
      long given = reads != null && i < reads.length ? reads[i] : 0;
      out.add(new IteratorProfile.Node("TEXT", words.get(i), null, given, postings.size(), 0, List.of(), false));
    }
    return out;
  }

  /** One reader shows as itself, none as EMPTY, several as a UNION (of a term's expansions, or a pattern's). */
  private static IteratorProfile.Node union(String type, String queryType, List<IteratorProfile.Node> readers,
      long counter, double ms, boolean collapse) {
    if (collapse && readers.size() == 1) {
      IteratorProfile.Node r = readers.get(0);
      return new IteratorProfile.Node(r.type(), r.term(), null, counter, r.size(), ms, List.of(), false);
    }
    if (readers.isEmpty() && collapse) {
      return new IteratorProfile.Node("EMPTY", null, null, 0, -1, ms, List.of(), false);
    }
    return new IteratorProfile.Node(type, null, queryType == null ? "UNION" : queryType, counter, -1, ms, readers,
        false);
  }

  /** The values {@link QueryEval}'s tag iterator read, in its order, each with the documents it stopped at. */
  private IteratorProfile.Node tag(QueryNode.Tag t, long[] reads, long counter, double ms) {
    java.util.TreeMap<String, DocIdSet> values = idx.tags.get(t.attribute);
    List<IteratorProfile.Node> readers = new ArrayList<>();
    if (values != null) {
      for (String v : t.values) {
        if (v.endsWith("*") && v.length() > 1) {
          String pre = v.substring(0, v.length() - 1);
          for (Map.Entry<String, DocIdSet> e : values.tailMap(pre).entrySet()) {
            if (!e.getKey().startsWith(pre)) {
              break;
            }
            readers.add(tagReader(e.getKey(), e.getValue(), reads, readers.size()));
          }
        } else if (values.get(v) != null) {
          readers.add(tagReader(v, values.get(v), reads, readers.size()));
        }
      }
    }
    if (readers.size() == 1 && t.values.size() == 1 && !t.values.get(0).endsWith("*")) {
      IteratorProfile.Node r = readers.get(0);
      return new IteratorProfile.Node("TAG", r.term(), null, counter, r.size(), ms, List.of(), false);
    }
    if (readers.isEmpty()) {
      return new IteratorProfile.Node("EMPTY", null, null, 0, -1, ms, List.of(), false);
    }
    return new IteratorProfile.Node("UNION", null, "TAG", counter, -1, ms, readers, false);
  }

  private static IteratorProfile.Node tagReader(String value, DocIdSet set, long[] reads, int i) {
    long given = reads != null && i < reads.length ? reads[i] : 0;
    return new IteratorProfile.Node("TAG", value, null, given, set.size(), 0, List.of(), false);
  }

  /** A numeric reader: its term the lowest and highest value in the range it read, its size the entries there. */
  private IteratorProfile.Node numeric(QueryNode.Numeric num, long counter, double ms) {
    NumericIndex ni = idx.ranges.get(num.attribute);
    int[] ids = ni == null ? new int[0] : ni.range(num);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int d : ids) {
      double v = idx.numeric(num.attribute, d);
      if (!Double.isNaN(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 0;
    }
    return new IteratorProfile.Node("NUMERIC", AggValues.format(lo) + " - " + AggValues.format(hi), null, counter,
        ids.length, ms, List.of(), false);
  }
}
