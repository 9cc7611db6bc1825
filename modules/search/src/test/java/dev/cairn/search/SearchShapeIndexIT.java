package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.sdk.WithCairn;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKTReader;

/**
 * GEOSHAPE's spatial index and SPHERICAL arcs: many shapes, inserted, replaced and deleted, answer every predicate as
 * a scan of all of them with JTS does (computed here); SPHERICAL polygons' edges are great-circle arcs, so a long
 * east-west edge bulges toward the pole where FLAT's stays straight.
 */
@WithCairn(jars = {"target/cairn-search.jar"}, config = {"dir", "target", "save", ""})
class SearchShapeIndexIT extends SearchITBase {
  @Override
  int timeoutMillis() {
    return 30_000;
  }

  private TreeSet<String> ids(String index, String predicate, String wkt) {
    List<?> r = (List<?>) j.sendCommand(() -> "FT.SEARCH".getBytes(StandardCharsets.UTF_8), index,
        "@s:[" + predicate + " $p]", "PARAMS", "2", "p", wkt, "NOCONTENT", "LIMIT", "0", "100000", "DIALECT", "3");
    TreeSet<String> out = new TreeSet<>();
    for (Object o : r.subList(1, r.size())) {
      out.add(new String((byte[]) o, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String box(double x, double y, double w, double h) {
    return String.format(java.util.Locale.ROOT, "POLYGON((%f %f, %f %f, %f %f, %f %f, %f %f))", x, y, x + w, y, x + w,
        y + h, x, y + h, x, y);
  }

  @Test
  void theIndexAnswersAsAScanOfEveryShape() throws Exception {
    long seed = System.nanoTime();
    System.out.println("theIndexAnswersAsAScanOfEveryShape seed=" + seed);
    Random rnd = new Random(seed);
    j.sendCommand(() -> "FT.CREATE".getBytes(StandardCharsets.UTF_8), "shapes", "PREFIX", "1", "s:", "SCHEMA", "s",
        "GEOSHAPE", "FLAT");
    WKTReader wkt = new WKTReader();
    Map<String, Geometry> truth = new HashMap<>();
    for (int i = 0; i < 1500; i++) {
      String key = "s:" + rnd.nextInt(1000); // some keys are written twice: replaced
      String w = rnd.nextInt(4) == 0 ? String.format(java.util.Locale.ROOT, "POINT(%f %f)", rnd.nextDouble() * 1000,
          rnd.nextDouble() * 1000) : box(rnd.nextDouble() * 1000, rnd.nextDouble() * 1000, 1 + rnd.nextDouble() * 80,
          1 + rnd.nextDouble() * 80);
      j.hset(key, "s", w);
      truth.put(key, wkt.read(w));
    }
    for (int i = 0; i < 200; i++) {
      String key = "s:" + rnd.nextInt(1000);
      j.del(key);
      truth.remove(key);
    }
    for (int q = 0; q < 20; q++) {
      String qw = box(rnd.nextDouble() * 900, rnd.nextDouble() * 900, 5 + rnd.nextDouble() * 200,
          5 + rnd.nextDouble() * 200);
      if (q % 5 == 0) { // a point inside some boxes, for CONTAINS
        qw = String.format(java.util.Locale.ROOT, "POINT(%f %f)", rnd.nextDouble() * 1000, rnd.nextDouble() * 1000);
      }
      Geometry qg = wkt.read(qw);
      for (String p : List.of("WITHIN", "CONTAINS", "INTERSECTS", "DISJOINT")) {
        TreeSet<String> expected = new TreeSet<>();
        truth.forEach((k, g) -> {
          boolean m = switch (p) {
            case "WITHIN" -> g.within(qg);
            case "CONTAINS" -> g.contains(qg);
            case "INTERSECTS" -> g.intersects(qg);
            default -> g.disjoint(qg);
          };
          if (m) {
            expected.add(k);
          }
        });
        assertEquals(expected, ids("shapes", p, qw), p + " " + qw + " (seed " + seed + ")");
      }
    }
  }

  /**
   * A polygon from 60W to 60E between latitudes 50 and 70: on the sphere its southern edge rises to 67.2N at the
   * meridian and its northern edge to 79.7N, so at longitude 0 it spans 67.2..79.7 (SPHERICAL) rather than 50..70
   * (FLAT).
   */
  @Test
  void sphericalEdgesAreGreatCircleArcs() {
    String band = "POLYGON((-60 50, 60 50, 60 70, -60 70, -60 50))";
    for (String cs : List.of("FLAT", "SPHERICAL")) {
      j.sendCommand(() -> "FT.CREATE".getBytes(StandardCharsets.UTF_8), cs, "PREFIX", "1", cs + ":", "SCHEMA", "s",
          "GEOSHAPE", cs);
      j.hset(cs + ":band", "s", band);
      for (int lat : new int[] {55, 65, 69, 75, 79}) {
        j.hset(cs + ":p" + lat, "s", "POINT(0 " + lat + ")");
      }
    }
    // (the band is within itself)
    assertEquals(new TreeSet<>(List.of("FLAT:band", "FLAT:p55", "FLAT:p65", "FLAT:p69")), ids("FLAT", "WITHIN",
        band));
    assertEquals(new TreeSet<>(List.of("SPHERICAL:band", "SPHERICAL:p69", "SPHERICAL:p75", "SPHERICAL:p79")),
        ids("SPHERICAL", "WITHIN", band));
    // (a point contains itself)
    assertEquals(new TreeSet<>(List.of("SPHERICAL:band", "SPHERICAL:p75")), ids("SPHERICAL", "CONTAINS",
        "POINT(0 75)"));
    assertEquals(new TreeSet<>(List.of("SPHERICAL:p55")), ids("SPHERICAL", "CONTAINS", "POINT(0 55)"));
    assertEquals(new TreeSet<>(List.of("FLAT:band", "FLAT:p55")), ids("FLAT", "CONTAINS", "POINT(0 55)"));
    // near a vertex the arc and the line agree: (59, 51) is inside both ways
    assertEquals(new TreeSet<>(List.of("SPHERICAL:band")), ids("SPHERICAL", "CONTAINS", "POINT(59 51)"));
    assertEquals(new TreeSet<>(), ids("SPHERICAL", "INTERSECTS", "POINT(0 60)"));
  }
}
