package dev.cairn.search;

import dev.cairn.api.keyspace.Database;
import dev.cairn.search.Reducers.Row;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An FT.AGGREGATE request as a chain of pull-based result processors (RediSearch's): Index (the matching doc ids, one
 * document at a time), Scorer, Loader, Grouper, Sorter, Projector (APPLY), Filter, Pager/Limiter. Rows are read from
 * the keyspace only when a processor pulls them, so a cursor reading COUNT rows at a time reads that many documents,
 * and the chain can stop half-way (a cursor kept for later, a timeout) without having loaded the rest. Each
 * processor counts its rows and time for FT.PROFILE.
 */
final class AggregatePipeline {
  /** A result processor. */
  abstract static class Proc {
    final String type;
    Proc upstream;
    long count;
    long nanos;

    Proc(String type) {
      this.type = type;
    }

    abstract Row pull();

    final Row next() {
      long t0 = System.nanoTime();
      Row r = pull();
      nanos += System.nanoTime() - t0;
      if (r != null) {
        count++;
      }
      return r;
    }
  }

  final SearchIndex idx;
  final AggregateRequest req;
  final List<Proc> procs = new ArrayList<>(); // from the index to the end
  private final Indexes indexes;
  private final Database db;
  private final Scorer scorer;
  private final QueryEval eval;
  /** Whether the scorer's leaf iterators must be built anew (each read: the index may have changed in between). */
  private boolean freshLeaves = true;
  private final QueryNode root;
  /** Rows read from the index in this chunk (or groups, once grouped): the reply's total. */
  long total;
  long deadline = Long.MAX_VALUE;
  boolean timedOut;

  AggregatePipeline(SearchIndex idx, AggregateRequest req, QueryNode root, QueryEval eval, QueryEval.Result result,
      Indexes indexes, Database db) {
    this.idx = idx;
    this.req = req;
    this.root = root;
    this.indexes = indexes;
    this.db = db;
    this.eval = eval;
    this.scorer = req.addScores ? new Scorer(idx, eval, req.scorer, null) : null;
    add(new IndexProc(result.docs));
    if (scorer != null) {
      add(new ScorerProc());
    }
    if (!req.implicitLoads.isEmpty()) {
      List<String[]> fields = new ArrayList<>();
      for (String p : req.implicitLoads) {
        fields.add(new String[] {p, p});
      }
      add(new LoaderProc(fields));
    }
    for (AggregateRequest.Step s : req.steps) {
      switch (s) {
        case AggregateRequest.Load l -> add(new LoaderProc(l.fields()));
        case AggregateRequest.Group g -> add(new GroupProc(g));
        case AggregateRequest.Sort so -> add(new SortProc(so));
        case AggregateRequest.Apply ap -> add(new ApplyProc(ap));
        case AggregateRequest.FilterStep f -> add(new FilterProc(f));
        case AggregateRequest.Limit l -> add(new PagerProc(l.offset(), l.num()));
      }
    }
  }

  private void add(Proc p) {
    p.upstream = procs.isEmpty() ? null : procs.get(procs.size() - 1);
    procs.add(p);
  }

  Proc end() {
    return procs.get(procs.size() - 1);
  }

  /** What one read of the chain gave: rows, and why it stopped. */
  static final class Chunk {
    final List<Row> rows = new ArrayList<>();
    /** The chain has nothing more (EOF, or an error). */
    boolean done;
    /** The evaluation error that ended the chain, if any. */
    String error;
    boolean timedOut;
    long total;
    /** FORMAT EXPAND over a JSON index: the loaded JSON values are written as RESP3 values. */
    boolean expand;
    IndexDefinition def;
  }

  /** Pulls up to {@code limit} rows, within the request's TIMEOUT (0: none) from now. */
  Chunk read(long limit) {
    Chunk c = new Chunk();
    c.expand = req.expand;
    c.def = idx.def;
    total = 0;
    timedOut = false;
    deadline = req.timeoutMs > 0 ? System.nanoTime() + req.timeoutMs * 1_000_000L : Long.MAX_VALUE;
    freshLeaves = true;
    try {
      while (c.rows.size() < limit) {
        Row r = end().next();
        if (r == null) {
          c.done = !timedOut;
          break;
        }
        c.rows.add(r);
      }
    } catch (Expr.EvalError e) {
      c.error = e.getMessage();
      c.done = true;
    }
    c.timedOut = timedOut;
    c.total = total;
    return c;
  }

  // ---- processors ----

  /** The documents that matched, in doc id order, skipping those deleted or expired since. */
  private final class IndexProc extends Proc {
    private final BitSet docs;
    private int at;
    private int visited;

    IndexProc(BitSet docs) {
      super("Index");
      this.docs = docs;
    }

