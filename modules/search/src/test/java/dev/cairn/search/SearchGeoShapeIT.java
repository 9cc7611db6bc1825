package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.search.FTSearchParams;
import redis.clients.jedis.search.SearchResult;

/**
 * GEOSHAPE fields through a real client: FLAT and SPHERICAL, WKT POINT and POLYGON (holes included) from hashes and
 * JSON, the four predicates with the shape as a parameter, text filters beside them, updates and deletes, FT.INFO's
 * coord_system, RESP3, and bad input (invalid WKT in a document or a query, bad predicates, missing parameters).
 */
@WithCairn(jars = {"target/cairn-search.jar", "../json/target/cairn-json.jar"}, config = {"dir", "target", "save", ""})
class SearchGeoShapeIT extends SearchITBase {
  /** The ids an FT.SEARCH ... NOCONTENT finds, sorted, after the total. */
  private List<Object> ids(String index, String query, String... params) {
    List<String> args = new ArrayList<>(List.of("FT.SEARCH", index, query, "PARAMS", String.valueOf(params.length)));
    args.addAll(Arrays.asList(params));
    args.addAll(List.of("NOCONTENT", "DIALECT", "3"));
    List<?> r = (List<?>) cmd(args.toArray(String[]::new));
    List<Object> out = new ArrayList<>();
    out.add(r.get(0));
    r.subList(1, r.size()).stream().map(Object::toString).sorted().forEach(out::add);
    return out;
  }

  static final String SMALL = "POLYGON((1 1, 1 100, 100 100, 100 1, 1 1))";
  static final String LARGE_WITH_HOLE = "POLYGON((1 1, 1 200, 200 200, 200 1, 1 1), (2 2, 49 2, 49 49, 2 49, 2 2))";

  @Test
  void flatPredicates() {
    assertEquals("OK", cmd("FT.CREATE", "idx", "SCHEMA", "geom", "GEOSHAPE", "FLAT", "name", "TEXT"));
    j.hset("small", Map.of("geom", SMALL, "name", "small square"));
    j.hset("large", Map.of("geom", LARGE_WITH_HOLE, "name", "large square"));
    j.hset("point", Map.of("geom", "POINT(10 150)", "name", "a point"));
    j.hset("inhole", Map.of("geom", "POINT(10 10)", "name", "point in the hole"));
    String big = "POLYGON((0 0, 0 250, 250 250, 250 0, 0 0))";
    String mid = "POLYGON((0 0, 0 150, 150 150, 150 0, 0 0))";
    String inner = "POLYGON((50 50, 50 99, 99 99, 99 50, 50 50))";
    assertEquals(List.of(4L, "inhole", "large", "point", "small"), ids("idx", "@geom:[WITHIN $p]", "p", big));
    // within: the point on mid's boundary is not within it
    assertEquals(List.of(2L, "inhole", "small"), ids("idx", "@geom:[within $p]", "p", mid));
    assertEquals(List.of(2L, "large", "small"), ids("idx", "@geom:[CONTAINS $p]", "p", inner));
    // the hole: the large polygon does not contain a point inside its hole
    assertEquals(List.of(2L, "inhole", "small"), ids("idx", "@geom:[CONTAINS $p]", "p", "POINT(10 10)"));
    assertEquals(List.of(2L, "large", "small"), ids("idx", "@geom:[CONTAINS $p]", "p", "POINT(60 60)"));
    String strip = "POLYGON((0 101, 0 160, 160 160, 160 101, 0 101))";
    assertEquals(List.of(2L, "large", "point"), ids("idx", "@geom:[INTERSECTS $p]", "p", strip));
    assertEquals(List.of(2L, "inhole", "small"), ids("idx", "@geom:[DISJOINT $p]", "p", strip));
    // beside a text filter (dialect 2 as well)
    assertEquals(List.of(1L, "small"), cmd("FT.SEARCH", "idx", "@name:square @geom:[WITHIN $p]", "PARAMS", "2",
        "p", mid, "NOCONTENT", "DIALECT", "2"));
    assertEquals(List.of(1L, "point"), cmd("FT.SEARCH", "idx", "-@name:square @geom:[INTERSECTS $p]", "PARAMS",
        "2", "p", strip, "NOCONTENT", "DIALECT", "3"));
    // results carry the WKT as stored
    assertEquals(List.of(1L, "small", List.of("geom", SMALL, "name", "small square")), cmd("FT.SEARCH", "idx",
        "@name:small @geom:[WITHIN $p]", "PARAMS", "2", "p", mid, "RETURN", "2", "geom", "name", "DIALECT", "3"));
    // updates and deletes follow the keyspace
    j.hset("small", "geom", "POLYGON((1 1, 1 160, 160 160, 160 1, 1 1))");
    assertEquals(List.of(1L, "inhole"), ids("idx", "@geom:[WITHIN $p]", "p", mid));
    j.hdel("small", "geom");
    assertEquals(List.of(3L, "inhole", "large", "point"), ids("idx", "@geom:[WITHIN $p]", "p", big));
    j.del("large");
    assertEquals(List.of(2L, "inhole", "point"), ids("idx", "@geom:[WITHIN $p]", "p", big));
    // FT.EXPLAIN names the predicate
    assertTrue(((String) cmd("FT.EXPLAIN", "idx", "@geom:[WITHIN $p]", "PARAMS", "2", "p", "POINT(1 2)",
        "DIALECT", "3")).startsWith("GEOSHAPE{WITHIN POINT (1 2)}"));
  }

