package dev.cairn.graph;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The graph as a module type. Layout, encoding version 3 (version 2 ends before the full-text indexes, version 1
 * before the constraints):
 *
 * <pre>
 * graph   := names(labels) names(types) names(keys)
 *            unsigned(nodes) node{nodes} unsigned(edges) edge{edges} unsigned(indexes) (unsigned(label) unsigned(key)){indexes}
 *            unsigned(constraints) constraint{constraints}
 *            unsigned(fulltext) fulltext{fulltext} unsigned(edgeIndexes) (unsigned(type) unsigned(key)){edgeIndexes}
 * fulltext := unsigned(label) string(language) unsigned(0 | 1 + stopwords) string{stopwords}
 *            unsigned(fields) (unsigned(key) double(weight) unsigned(nostem) unsigned(0 | 1) string(phonetic)?){fields}
 * constraint := unsigned(flags: 1 unique, 2 node, 4 failed) unsigned(label or type) unsigned(n) unsigned(key){n}
 * names   := unsigned(n) string{n}                      ids are positions: dense from 0 in creation order
 * node    := unsigned(id) unsigned(labels) unsigned(label){labels} props
 * edge    := unsigned(id) unsigned(src) unsigned(dst) unsigned(type) props
 * props   := unsigned(n) (unsigned(key) value){n}
 * value   := unsigned(1) string | unsigned(2) signed | unsigned(3) double | unsigned(4) unsigned(0|1)
 *          | unsigned(5) unsigned(n) value{n}           list
 *          | unsigned(6) unsigned(kind) string          temporal: kind 0 DateTime .. 4 LocalTime, ISO text
 *          | unsigned(7) signed{4}                       duration: months, days, seconds, nanoseconds
 *          | unsigned(8) double double                   point: latitude, longitude
 * </pre>
 *
 * Entity ids are kept (clients cache them), holes included.
 */
public final class GraphType implements DataType<Graph> {
  // RedisGraph's type name, so TYPE answers as it did; the layout is Cairn's own (encoding version 2; 1 is read)
  public static final TypeId ID = TypeId.of("graphdata", 3);
  public static final GraphType INSTANCE = new GraphType();

  private GraphType() {}

  @Override
  public TypeId id() {
    return ID;
  }

  @Override
  public Class<Graph> valueClass() {
    return Graph.class;
  }