    @Override
    Row pull() {
      while (true) {
        int d = docs.nextSetBit(at);
        if (d < 0) {
          return null;
        }
        if ((++visited & 127) == 0 && System.nanoTime() > deadline) {
          timedOut = true;
          return null;
        }
        at = d + 1;
        SearchIndex.Doc doc = idx.doc(d);
        if (doc == null || db.peekValue(doc.keyBytes()) == null) {
          continue;
        }
        total++;
        Row row = new Row(doc);
        for (Map.Entry<String, Map<Integer, Double>> y : eval.yields.entrySet()) {
          Double dist = y.getValue().get(d); // a KNN's or VECTOR_RANGE's distance is a field of the row
          if (dist != null) {
            row.values.put(y.getKey(), dist);
          }
        }
        return row;
      }
    }
  }

  private final class ScorerProc extends Proc {
    ScorerProc() {
      super("Scorer");
    }

    @Override
    Row pull() {
      Row r = upstream.next();
      if (r != null && r.doc != null) {
        if (freshLeaves) {
          // the scorer reads term leaves' cursors, which seek forward: rows come in doc id order within a read
          eval.iterator(root);
          freshLeaves = false;
        }
        r.score = scorer.score(root, r.doc, null);
        r.values.put("__score", r.score);
      }
      return r;
    }
  }

  /** LOAD: fields of the row's document (numbers for NUMERIC attributes), {@code __key}, or all of it. */
  private final class LoaderProc extends Proc {
    private final List<String[]> fields;

    LoaderProc(List<String[]> fields) {
      super("Loader");
      this.fields = fields;
    }

    @Override
    Row pull() {
      Row r = upstream.next();
      if (r == null || r.doc == null) {
        return r;
      }
      Map<String, String> doc = indexes.loadable(idx, db, r.doc.keyBytes(), req.valueDialect());
      if (fields == null) {
        if (doc != null) {
          for (Map.Entry<String, String> e : doc.entrySet()) {
            FieldSpec f = idx.def.byIdentifier(e.getKey());
            String v = e.getValue();
            if (req.expand && idx.def.onJson && e.getKey().equals("$")) {
              v = "[" + v + "]"; // the whole document is one match of $, as dialect 3 reads $
            }
            r.values.put(e.getKey(), typed(f, v));
          }
        }
        return r;
      }
      for (String[] f : fields) {
        if (f[0].equals("__key")) {
          r.values.put(f[1], r.doc.key());
          continue;
        }
        if (r.values.containsKey(f[1])) {
          continue;
        }
        FieldSpec spec = idx.def.field(f[0]);
        String id = spec == null ? f[0] : spec.identifier;
        String v = doc == null ? null : doc.get(id);
        if (v == null && idx.def.onJson && id.startsWith("$")) {
          v = indexes.value(idx, db, r.doc.keyBytes(), id, req.valueDialect());
        }
        if (v != null) {
          r.values.put(f[1], typed(spec, v));
        }
      }
      return r;
    }
  }

  /** A NUMERIC attribute's value is a number in the pipeline (RediSearch loads it typed). */
  static Object typed(FieldSpec f, String v) {
    if (f != null && f.type == FieldSpec.Type.NUMERIC) {
      Double d = AggValues.parseNumber(v);
      if (d != null) {
        return d;
      }
    }
    return v;
  }

  /** GROUPBY: consumes its input, then gives one row per group (an array value joins each of its elements' groups). */
  private final class GroupProc extends Proc {
    private final AggregateRequest.Group g;
    private java.util.Iterator<Row> out;

    GroupProc(AggregateRequest.Group g) {
      super("Grouper");
      this.g = g;
    }