  @Test
  void sphericalIsTheDefaultAndChecksCoordinates() {
    assertEquals("OK", cmd("FT.CREATE", "idx", "SCHEMA", "zone", "GEOSHAPE", "name", "TEXT"));
    assertEquals("OK", cmd("FT.CREATE", "idx2", "SCHEMA", "zone", "GEOSHAPE", "SPHERICAL"));
    j.hset("paris", "zone", "POINT(2.35 48.85)");
    j.hset("london", "zone", "POINT(-0.12 51.5)");
    j.hset("france", "zone", "POLYGON((-4.8 42.3, 8.2 42.3, 8.2 51.1, -4.8 51.1, -4.8 42.3))");
    j.hset("bad", "zone", "POINT(200 95)"); // out of range on a sphere
    String europe = "POLYGON((-10 35, 20 35, 20 60, -10 60, -10 35))";
    assertEquals(List.of(3L, "france", "london", "paris"), ids("idx", "@zone:[WITHIN $p]", "p", europe));
    assertEquals(List.of(1L, "france"), ids("idx", "@zone:[CONTAINS $p]", "p", "POINT(5 45)"));
    assertEquals(List.of(2L, "france", "paris"), ids("idx", "@zone:[CONTAINS $p]", "p", "POINT(2.35 48.85)"));
    assertEquals(List.of(2L, "france", "paris"), ids("idx2", "@zone:[INTERSECTS $p]", "p", "POINT(2.35 48.85)"));
    List<?> info = (List<?>) cmd("FT.INFO", "idx");
    assertEquals(3L, info.get(info.indexOf("num_docs") + 1));
    assertEquals(1L, info.get(info.indexOf("hash_indexing_failures") + 1));
    List<?> attrs = (List<?>) info.get(info.indexOf("attributes") + 1);
    assertEquals(List.of("identifier", "zone", "attribute", "zone", "type", "GEOSHAPE", "coord_system",
        "SPHERICAL"), attrs.get(0));
    assertTrue(Double.parseDouble(info.get(info.indexOf("geoshapes_sz_mb") + 1).toString()) > 0);
    cmd("FT.CREATE", "flat", "SCHEMA", "zone", "GEOSHAPE", "FLAT");
    Map<?, ?> info3 = (Map<?, ?>) j3.ftInfo("flat");
    assertEquals("FLAT", ((Map<?, ?>) ((List<?>) info3.get("attributes")).get(0)).get("coord_system"));
    // RESP3 results
    SearchResult r = j3.ftSearch("idx", "@zone:[CONTAINS $p]", FTSearchParams.searchParams()
        .addParam("p", "POINT(5 45)").dialect(3));
    assertEquals(1, r.getTotalResults());
    assertEquals("france", r.getDocuments().get(0).getId());
  }

