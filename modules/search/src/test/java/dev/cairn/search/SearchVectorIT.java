package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.search.Document;
import redis.clients.jedis.search.FTSearchParams;
import redis.clients.jedis.search.SearchResult;

/**
 * VECTOR fields through a real client: FT.CREATE's attributes and errors (RediSearch 2.10's texts), FT.INFO, KNN for
 * every metric, element type and algorithm (distances checked against ones computed here), hybrid filters and their
 * policies, EF_RUNTIME, AS / $YIELD_DISTANCE_AS, SORTBY the distance, VECTOR_RANGE with EPSILON, JSON arrays,
 * indexing that follows the keyspace, RESP3, bad input; and HNSW's recall against FLAT on the same data.
 */
@WithCairn(jars = {"target/cairn-search.jar", "../json/target/cairn-json.jar"},
    config = {"dir", "target", "save", "", "enable-debug-command", "yes"})
class SearchVectorIT extends SearchITBase {
  @Override
  int timeoutMillis() {
    return 60_000;
  }

  /** A command whose arguments are Strings or byte[] (blobs); replies with bulk strings as Strings. */
  static byte[] f32(double... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putFloat((float) x);
    }
    return b.array();
  }

  static byte[] f64(double... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putDouble(x);
    }
    return b.array();
  }

  static byte[] f16(double... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putShort(Float.floatToFloat16((float) x));
    }
    return b.array();
  }

  static byte[] bf16(double... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putShort((short) (Float.floatToIntBits((float) x) >>> 16)); // values exact in bfloat16 below
    }
    return b.array();
  }

  static byte[] blob(String type, double... v) {
    return switch (type) {
      case "FLOAT64" -> f64(v);
      case "FLOAT16" -> f16(v);
      case "BFLOAT16" -> bf16(v);
      default -> f32(v);
    };
  }

  /** RediSearch's distance of two vectors for a metric (computed here in double). */
  static double distance(String metric, double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    double l2 = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
      l2 += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return switch (metric) {
      case "L2" -> l2;
      case "IP" -> 1 - dot;
      default -> 1 - dot / Math.sqrt(na * nb);
    };
  }

  @Test
  void createErrorsAreRediSearchs() {
    String[][] cases = {
        {"Bad arguments for vector similarity algorithm"},
        {"Bad arguments for vector similarity number of parameters", "FLAT"},
        {"Bad arguments for vector similarity number of parameters: Expected 6 parameters but got 0", "FLAT", "6"},
        {"Bad number of arguments for vector similarity index: got 1 but expected even number (as algorithm "
            + "parameters should be submitted as named arguments)", "HNSW", "1", "TYPE"},
        {"Bad arguments for algorithm FLAT: SIZE", "FLAT", "2", "SIZE", "1"},
        {"Bad arguments for vector similarity FLAT index type", "FLAT", "2", "TYPE", "DOUBLE"},
        {"Bad arguments for vector similarity HNSW index dim", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "str",
            "DISTANCE_METRIC", "IP"},
        {"Bad arguments for vector similarity HNSW index metric", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "REDIS"},
        {"Bad arguments for vector similarity algorithm", "REDIS", "6", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "IP"},
        {"Missing mandatory parameter: cannot create FLAT index without specifying TYPE argument", "FLAT", "4",
            "DIM", "1024", "DISTANCE_METRIC", "IP"},
        {"Missing mandatory parameter: cannot create HNSW index without specifying DIM argument", "HNSW", "4",
            "TYPE", "FLOAT32", "DISTANCE_METRIC", "IP"},
        {"Missing mandatory parameter: cannot create HNSW index without specifying DISTANCE_METRIC argument",
            "HNSW", "4", "TYPE", "FLOAT32", "DIM", "1024"},
        {"Bad arguments for vector similarity FLAT index initial cap", "FLAT", "10", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "IP", "INITIAL_CAP", "str", "BLOCK_SIZE", "16"},
        {"Bad arguments for vector similarity FLAT index blocksize", "FLAT", "10", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "IP", "INITIAL_CAP", "10", "BLOCK_SIZE", "str"},
        {"Bad arguments for vector similarity HNSW index m", "HNSW", "8", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "IP", "M", "str"},
        {"Bad arguments for vector similarity HNSW index efConstruction", "HNSW", "8", "TYPE", "FLOAT32", "DIM",
            "4", "DISTANCE_METRIC", "IP", "EF_CONSTRUCTION", "str"},
        {"Bad arguments for vector similarity HNSW index efRuntime", "HNSW", "8", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "IP", "EF_RUNTIME", "-10"},
        {"Bad arguments for vector similarity HNSW index epsilon", "HNSW", "8", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "IP", "EPSILON", "-1"},
        {"Bad arguments for algorithm HNSW: BLOCK_SIZE", "HNSW", "8", "TYPE", "FLOAT32", "DIM", "4",
            "DISTANCE_METRIC", "IP", "BLOCK_SIZE", "16"},
        {"Bad arguments for algorithm FLAT: M", "FLAT", "8", "TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "IP",
            "M", "16"},
    };
    for (String[] c : cases) {
      List<Object> args = new ArrayList<>(List.of("FT.CREATE", "idx", "SCHEMA", "v", "VECTOR"));
      args.addAll(Arrays.asList(c).subList(1, c.length));
      assertEquals(c[0], err(args.toArray()), String.join(" ", c));
    }
    assertTrue(j.ftList().isEmpty(), "no index was made");
  }

  @Test
  void ftInfoShowsTheAttributes() {
    assertEquals("OK", cmd("FT.CREATE", "idx", "SCHEMA", "v", "VECTOR", "HNSW", "14", "TYPE", "FLOAT32", "DIM",
        "1024", "DISTANCE_METRIC", "IP", "INITIAL_CAP", "10", "M", "32", "EF_CONSTRUCTION", "100", "EF_RUNTIME", "20",
        "f", "VECTOR", "FLAT", "10", "TYPE", "FLOAT64", "DIM", "8", "DISTANCE_METRIC", "COSINE", "INITIAL_CAP", "5",
        "BLOCK_SIZE", "16"));
    List<?> info = (List<?>) cmd("FT.INFO", "idx");
    List<?> attrs = (List<?>) info.get(info.indexOf("attributes") + 1);
    assertEquals(List.of("identifier", "v", "attribute", "v", "type", "VECTOR", "algorithm", "HNSW", "data_type",
        "FLOAT32", "dim", 1024L, "distance_metric", "IP", "M", 32L, "ef_construction", 100L), attrs.get(0));
    assertEquals(List.of("identifier", "f", "attribute", "f", "type", "VECTOR", "algorithm", "FLAT", "data_type",
        "FLOAT64", "dim", 8L, "distance_metric", "COSINE"), attrs.get(1));
    Map<?, ?> info3 = (Map<?, ?>) j3.ftInfo("idx");
    Map<?, ?> v3 = (Map<?, ?>) ((List<?>) info3.get("attributes")).get(0);
    assertEquals("HNSW", v3.get("algorithm"));
    assertEquals(1024L, v3.get("dim"));
    assertEquals(32L, v3.get("M"));
    // the definition survives the replay FT.INFO/persistence use
    j.hset("k".getBytes(), "f".getBytes(), f64(1, 2, 3, 4, 5, 6, 7, 8));
    info = (List<?>) cmd("FT.INFO", "idx");
    assertEquals(1L, info.get(info.indexOf("num_docs") + 1));
    assertTrue(Double.parseDouble(info.get(info.indexOf("vector_index_sz_mb") + 1).toString()) > 0);
  }

  /** Every metric, element type and algorithm: nearest first, with the distances RediSearch defines. */
  @Test
  void knnForEveryMetricTypeAndAlgorithm() {
    double[][] data = {{1, 0, 0, 0}, {0, 2, 0, 0}, {1, 1, 0, 0}, {0.5, 0.5, 0.5, 0.5}, {-1, 0, 1, 0},
        {2, 2, 2, 2}, {0, 0, 0, 1}, {3, -1, 0, 0}};
    double[] query = {1, 0.5, 0, 0};
    for (String algo : List.of("FLAT", "HNSW")) {
      for (String type : List.of("FLOAT32", "FLOAT64", "FLOAT16", "BFLOAT16")) {
        for (String metric : List.of("L2", "IP", "COSINE")) {
          String what = algo + " " + type + " " + metric;
          cmd("FLUSHALL");
          for (String idx : j.ftList()) {
            j.ftDropIndex(idx);
          }
          assertEquals("OK", cmd("FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "v", "VECTOR", algo, "6",
              "TYPE", type, "DIM", "4", "DISTANCE_METRIC", metric), what);
          for (int i = 0; i < data.length; i++) {
            j.hset(("d:" + i).getBytes(), "v".getBytes(), blob(type, data[i]));
          }
          Integer[] order = new Integer[data.length];
          for (int i = 0; i < order.length; i++) {
            order[i] = i;
          }
          Arrays.sort(order, Comparator.comparingDouble((Integer i) -> distance(metric, data[i], query))
              .thenComparing(i -> i));
          List<?> r = (List<?>) cmd("FT.SEARCH", "idx", "*=>[KNN 3 @v $b]", "PARAMS", "2", "b",
              blob(type, query), "RETURN", "1", "__v_score", "DIALECT", "2");
          assertEquals(3L, r.get(0), what);
          for (int k = 0; k < 3; k++) {
            assertEquals("d:" + order[k], r.get(1 + 2 * k), what + " rank " + k + ": " + r);
            List<?> fields = (List<?>) r.get(2 + 2 * k);
            assertEquals("__v_score", fields.get(0));
            double got = Double.parseDouble((String) fields.get(1));
            assertEquals(distance(metric, data[order[k]], query), got, 1e-3, what);
          }
        }
      }
    }
  }

  private void products() {
    assertEquals("OK", cmd("FT.CREATE", "idx", "PREFIX", "1", "p:", "SCHEMA", "v", "VECTOR", "HNSW", "8", "TYPE",
        "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2", "EF_RUNTIME", "50", "t", "TEXT", "tag", "TAG", "n",
        "NUMERIC", "SORTABLE"));
    for (int i = 1; i <= 20; i++) {
      j.hset(("p:" + i).getBytes(), Map.of("v".getBytes(), f32(i, i), "t".getBytes(),
          (i % 2 == 0 ? "even" : "odd").getBytes(), "tag".getBytes(), (i % 3 == 0 ? "three" : "other").getBytes(),
          "n".getBytes(), String.valueOf(i).getBytes()));
    }
  }

  @Test
  void hybridQueriesAttributesAndSorting() {
    products();
    byte[] q = f32(0, 0);
    // a filter before =>: the k nearest among the documents it matches, nearest first
    assertEquals(List.of(3L, "p:2", List.of("__v_score", "8"), "p:4", List.of("__v_score", "32"), "p:6",
        List.of("__v_score", "72")), cmd("FT.SEARCH", "idx", "@t:even=>[KNN 3 @v $b]", "PARAMS", "2", "b", q,
        "RETURN", "1", "__v_score", "DIALECT", "2"));
    assertEquals(List.of(2L, "p:3", "p:6"), cmd("FT.SEARCH", "idx", "(@tag:{three} @n:[0 7])=>[KNN 5 @v $b]",
        "PARAMS", "2", "b", q, "NOCONTENT", "DIALECT", "2"));
    // both hybrid policies find the same documents
    for (String policy : List.of("ADHOC_BF", "BATCHES")) {
      assertEquals(List.of(3L, "p:3", "p:9", "p:15"), cmd("FT.SEARCH", "idx", "(odd @tag:{three})=>[KNN 3 @v $b "
          + "HYBRID_POLICY " + policy + "]", "PARAMS", "2", "b", q, "NOCONTENT", "DIALECT", "2"), policy);
    }
    assertEquals(List.of(2L, "p:3", "p:9"), cmd("FT.SEARCH", "idx",
        "(odd @tag:{three})=>[KNN 2 @v $b]=>{$HYBRID_POLICY: BATCHES; $BATCH_SIZE: 10}", "PARAMS", "2", "b", q,
        "NOCONTENT", "DIALECT", "2"));
    // K and EF_RUNTIME as parameters, AS, $YIELD_DISTANCE_AS
    assertEquals(List.of(2L, "p:1", List.of("dist", "2", "t", "odd"), "p:2", List.of("dist", "8", "t", "even")),
        cmd("FT.SEARCH", "idx", "*=>[KNN $k @v $b EF_RUNTIME $ef AS dist]", "PARAMS", "6", "b", q, "k", "2", "ef",
            "100", "RETURN", "2", "dist", "t", "DIALECT", "2"));
    assertEquals(List.of(2L, "p:1", List.of("d", "2"), "p:2", List.of("d", "8")), cmd("FT.SEARCH", "idx",
        "*=>[KNN 2 @v $b]=>{$YIELD_DISTANCE_AS: d; $EF_RUNTIME: 20}", "PARAMS", "2", "b", q, "RETURN", "1", "d",
        "DIALECT", "2"));
    // SORTBY the distance (either way), another field, LIMIT over the k
    assertEquals(List.of(4L, "p:4", "p:3", "p:2", "p:1"), cmd("FT.SEARCH", "idx", "*=>[KNN 4 @v $b AS d]",
        "PARAMS", "2", "b", q, "SORTBY", "d", "DESC", "NOCONTENT", "DIALECT", "2"));
    assertEquals(List.of(4L, "p:3", "p:2"), cmd("FT.SEARCH", "idx", "*=>[KNN 4 @v $b AS d]", "PARAMS", "2", "b", q,
        "SORTBY", "n", "DESC", "LIMIT", "1", "2", "NOCONTENT", "DIALECT", "2"));
    assertEquals(List.of(4L, "p:1", "#2", "p:2", "#8"), cmd("FT.SEARCH", "idx", "*=>[KNN 4 @v $b AS d]", "PARAMS",
        "2", "b", q, "SORTBY", "d", "WITHSORTKEYS", "LIMIT", "0", "2", "NOCONTENT", "DIALECT", "2"));
    // the whole document: the distance first, then the hash with its blob as stored
    List<?> whole = (List<?>) j.sendCommand(() -> "FT.SEARCH".getBytes(), "idx".getBytes(),
        "*=>[KNN 1 @v $b]".getBytes(), "PARAMS".getBytes(), "2".getBytes(), "b".getBytes(), q, "DIALECT".getBytes(),
        "2".getBytes());
    List<?> fields = (List<?>) whole.get(2);
    assertEquals("__v_score", new String((byte[]) fields.get(0)));
    int vAt = -1;
    for (int i = 0; i < fields.size(); i += 2) {
      if (new String((byte[]) fields.get(i)).equals("v")) {
        vAt = i;
      }
    }
    assertTrue(Arrays.equals(f32(1, 1), (byte[]) fields.get(vAt + 1)), "the blob comes back byte for byte");
    // VECTOR_RANGE: every document within the radius; EPSILON; the distance when yielded
    assertEquals(List.of(3L, "p:3", List.of("r", "18"), "p:2", List.of("r", "8"), "p:1", List.of("r", "2")),
        cmd("FT.SEARCH", "idx", "@v:[VECTOR_RANGE $rad $b]=>{$YIELD_DISTANCE_AS: r; $EPSILON: 0.5}", "PARAMS", "4",
            "b", q, "rad", "18", "SORTBY", "r", "DESC", "RETURN", "1", "r", "DIALECT", "2"));
    assertEquals(List.of(2L, "p:2", "p:4"), cmd("FT.SEARCH", "idx", "@t:even @v:[VECTOR_RANGE 40 $b]", "PARAMS",
        "2", "b", q, "NOCONTENT", "SORTBY", "n", "DIALECT", "2"));
    // RESP3: the distance among extra_attributes
    SearchResult r3 = j3.ftSearch("idx", "*=>[KNN 2 @v $b AS d]", FTSearchParams.searchParams().addParam("b", q)
        .returnFields("d").dialect(2));
    assertEquals(2, r3.getTotalResults());
    Document first = r3.getDocuments().get(0);
    assertEquals("p:1", first.getId());
    assertEquals("2", first.getString("d"));
    // FT.EXPLAIN
    String plan = (String) cmd("FT.EXPLAIN", "idx", "@t:even=>[KNN 3 @v $b AS d]", "PARAMS", "2", "b",
        f32(0.1, -7.3), "DIALECT", "2");
    assertTrue(plan.startsWith("VECTOR {\n") && plan.contains("K=3 nearest vectors to `$b` in vector index "
        + "associated with field @v, yields distance as `d`"), plan);
  }

  @Test
  void badQueriesGetRediSearchsErrors() {
    products();
    byte[] q = f32(0, 0);
    Object[][] cases = {
        {"Error parsing vector similarity query: query vector blob size (7) does not match index's expected size "
            + "(8).", "*=>[KNN 2 @v $b]", "abcdefg".getBytes()},
        {"Error parsing vector similarity query: query vector blob size (9) does not match index's expected size "
            + "(8).", "@v:[VECTOR_RANGE 0.1 $b]", "abcdefghi".getBytes()},
        {"Error parsing vector similarity query: negative radius (-1) given in a range query",
            "@v:[VECTOR_RANGE -1 $b]", q},
        {"Property `t` already exists in schema", "*=>[KNN 2 @v $b AS t]", q},
        {"Property `t` already exists in schema", "*=>[KNN 2 @v $b]=>{$yield_distance_as:t;}", q},
        {"Error parsing vector similarity parameters: Invalid value was given", "*=>[KNN 2 @v $b EF_RUNTIME -42]",
            q},
        {"Error parsing vector similarity parameters: Invalid value was given",
            "*=>[KNN 2 @v $b EF_RUNTIME 2.71828]", q},
        {"Error parsing vector similarity parameters: Parameter was specified twice",
            "*=>[KNN 2 @v $b EF_RUNTIME 5 EF_RUNTIME 6]", q},
        {"Error parsing vector similarity parameters: Parameter was specified twice",
            "*=>[KNN 2 @v $b EF_RUNTIME 100]=>{$EF_RUNTIME:200;}", q},
        {"Error parsing vector similarity parameters: Invalid option", "*=>[KNN 2 @v $b EF_FUNTIME 30]", q},
        {"Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query",
            "*=>[KNN 2 @v $b HYBRID_POLICY ADHOC_BF]", q},
        {"Error parsing vector similarity parameters: invalid hybrid policy was given",
            "@t:odd=>[KNN 2 @v $b HYBRID_POLICY bad_policy]", q},
        {"Error parsing vector similarity parameters: 'batch size' is irrelevant for 'ADHOC_BF' policy",
            "@t:odd=>[KNN 2 @v $b HYBRID_POLICY ADHOC_BF BATCH_SIZE 100]", q},
        {"Error parsing vector similarity parameters: range query attributes were sent for a non-range query",
            "*=>[KNN 2 @v $b EPSILON 2.71828]", q},
        {"Error parsing vector similarity parameters: Invalid option", "@v:[VECTOR_RANGE 0.1 $b]=>{$EF_RUNTIME:10}",
            q},
        {"Error parsing vector similarity parameters: Invalid value was given",
            "@v:[VECTOR_RANGE 0.1 $b]=>{$EPSILON: 0}", q},
        {"Distance field was specified twice for vector query: score and score2",
            "*=>[KNN 2 @v $b AS score]=>{$yield_distance_as:score2;}", q},
        {"Property `dist` specified more than once", "@v:[VECTOR_RANGE 0.1 $b]=>{$yield_distance_as:dist} "
            + "@v:[VECTOR_RANGE 0.2 $b]=>{$yield_distance_as:dist}", q},
        {"No such parameter `c`", "*=>[KNN 2 @v $c]", q},
        {"Property `nope` not loaded nor in schema", "*=>[KNN 2 @v $b]", q, "SORTBY", "nope"},
    };
    for (Object[] c : cases) {
      List<Object> args = new ArrayList<>(List.of("FT.SEARCH", "idx", c[1], "PARAMS", "2", "b", c[2]));
      args.addAll(Arrays.asList(c).subList(3, c.length));
      args.addAll(List.of("DIALECT", "2"));
      assertEquals(c[0], err(args.toArray()), (String) c[1]);
    }
    for (String bad : List.of("*=>[REDIS 4 @v $b]", "*=>[KNN str @v $b]", "*=>[KNN 2 v $b]", "*=>[KNN 2 @v b]")) {
      assertTrue(err("FT.SEARCH", "idx", bad, "PARAMS", "2", "b", q, "DIALECT", "2").startsWith("Syntax error"),
          bad);
    }
    // a field that is not a vector: no results, as RediSearch
    assertEquals(List.of(0L), cmd("FT.SEARCH", "idx", "*=>[KNN 2 @t $b]", "PARAMS", "2", "b", q, "DIALECT", "2"));
    // EF_RUNTIME is HNSW's: a FLAT field refuses it
    cmd("FT.CREATE", "flat", "PREFIX", "1", "p:", "SCHEMA", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM",
        "2", "DISTANCE_METRIC", "L2");
    assertEquals("Error parsing vector similarity parameters: Invalid option", err("FT.SEARCH", "flat",
        "*=>[KNN 2 @v $b EF_RUNTIME 30]", "PARAMS", "2", "b", q, "DIALECT", "2"));
    assertEquals("Error parsing vector similarity parameters: Invalid option", err("FT.SEARCH", "flat",
        "@v:[VECTOR_RANGE 0.1 $b]=>{$epsilon:0.1}", "PARAMS", "2", "b", q, "DIALECT", "2"));
  }

  @Test
  void indexingFollowsTheKeyspaceAndCountsBadVectors() {
    for (String algo : List.of("FLAT", "HNSW")) {
      cmd("FLUSHALL");
      for (String idx : j.ftList()) {
        j.ftDropIndex(idx);
      }
      cmd("FT.CREATE", "idx", "SCHEMA", "v", "VECTOR", algo, "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC",
          "L2");
      j.hset("a".getBytes(), "v".getBytes(), f32(1, 1));
      j.hset("b".getBytes(), "v".getBytes(), f32(5, 5));
      j.hset("bad".getBytes(), "v".getBytes(), "abc".getBytes()); // wrong size: the document fails
      List<?> info = (List<?>) cmd("FT.INFO", "idx");
      assertEquals(2L, info.get(info.indexOf("num_docs") + 1), algo);
      assertEquals(1L, info.get(info.indexOf("hash_indexing_failures") + 1), algo);
      List<?> errors = (List<?>) info.get(info.indexOf("Index Errors") + 1);
      assertEquals("Could not add vector with blob size 3 (expected size 8)",
          errors.get(errors.indexOf("last indexing error") + 1));
      byte[] q = f32(0, 0);
      assertEquals(List.of(2L, "a", "b"), knnIds(q, 5));
      j.hset("a".getBytes(), "v".getBytes(), f32(9, 9)); // replaced
      assertEquals(List.of(2L, "b", "a"), knnIds(q, 5));
      j.del("b");
      assertEquals(List.of(1L, "a"), knnIds(q, 5));
      // many deletes and re-adds: the graph is rebuilt without the dead and still finds everything
      for (int i = 0; i < 3000; i++) {
        j.hset(("n" + i).getBytes(), "v".getBytes(), f32(i, 0));
      }
      for (int i = 0; i < 2990; i++) {
        j.del("n" + i);
      }
      assertEquals(List.of(3L, "n2990", "n2991", "n2992"), knnIds(f32(2990, 0), 3));
      // the definition and the vectors come back from the RDB file
      assertEquals("OK", cmd("DEBUG", "RELOAD"));
      assertEquals(List.of(3L, "n2990", "n2991", "n2992"), knnIds(f32(2990, 0), 3), algo);
      assertEquals(List.of(2L, "a", "n2990"), knnIds(f32(9, 9), 2), algo);
    }
  }

  private List<Object> knnIds(byte[] q, int k) {
    return new ArrayList<>((List<?>) cmd("FT.SEARCH", "idx", "*=>[KNN " + k + " @v $b]", "PARAMS", "2", "b", q,
        "NOCONTENT", "DIALECT", "2"));
  }

  @Test
  void jsonArraysAreVectors() {
    assertEquals("OK", cmd("FT.CREATE", "jidx", "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA", "$.vec", "AS", "vec",
        "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "3", "DISTANCE_METRIC", "COSINE", "$.name", "AS", "name",
        "TEXT"));
    cmd("JSON.SET", "j:1", "$", "{\"vec\":[1,0,0],\"name\":\"x axis\"}");
    cmd("JSON.SET", "j:2", "$", "{\"vec\":[0,1,0],\"name\":\"y axis\"}");
    cmd("JSON.SET", "j:3", "$", "{\"vec\":[1,1,0],\"name\":\"diagonal\"}");
    cmd("JSON.SET", "j:4", "$", "{\"vec\":[1,1],\"name\":\"short\"}"); // wrong length
    cmd("JSON.SET", "j:5", "$", "{\"vec\":\"text\",\"name\":\"not numbers\"}");
    List<?> r = (List<?>) cmd("FT.SEARCH", "jidx", "*=>[KNN 2 @vec $b AS d]", "PARAMS", "2", "b", f32(1, 0.1, 0),
        "RETURN", "1", "d", "DIALECT", "2");
    assertEquals(2L, r.get(0));
    assertEquals("j:1", r.get(1));
    assertEquals("j:3", r.get(3));
    assertEquals(1 - (1 + 0.1) / Math.sqrt(2 * 1.01), Double.parseDouble((String) ((List<?>) r.get(4)).get(1)),
        1e-6);
    List<?> info = (List<?>) cmd("FT.INFO", "jidx");
    assertEquals(3L, info.get(info.indexOf("num_docs") + 1));
    assertEquals(2L, info.get(info.indexOf("hash_indexing_failures") + 1));
    // hybrid over JSON
    assertEquals(List.of(1L, "j:2"), cmd("FT.SEARCH", "jidx", "@name:y=>[KNN 2 @vec $b]", "PARAMS", "2", "b",
        f32(1, 0, 0), "NOCONTENT", "DIALECT", "2"));
  }

  /**
   * HNSW at its default parameters (M 16, EF_CONSTRUCTION 200, EF_RUNTIME 10) against FLAT on the same data: recall
   * of the 10 nearest over 100 queries must be at least 0.95. The data are shaped as embeddings are: 64 dimensions
   * spanned by an 8-dimensional latent space (a random linear map of a mixture of 20 Gaussians) plus small noise, so
   * their intrinsic dimension is low; on uniform random vectors the same defaults recall less (the bench measures
   * both, bench/vector-bench.py). One data set, drawn from a fixed seed ({@code -Dsearch.seed=N} draws another):
   * recall depends on the data (seeds 1 to 8: 0.970 to 0.978; a CI run's random draw 0.964), and a bound this close
   * to what random draws give would fail now and then on a sound graph.
   */
  @Test
  void hnswRecallAgainstFlatAtDefaults() throws InterruptedException {
    long seed = Long.getLong("search.seed", 1);
    System.out.println("hnswRecallAgainstFlatAtDefaults seed=" + seed + " (rerun with -Dsearch.seed=" + seed + ")");
    Random rnd = new Random(seed);
    int dim = 64;
    int latent = 8;
    int n = 10_000;
    double[][] map = new double[latent][dim];
    for (double[] row : map) {
      for (int d = 0; d < dim; d++) {
        row[d] = rnd.nextGaussian();
      }
    }
    double[][] centres = new double[20][latent];
    for (double[] c : centres) {
      for (int d = 0; d < latent; d++) {
        c[d] = rnd.nextGaussian() * 2;
      }
    }
    cmd("FT.CREATE", "flat", "PREFIX", "1", "r:", "SCHEMA", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM",
        String.valueOf(dim), "DISTANCE_METRIC", "L2");
    cmd("FT.CREATE", "hnsw", "PREFIX", "1", "r:", "SCHEMA", "v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM",
        String.valueOf(dim), "DISTANCE_METRIC", "L2");
    for (int i = 0; i < n; i++) {
      j.hset(("r:" + i).getBytes(), "v".getBytes(), f32(embedding(rnd, map, centres)));
    }
    SearchHnswIT.awaitGraph(j, "hnsw", "v"); // the recall of the graph itself, not of the builder's backlog scan
    int queries = 100;
    int found = 0;
    for (int qi = 0; qi < queries; qi++) {
      byte[] q = f32(embedding(rnd, map, centres));
      Set<Object> exact = new HashSet<>(((List<?>) cmd("FT.SEARCH", "flat", "*=>[KNN 10 @v $b]", "PARAMS", "2",
          "b", q, "NOCONTENT", "DIALECT", "2")).subList(1, 11));
      List<?> approx = ((List<?>) cmd("FT.SEARCH", "hnsw", "*=>[KNN 10 @v $b]", "PARAMS", "2", "b", q,
          "NOCONTENT", "DIALECT", "2")).subList(1, 11);
      for (Object id : approx) {
        if (exact.contains(id)) {
          found++;
        }
      }
    }
    double recall = found / (double) (queries * 10);
    System.out.println("HNSW recall@10 vs FLAT at defaults: " + recall);
    assertTrue(recall >= 0.95, "recall " + recall + " (seed " + seed + ")");
  }

  private static double[] embedding(Random rnd, double[][] map, double[][] centres) {
    double[] c = centres[rnd.nextInt(centres.length)];
    double[] z = new double[c.length];
    for (int d = 0; d < z.length; d++) {
      z[d] = c[d] + rnd.nextGaussian();
    }
    double[] v = new double[map[0].length];
    for (int d = 0; d < v.length; d++) {
      double s = rnd.nextGaussian() * 0.05;
      for (int l = 0; l < z.length; l++) {
        s += z[l] * map[l][d];
      }
      v[d] = s;
    }
    return v;
  }
}