    @Override
    Row pull() {
      if (out == null) {
        Map<List<String>, Object[]> groups = new LinkedHashMap<>(); // key -> {key values, accumulators}
        Row r;
        while ((r = upstream.next()) != null) {
          List<List<Object>> combos = new ArrayList<>();
          combos.add(new ArrayList<>());
          for (String k : g.keys()) {
            Object v = r.get(k);
            List<?> choices = v instanceof List<?> l && !l.isEmpty() ? l : java.util.Collections.singletonList(
                v instanceof List<?> ? null : v);
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> c : combos) {
              for (Object choice : choices) {
                List<Object> n = new ArrayList<>(c);
                n.add(choice);
                next.add(n);
              }
            }
            combos = next;
          }
          for (List<Object> combo : combos) {
            List<String> key = new ArrayList<>();
            for (Object o : combo) {
              key.add(o == null ? null : (o instanceof Double ? "#" : "$") + AggValues.str(o));
            }
            Object[] grp = groups.get(key);
            if (grp == null) {
              Reducers.Acc[] accs = new Reducers.Acc[g.reducers().size()];
              for (int i = 0; i < accs.length; i++) {
                accs[i] = g.reducers().get(i).newAcc();
              }
              grp = new Object[] {combo, accs};
              groups.put(key, grp);
            }
            for (Reducers.Acc acc : (Reducers.Acc[]) grp[1]) {
              acc.add(r);
            }
          }
        }
        List<Row> rows = new ArrayList<>(groups.size());
        for (Object[] grp : groups.values()) {
          Row row = new Row(null);
          @SuppressWarnings("unchecked")
          List<Object> keyValues = (List<Object>) grp[0];
          for (int i = 0; i < g.keys().size(); i++) {
            row.values.put(g.keys().get(i), keyValues.get(i));
          }
          Reducers.Acc[] accs = (Reducers.Acc[]) grp[1];
          for (int i = 0; i < accs.length; i++) {
            row.values.put(g.reducers().get(i).alias, accs[i].result());
          }
          rows.add(row);
        }
        total = rows.size();
        out = rows.iterator();
      }
      return out.hasNext() ? out.next() : null;
    }
  }

  /** SORTBY: consumes its input and gives it sorted (missing values last), keeping the first MAX when given. */
  private final class SortProc extends Proc {
    private final AggregateRequest.Sort s;
    private java.util.Iterator<Row> out;

    SortProc(AggregateRequest.Sort s) {
      super("Sorter");
      this.s = s;
    }

    @Override
    Row pull() {
      if (out == null) {
        List<Row> rows = new ArrayList<>();
        Row r;
        while ((r = upstream.next()) != null) {
          rows.add(r);
        }
        if (!s.keys().isEmpty()) {
          rows.sort(comparator(s.keys(), s.ascending()));
        }
        int from = (int) Math.min(s.offset(), rows.size());
        int to = s.max() > 0 || s.offset() > 0 ? (int) Math.min(rows.size(), from + (s.max() > 0 ? s.max()
            : rows.size())) : rows.size();
        rows = new ArrayList<>(rows.subList(from, to));
        out = rows.iterator();
      }
      return out.hasNext() ? out.next() : null;
    }
  }

  static Comparator<Row> comparator(List<String> keys, boolean[] asc) {
    return (x, y) -> {
      for (int i = 0; i < keys.size(); i++) {
        Object vx = x.get(keys.get(i));
        Object vy = y.get(keys.get(i));
        if (vx == null || vy == null) {
          if (vx != vy) {
            return vx == null ? 1 : -1;
          }
          continue;
        }
        int c = AggValues.compare(vx, vy);
        if (c != 0) {
          return asc[i] ? c : -c;
        }
      }
      return 0;
    };
  }

  /** What an expression sees of a row. */
  private static Expr.Env env(Row r, SearchIndex idx, QueryNode root) {
    return new Expr.Env() {
      @Override
      public Object get(String name) {
        if (r.values.containsKey(name)) {
          return r.values.get(name);
        }
        return Expr.MISSING;
      }

      @Override
      public List<String> matchedTerms() {
        return r.doc == null ? List.of() : MatchedTerms.of(root, idx, r.doc);
      }
    };
  }

  private final class ApplyProc extends Proc {
    private final AggregateRequest.Apply a;

    ApplyProc(AggregateRequest.Apply a) {
      super("Projector - " + a.expr().label());
      this.a = a;
    }

    @Override
    Row pull() {
      Row r = upstream.next();
      if (r != null) {
        r.values.put(a.alias(), a.expr().eval(env(r, idx, root)));
      }
      return r;
    }
  }

  private final class FilterProc extends Proc {
    private final AggregateRequest.FilterStep f;

    FilterProc(AggregateRequest.FilterStep f) {
      super("Filter - " + f.expr().label());
      this.f = f;
    }

    @Override
    Row pull() {
      Row r;
      while ((r = upstream.next()) != null) {
        if (AggValues.truthy(f.expr().eval(env(r, idx, root)))) {
          return r;
        }
      }
      return null;
    }
  }

  private static final class PagerProc extends Proc {
    private final long offset;
    private final long num;
    private long skipped;
    private long given;

    PagerProc(long offset, long num) {
      super("Pager/Limiter");
      this.offset = offset;
      this.num = num;
    }

    @Override
    Row pull() {
      if (given >= num) {
        return null;
      }
      Row r;
      while ((r = upstream.next()) != null && skipped < offset) {
        skipped++;
      }
      if (r != null) {
        given++;
      }
      return r;
    }
  }

  /** The query terms a document matched (matched_terms()): each term of the query found in its postings. */
  static final class MatchedTerms {
    private MatchedTerms() {
    }

    static List<String> of(QueryNode root, SearchIndex idx, SearchIndex.Doc doc) {
      List<String> out = new ArrayList<>();
      collect(root, idx, doc, out);
      return out;
    }

    /** Whether {@code word}'s postings hold {@code doc} (a cursor advanced to it, over the skip table). */
    private static boolean has(SearchIndex idx, String word, int doc) {
      PostingList p = idx.terms.get(word);
      return p != null && p.cursor().advance(doc) == doc;
    }

    private static void collect(QueryNode n, SearchIndex idx, SearchIndex.Doc doc, List<String> out) {
      switch (n) {
        case QueryNode.Term t -> {
          String stem = idx.analyzer.stem(t.word);
          if ((has(idx, t.word, doc.id) || has(idx, "+" + t.word, doc.id)
              || stem != null && has(idx, "+" + stem, doc.id))
              && !out.contains(t.word)) {
            out.add(t.word);
          }
        }
        case QueryNode.Intersect in -> in.children.forEach(c -> collect(c, idx, doc, out));
        case QueryNode.Union u -> u.children.forEach(c -> collect(c, idx, doc, out));
        case QueryNode.Optional o -> collect(o.child, idx, doc, out);
        default -> { }
      }
    }
  }
}