  @Test
  void jsonDocuments() {
    assertEquals("OK", cmd("FT.CREATE", "idx", "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA", "$.geom", "AS", "geom",
        "GEOSHAPE", "FLAT", "$.name", "AS", "name", "TEXT"));
    cmd("JSON.SET", "j:1", "$", "{\"geom\":\"" + SMALL + "\",\"name\":\"Homer\"}");
    cmd("JSON.SET", "j:2", "$", "{\"geom\":\"POLYGON((1 1, 1 200, 200 200, 200 1, 1 1))\",\"name\":\"Bart\"}");
    cmd("JSON.SET", "j:3", "$", "{\"geom\":42,\"name\":\"number\"}");
    assertEquals(List.of(1L, "j:1", List.of("$", "{\"geom\":\"" + SMALL + "\",\"name\":\"Homer\"}")),
        cmd("FT.SEARCH", "idx", "@geom:[WITHIN $p]", "PARAMS", "2", "p",
            "POLYGON((0 0, 0 150, 150 150, 150 0, 0 0))", "DIALECT", "3"));
    assertEquals(List.of(1L, "j:2"), cmd("FT.SEARCH", "idx", "@name:bart @geom:[CONTAINS $p]", "PARAMS", "2",
        "p", "POINT(150 150)", "NOCONTENT", "DIALECT", "2"));
    List<?> info = (List<?>) cmd("FT.INFO", "idx");
    assertEquals(1L, info.get(info.indexOf("hash_indexing_failures") + 1));
  }

  @Test
  void invalidWktAndBadQueries() {
    cmd("FT.CREATE", "idx", "SCHEMA", "geom", "GEOSHAPE", "FLAT");
    String[][] bad = {
        {"d1", "POLIKON((1 1, 1 100, 100 100, 100 1, 1 1))"},
        {"d2", "POLYGON(1 1, 1 100, 100 100, 100 1, 1 1))"},
        {"d3", "POLYGON((1 1, 1 100, 1 1))"},
        {"d4", "POLYGON((1 1, 1 100, 50 50, 50 -50, 1 150, 100 50, 1 1))"}, // self-intersecting
        {"d5", "LINESTRING(1 1, 2 2)"},
        {"d6", ""},
    };
    for (String[] d : bad) {
      j.hset(d[0], "geom", d[1]);
    }
    j.hset("ok", "geom", SMALL);
    List<?> info = (List<?>) cmd("FT.INFO", "idx");
    assertEquals(1L, info.get(info.indexOf("num_docs") + 1));
    assertEquals((long) bad.length, info.get(info.indexOf("hash_indexing_failures") + 1));
    List<?> errors = (List<?>) info.get(info.indexOf("Index Errors") + 1);
    String last = (String) errors.get(errors.indexOf("last indexing error") + 1);
    assertTrue(last.startsWith("Error indexing geoshape: "), last);
    String poly = "POLYGON((0 0, 0 150, 150 150, 150 0, 0 0))";
    for (String q : List.of("@geom:[wizin $p]", "@geom:[within " + poly + "]", "@geom:[within $]",
        "@geom:[within p]", "@geom:[within]")) {
      assertTrue(err("FT.SEARCH", "idx", q, "PARAMS", "2", "p", poly, "DIALECT", "3").startsWith("Syntax error"), q);
    }
    assertEquals("No such parameter `p`", err("FT.SEARCH", "idx", "@geom:[contains $p]", "PARAMS", "2", "q", poly,
        "DIALECT", "3"));
    for (String shape : List.of("POLIGON((0 0, 0 150, 150 150, 150 0, 0 0))", "", "0 0", "POLYGON",
        "LINESTRING(0 0, 1 1)")) {
      assertTrue(err("FT.SEARCH", "idx", "@geom:[within $p]", "PARAMS", "2", "p", shape, "DIALECT", "3")
          .startsWith("Error parsing geoshape: "), shape);
    }
  }
}