  @Override
  public void rdbSave(RdbOutput out, Graph g) throws IOException {
    names(out, g.labels);
    names(out, g.types);
    names(out, g.keys);
    out.writeUnsigned(g.nodeCount());
    BitSet nodes = g.nodesAlive();
    for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
      out.writeUnsigned(n);
      int[] ls = g.labels(n);
      out.writeUnsigned(ls.length);
      for (int l : ls) {
        out.writeUnsigned(l);
      }
      props(out, g.props(true, n));
    }
    out.writeUnsigned(g.edgeCount());
    BitSet edges = g.edgesAlive();
    for (int e = edges.nextSetBit(0); e >= 0; e = edges.nextSetBit(e + 1)) {
      out.writeUnsigned(e);
      out.writeUnsigned(g.src(e));
      out.writeUnsigned(g.dst(e));
      out.writeUnsigned(g.type(e));
      props(out, g.props(false, e));
    }
    List<int[]> idx = new ArrayList<>();
    g.indexes.forEach((l, byKey) -> byKey.keySet().forEach(k -> idx.add(new int[] {l, k})));
    out.writeUnsigned(idx.size());
    for (int[] i : idx) {
      out.writeUnsigned(i[0]);
      out.writeUnsigned(i[1]);
    }
    out.writeUnsigned(g.constraints.size());
    for (Constraints.Constraint con : g.constraints) {
      out.writeUnsigned((con.unique() ? 1 : 0) | (con.node() ? 2 : 0) | (con.failed() ? 4 : 0));
      out.writeUnsigned(con.schema());
      out.writeUnsigned(con.keys().length);
      for (int k : con.keys()) {
        out.writeUnsigned(k);
      }
    }
    out.writeUnsigned(g.fulltext.size());
    for (FullText.Index f : g.fulltext.values()) {
      out.writeUnsigned(f.label);
      out.writeString(f.language);
      out.writeUnsigned(f.stopwords == null ? 0 : 1 + f.stopwords.size());
      for (String w : f.stopwords == null ? List.<String>of() : f.stopwords) {
        out.writeString(w);
      }
      out.writeUnsigned(f.fields.size());
      for (FullText.FieldDef d : f.fields) {
        out.writeUnsigned(d.key());
        out.writeDouble(d.weight());
        out.writeUnsigned(d.nostem() ? 1 : 0);
        out.writeUnsigned(d.phonetic() == null ? 0 : 1);
        if (d.phonetic() != null) {
          out.writeString(d.phonetic());
        }
      }
    }
    List<int[]> eidx = new ArrayList<>();
    g.edgeIndexes.forEach((t, byKey) -> byKey.keySet().forEach(k -> eidx.add(new int[] {t, k})));
    out.writeUnsigned(eidx.size());
    for (int[] i : eidx) {
      out.writeUnsigned(i[0]);
      out.writeUnsigned(i[1]);
    }
  }

  private static void names(RdbOutput out, Graph.Names names) throws IOException {
    out.writeUnsigned(names.size());
    for (String s : names.all()) {
      out.writeString(s);
    }
  }

  private static void props(RdbOutput out, Object[] p) throws IOException {
    out.writeUnsigned(p.length / 2);
    for (int i = 0; i < p.length; i += 2) {
      out.writeUnsigned((Integer) p[i]);
      value(out, p[i + 1]);
    }
  }

  private static void value(RdbOutput out, Object v) throws IOException {
    if (v instanceof String s) {
      out.writeUnsigned(1);
      out.writeString(s);
    } else if (v instanceof Long l) {
      out.writeUnsigned(2);
      out.writeSigned(l);
    } else if (v instanceof Double d) {
      out.writeUnsigned(3);
      out.writeDouble(d);
    } else if (v instanceof Boolean b) {
      out.writeUnsigned(4);
      out.writeUnsigned(b ? 1 : 0);
    } else if (v instanceof List<?> l) {
      out.writeUnsigned(5);
      out.writeUnsigned(l.size());
      for (Object o : l) {
        value(out, o);
      }
    } else if (v instanceof Temporal.Dur d) {
      out.writeUnsigned(7);
      out.writeSigned(d.months());
      out.writeSigned(d.days());
      out.writeSigned(d.seconds());
      out.writeSigned(d.nanos());
    } else if (v instanceof Point p) {
      out.writeUnsigned(8);
      out.writeDouble(p.latitude());
      out.writeDouble(p.longitude());
    } else if (Temporal.isTemporal(v)) {
      out.writeUnsigned(6);
      out.writeUnsigned(Temporal.rank(v));
      out.writeString(v.toString());
    } else {
      throw new IOException("unstorable property value " + v);
    }
  }

  @Override
  public Graph rdbLoad(RdbInput in, int encver) throws IOException {
    if (encver < 1 || encver > 3) {
      throw RdbFormatException.unsupported(ID, encver);
    }
    Graph g = new Graph();
    loadNames(in, g.labels);
    loadNames(in, g.types);
    loadNames(in, g.keys);
    long nodes = in.readUnsigned();
    BitSet liveNodes = new BitSet();
    for (long i = 0; i < nodes; i++) {
      int id = checkedId(in.readUnsigned(), Integer.MAX_VALUE - 1);
      g.loadNode(id);
      liveNodes.set(id);
      long nl = in.readUnsigned();
      for (long k = 0; k < nl; k++) {
        g.addLabel(id, checkedId(in.readUnsigned(), g.labels.size() - 1));
      }
      g.setNodeProps(id, loadProps(in, g));
    }
    long edges = in.readUnsigned();
    BitSet liveEdges = new BitSet();
    for (long i = 0; i < edges; i++) {
      int id = checkedId(in.readUnsigned(), Integer.MAX_VALUE - 1);
      int src = checkedId(in.readUnsigned(), g.nodeHigh() - 1);
      int dst = checkedId(in.readUnsigned(), g.nodeHigh() - 1);
      int type = checkedId(in.readUnsigned(), g.types.size() - 1);
      if (!liveNodes.get(src) || !liveNodes.get(dst) || liveEdges.get(id) || id < g.edgeHigh()) {
        throw new RdbFormatException("bad graph edge");
      }
      g.loadEdge(id, src, dst, type, loadProps(in, g));
      liveEdges.set(id);
    }
    g.endLoad(liveNodes, liveEdges);
    long idx = in.readUnsigned();
    for (long i = 0; i < idx; i++) {
      g.createIndex(checkedId(in.readUnsigned(), g.labels.size() - 1), checkedId(in.readUnsigned(),
          g.keys.size() - 1));
    }
    long cons = encver >= 2 ? in.readUnsigned() : 0;
    for (long i = 0; i < cons; i++) {
      long flags = in.readUnsigned();
      boolean node = (flags & 2) != 0;
      int schema = checkedId(in.readUnsigned(), (node ? g.labels : g.types).size() - 1);
      long n = in.readUnsigned();
      if (n < 1 || n > 255) {
        throw new RdbFormatException("bad graph constraint");
      }
      int[] keys = new int[(int) n];
      for (int k = 0; k < n; k++) {
        keys[k] = checkedId(in.readUnsigned(), g.keys.size() - 1);
      }
      g.constraints.add(new Constraints.Constraint((flags & 1) != 0, node, schema, keys, (flags & 4) != 0));
    }
    long fts = encver >= 3 ? in.readUnsigned() : 0;
    for (long i = 0; i < fts; i++) {
      int label = checkedId(in.readUnsigned(), g.labels.size() - 1);
      String language = in.readString();
      long sw = in.readUnsigned();
      if (!FullText.LANGUAGES.containsKey(language) || sw > 1_000_000 || g.fulltext.containsKey(label)) {
        throw new RdbFormatException("bad graph full-text index");
      }
      List<String> stopwords = sw == 0 ? null : new ArrayList<>();
      for (long k = 1; k < sw; k++) {
        stopwords.add(in.readString());
      }
      FullText.Index f = new FullText.Index(label, language, stopwords);
      long n = in.readUnsigned();
      for (long k = 0; k < n; k++) {
        int key = checkedId(in.readUnsigned(), g.keys.size() - 1);
        double weight = in.readDouble();
        boolean nostem = in.readUnsigned() != 0;
        String phonetic = in.readUnsigned() != 0 ? in.readString() : null;
        f.fields.add(new FullText.FieldDef(key, weight, nostem, phonetic));
      }
      g.fulltext.put(label, f); // built at its first query
    }
    long eidx = encver >= 3 ? in.readUnsigned() : 0;
    for (long i = 0; i < eidx; i++) {
      g.createEdgeIndex(checkedId(in.readUnsigned(), g.types.size() - 1), checkedId(in.readUnsigned(),
          g.keys.size() - 1));
    }
    return g;
  }

  private static int checkedId(long v, int max) throws RdbFormatException {
    if (v < 0 || v > max) {
      throw new RdbFormatException("bad graph id " + v);
    }
    return (int) v;
  }

  private static void loadNames(RdbInput in, Graph.Names names) throws IOException {
    long n = in.readUnsigned();
    for (long i = 0; i < n; i++) {
      names.intern(in.readString());
    }
    if (names.size() != n) {
      throw new RdbFormatException("duplicate graph name");
    }
  }

  private static Object[] loadProps(RdbInput in, Graph g) throws IOException {
    long n = in.readUnsigned();
    if (n > 1_000_000) {
      throw new RdbFormatException("bad property count");
    }
    Object[] p = new Object[(int) n * 2];
    for (int i = 0; i < n; i++) {
      p[2 * i] = checkedId(in.readUnsigned(), g.keys.size() - 1);
      p[2 * i + 1] = loadValue(in, 0);
    }
    return p;
  }

  private static Object loadValue(RdbInput in, int depth) throws IOException {
    long tag = in.readUnsigned();
    switch ((int) tag) {
      case 1:
        return in.readString();
      case 2:
        return in.readSigned();
      case 3:
        return in.readDouble();
      case 4:
        return in.readUnsigned() != 0;
      case 6: {
        long kind = in.readUnsigned();
        String text = in.readString();
        try {
          return switch ((int) kind) {
            case 0 -> java.time.ZonedDateTime.parse(text);
            case 1 -> java.time.LocalDateTime.parse(text);
            case 2 -> java.time.LocalDate.parse(text);
            case 3 -> java.time.OffsetTime.parse(text);
            case 4 -> java.time.LocalTime.parse(text);
            default -> throw new RdbFormatException("bad temporal kind " + kind);
          };
        } catch (java.time.DateTimeException e) {
          throw new RdbFormatException("bad temporal value " + text);
        }
      }
      case 8:
        return new Point(in.readDouble(), in.readDouble());
      case 7:
        return Temporal.Dur.of(in.readSigned(), in.readSigned(), in.readSigned(), in.readSigned());
      case 5: {
        long n = in.readUnsigned();
        if (depth > 0 || n > 100_000_000) {
          throw new RdbFormatException("bad graph list");
        }
        List<Object> l = new ArrayList<>();
        for (long i = 0; i < n; i++) {
          l.add(loadValue(in, depth + 1));
        }
        return l;
      }
      default:
        throw new RdbFormatException("bad graph value tag " + tag);
    }
  }

  /**
   * Rebuilds the graph with write queries: nodes in id order, then relationships in id order, with placeholders for
   * the id holes deleted at the end (so ids come back the same), then indexes. An empty graph comes back as a key
   * holding an empty graph. Label, type and key ids follow first use in id order, which can differ from the original
   * creation order when the graph was built out of id order.
   */
  @Override
  public void aofRewrite(AofEmitter out, byte[] key, Graph g) {
    StringBuilder q = new StringBuilder();
    List<Integer> nodeHoles = new ArrayList<>();
    int batch = 0;
    int high = Math.max(1, g.nodeHigh());
    for (int n = 0; n < high; n++) {
      q.append(batch == 0 ? "CREATE " : ", ").append("(");
      if (g.nodeExists(n)) {
        for (int l : g.labels(n)) {
          q.append(':').append(Cypher.quoteName(g.labels.name(l)));
        }
        q.append(Cypher.props(g, g.props(true, n)));
      } else {
        nodeHoles.add(n);
      }
      q.append(')');
      if (++batch == 256) {
        emit(out, key, q);
        batch = 0;
      }
    }
    if (batch > 0) {
      emit(out, key, q);
    }
    List<Integer> edgeHoles = new ArrayList<>();
    for (int e = 0; e < g.edgeHigh(); e++) {
      if (g.edgeExists(e)) {
        q.append("MATCH (a), (b) WHERE id(a) = ").append(g.src(e)).append(" AND id(b) = ").append(g.dst(e))
            .append(" CREATE (a)-[:").append(Cypher.quoteName(g.types.name(g.type(e))))
            .append(Cypher.props(g, g.props(false, e))).append("]->(b)");
      } else {
        int any = g.nodesAlive().nextSetBit(0); // an edge exists, so a node does
        q.append("MATCH (a) WHERE id(a) = ").append(any).append(" CREATE (a)-[:")
            .append(Cypher.quoteName(g.types.name(0))).append("]->(a)");
        edgeHoles.add(e);
      }
      emit(out, key, q);
    }
    if (!edgeHoles.isEmpty()) {
      q.append("MATCH ()-[e]->() WHERE id(e) IN ").append(edgeHoles).append(" DELETE e");
      emit(out, key, q);
    }
    if (!nodeHoles.isEmpty()) {
      q.append("MATCH (n) WHERE id(n) IN ").append(nodeHoles).append(" DELETE n");
      emit(out, key, q);
    }
    g.indexes.forEach((l, byKey) -> byKey.keySet().forEach(k -> {
      q.append("CREATE INDEX FOR (n:").append(Cypher.quoteName(g.labels.name(l))).append(") ON (n.")
          .append(Cypher.quoteName(g.keys.name(k))).append(')');
      emit(out, key, q);
    }));
    g.edgeIndexes.forEach((t, byKey) -> byKey.keySet().forEach(k -> {
      q.append("CREATE INDEX FOR ()-[r:").append(Cypher.quoteName(g.types.name(t))).append("]-() ON (r.")
          .append(Cypher.quoteName(g.keys.name(k))).append(')');
      emit(out, key, q);
    }));
    for (FullText.Index f : g.fulltext.values()) {
      q.append("CALL db.idx.fulltext.createNodeIndex({label: ").append(Cypher.literal(g.labels.name(f.label)))
          .append(", language: ").append(Cypher.literal(f.language));
      if (f.stopwords != null) {
        q.append(", stopwords: ").append(Cypher.literal(f.stopwords));
      }
      q.append('}');
      for (FullText.FieldDef d : f.fields) {
        q.append(", {field: ").append(Cypher.literal(g.keys.name(d.key()))).append(", weight: ")
            .append(Cypher.literal(d.weight())).append(", nostem: ").append(d.nostem());
        if (d.phonetic() != null) {
          q.append(", phonetic: ").append(Cypher.literal(d.phonetic()));
        }
        q.append('}');
      }
      q.append(')');
      emit(out, key, q);
    }
    for (Constraints.Constraint con : g.constraints) {
      // a constraint FAILED at creation comes back as the replayed creation finds it (the data is the same)
      StringBuilder ps = new StringBuilder();
      for (int k : con.keys()) {
        ps.append(ps.length() == 0 ? "" : ", ").append(Cypher.literal(g.keys.name(k)));
      }
      q.append("CALL db.createConstraint('").append(con.unique() ? "UNIQUE" : "MANDATORY").append("', '")
          .append(con.node() ? "NODE" : "RELATIONSHIP").append("', ")
          .append(Cypher.literal((con.node() ? g.labels : g.types).name(con.schema()))).append(", [").append(ps)
          .append("])");
      emit(out, key, q);
    }
  }

  private static void emit(AofEmitter out, byte[] key, StringBuilder q) {
    out.emit("GRAPH.QUERY".getBytes(StandardCharsets.US_ASCII), key, q.toString().getBytes(StandardCharsets.UTF_8));
    q.setLength(0);
  }

  @Override
  public long memoryUsage(Graph g) {
    return g.memoryUsage();
  }

  @Override
  public void digest(Digest d, Graph g) {
    BitSet nodes = g.nodesAlive();
    for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
      d.add(n);
      for (int l : g.labels(n)) {
        d.add(g.labels.name(l).getBytes(StandardCharsets.UTF_8));
      }
      digestProps(d, g, g.props(true, n));
    }
    BitSet edges = g.edgesAlive();
    for (int e = edges.nextSetBit(0); e >= 0; e = edges.nextSetBit(e + 1)) {
      d.add(e);
      d.add(g.src(e));
      d.add(g.dst(e));
      d.add(g.types.name(g.type(e)).getBytes(StandardCharsets.UTF_8));
      digestProps(d, g, g.props(false, e));
    }
    d.endSequence();
  }

  private static void digestProps(Digest d, Graph g, Object[] p) {
    for (int i = 0; i < p.length; i += 2) {
      d.add(g.keys.name((Integer) p[i]).getBytes(StandardCharsets.UTF_8));
      d.add(Cypher.literal(p[i + 1]).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Graph copy(Graph g) {
    return g.copy();
  }
}
