package dev.cairn.graph;

import dev.cairn.api.type.DataType;
import dev.cairn.sdk.DataTypeConformanceTest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The graph type against the SDK's conformance suite: RDB round trips and fixture, copy, digest, AOF rewrite. */
class GraphTypeConformanceTest extends DataTypeConformanceTest<Graph> {
  @Override
  protected DataType<Graph> type() {
    return GraphType.INSTANCE;
  }

  @Override
  protected List<Graph> sampleValues(Random random) {
    List<Graph> out = new ArrayList<>();
    out.add(new Graph());
    for (int k = 0; k < 5; k++) {
      Graph g = new Graph();
      int nodes = 1 + random.nextInt(40);
      StringBuilder q = new StringBuilder("UNWIND range(1, " + nodes + ") AS i CREATE (:L" + random.nextInt(3)
          + " {i: i, f: i / 3.0, s: 'n' + toString(i), b: i % 2 = 0, l: [i, 'x', 1.5],"
          + " d: date('2015-07-21') + duration({days: i}), lt: localtime('12:00:01.5'), t: time('10:00+01:00'),"
          + " ldt: localdatetime('2015-07-21T10:00'), dt: datetime('2015-07-21T21:40:32.142+02:00[Europe/Stockholm]'),"
          + " dto: datetime('1984-10-11T12:31:14.000000001-05:30'), dur: duration({months: i, seconds: -i, nanoseconds: 5}),"
          + " ds: [date('2000-01-01'), date('-0001-12-31')], p: point({latitude: 32.07 + i, longitude: -34.8})})");
      Executor.run(g, q.toString(), Map.of(), 0, false);
      Executor.run(g, "MATCH (a), (b) WHERE rand() < 0.1 CREATE (a)-[:R {w: a.i * b.i}]->(b)", Map.of(), 0, false);
      Executor.run(g, "MATCH (a) WHERE a.i % 7 = 3 DETACH DELETE a", Map.of(), 0, false);
      if (random.nextBoolean()) {
        Executor.run(g, "CREATE INDEX FOR (n:L0) ON (n.i)", Map.of(), 0, false);
        Constraints.create(g, true, true, "L0", List.of("i"));
      }
      if (random.nextBoolean()) {
        Executor.run(g, "CREATE INDEX FOR ()-[r:R]-() ON (r.w)", Map.of(), 0, false);
        Executor.run(g, "CALL db.idx.fulltext.createNodeIndex({label: 'L1', language: 'french', stopwords: ['le']},"
            + " 's', {field: 'x', weight: 2.5, nostem: true, phonetic: 'dm:en'})", Map.of(), 0, false);
      }
      if (random.nextBoolean()) {
        Constraints.create(g, false, true, "L1", List.of("i", "s"));
        Constraints.create(g, false, false, "R", List.of("w"));
      }
      out.add(g);
    }
    return out;
  }

  static Graph fixture() {
    Graph g = new Graph();
    Executor.run(g, "CREATE (a:Person {name: 'Ann', age: 33, tags: ['x', 2, 2.5, true]})-[:KNOWS {since: 2020}]->"
        + "(b:Person:Admin {name: 'Bob', score: -1.25}), (c {alone: false}), (a)-[:SELF]->(a)", Map.of(), 0, false);
    Executor.run(g, "MATCH (c {alone: false}) DELETE c", Map.of(), 0, false);
    Executor.run(g, "CREATE INDEX FOR (p:Person) ON (p.name)", Map.of(), 0, false);
    return g;
  }

  @Override
  protected Graph fixtureValue(int encver) {
    Graph g = fixture();
    if (encver >= 2) {
      Executor.run(g, "CREATE (:Event {on: date('2015-07-21'), at: datetime('2015-07-21T21:40:32.142+02:00[Europe/Stockholm]'),"
          + " took: duration('P1DT2H'), t: localtime('12:00'), where: point({latitude: 32.07, longitude: 34.81})})",
          Map.of(), 0, false);
      Constraints.create(g, true, true, "Person", List.of("name"));
      Constraints.create(g, false, false, "KNOWS", List.of("since"));
    }
    if (encver >= 3) {
      Executor.run(g, "CREATE INDEX FOR ()-[k:KNOWS]-() ON (k.since)", Map.of(), 0, false);
      Executor.run(g, "CALL db.idx.fulltext.createNodeIndex({label: 'Person', stopwords: ['the']}, 'name',"
          + " {field: 'bio', weight: 2, nostem: true, phonetic: 'dm:en'})", Map.of(), 0, false);
    }
    return g;
  }

  @Override
  protected boolean valueEquals(Graph a, Graph b) {
    return canonical(a).equals(canonical(b));
  }

  @Override
  protected boolean mutate(Graph g, Random random) {
    Executor.run(g, "CREATE (:Mutated {r: " + random.nextInt() + "})", Map.of(), 0, false);
    return true;
  }

  /** Ids, names, labels, properties, endpoints and indexes, as text. */
  static String canonical(Graph g) {
    StringBuilder sb = new StringBuilder();
    sb.append(g.labels.all()).append(g.types.all()).append(g.keys.all()).append('\n');
    BitSet nodes = g.nodesAlive();
    for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
      sb.append('n').append(n).append(java.util.Arrays.toString(g.labels(n)))
          .append(Cypher.props(g, g.props(true, n))).append('\n');
    }
    BitSet edges = g.edgesAlive();
    for (int e = edges.nextSetBit(0); e >= 0; e = edges.nextSetBit(e + 1)) {
      sb.append('e').append(e).append(' ').append(g.src(e)).append("->").append(g.dst(e)).append(':')
          .append(g.type(e)).append(Cypher.props(g, g.props(false, e))).append('\n');
    }
    sb.append(new java.util.TreeMap<>(g.indexes).keySet());
    Constraints.list(g).forEach(c -> sb.append(new java.util.TreeMap<>(c)));
    g.indexes.forEach((l, m) -> sb.append(l).append(new java.util.TreeSet<>(m.keySet())));
    sb.append(IndexOps.list(g));
    g.fulltext.values().forEach(f -> sb.append(f.fields).append(f.stopwords));
    return sb.toString();
  }

  /** The AOF rewrite's queries, replayed into an empty graph, give the same graph back (ids and holes included). */
  @org.junit.jupiter.api.Test
  void aofRewriteReplaysToTheSameGraph() {
    for (Graph g : sampleValues(new Random(seed))) {
      Graph back = new Graph();
      GraphType.INSTANCE.aofRewrite(cmd -> Executor.run(back, new String(cmd[2],
          java.nio.charset.StandardCharsets.UTF_8), Map.of(), 0, false), "k".getBytes(), g);
      String want = canonical(g).replaceFirst("^\\[.*\\n", "");
      String got = canonical(back).replaceFirst("^\\[.*\\n", "");
      org.junit.jupiter.api.Assertions.assertEquals(want, got, "seed " + seed);
    }
  }
}
