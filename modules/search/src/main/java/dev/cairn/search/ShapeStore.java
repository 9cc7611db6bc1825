package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * The shapes of one GEOSHAPE field, by doc id (JTS geometries parsed from WKT POINT and POLYGON), and the four
 * predicates RediSearch queries them with. Self-contained: it answers with doc ids and knows nothing of the query
 * tree. SPHERICAL shapes are lon/lat pairs checked for range; the predicates treat their edges as straight lines in
 * lon/lat (RediSearch's Boost.Geometry follows great circles), which differs only for long edges.
 */
final class ShapeStore {
  enum Predicate { WITHIN, CONTAINS, INTERSECTS, DISJOINT }

  final boolean flat;
  private final Map<Integer, Geometry> shapes = new HashMap<>();
  private long points;

  ShapeStore(boolean flat) {
    this.flat = flat;
  }

  /** Parses WKT (POINT or POLYGON); IllegalArgumentException with the reason otherwise. */
  static Geometry parse(String wkt, boolean flat) {
    Geometry g;
    try {
      g = new WKTReader().read(wkt);
    } catch (ParseException | RuntimeException e) {
      String m = e.getMessage() == null ? "invalid WKT" : e.getMessage();
      throw new IllegalArgumentException(m);
    }
    if (!(g instanceof Point) && !(g instanceof Polygon)) {
      throw new IllegalArgumentException("only POINT and POLYGON are supported, not " + g.getGeometryType()
          .toUpperCase(Locale.ROOT));
    }
    if (g.isEmpty()) {
      throw new IllegalArgumentException("invalid geometry: Geometry has too few points");
    }
    TopologyValidationError err = new IsValidOp(g).getValidationError();
    if (err != null) {
      throw new IllegalArgumentException("invalid geometry: " + err.getMessage());
    }
    if (!flat) {
      for (Coordinate c : g.getCoordinates()) {
        if (Math.abs(c.x) > 180 || Math.abs(c.y) > 90) {
          throw new IllegalArgumentException("invalid geometry: coordinates out of range (" + c.x + ", " + c.y
              + ")");
        }
      }
    }
    return g;
  }

  /** Indexes a document's WKT; throws IllegalArgumentException (the document fails) on bad input. */
  void put(int doc, String wkt) {
    Geometry g;
    try {
      g = parse(wkt, flat);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Error indexing geoshape: " + e.getMessage());
    }
    remove(doc);
    shapes.put(doc, g);
    points += g.getNumPoints();
  }

  void remove(int doc) {
    Geometry g = shapes.remove(doc);
    if (g != null) {
      points -= g.getNumPoints();
    }
  }

  void clear() {
    shapes.clear();
    points = 0;
  }

  int size() {
    return shapes.size();
  }

  /** A query shape (from a parameter): a RediSearch-style error on bad WKT. */
  static Geometry queryShape(String wkt, boolean flat) {
    try {
      return parse(wkt, flat);
    } catch (IllegalArgumentException e) {
      throw RedisException.line("Error parsing geoshape: " + e.getMessage());
    }
  }

  /** The documents whose shape stands in {@code p} to {@code q} ({@code @f:[WITHIN $q]}: doc within q). */
  BitSet query(Predicate p, Geometry q) {
    BitSet out = new BitSet();
    Envelope qe = q.getEnvelopeInternal();
    for (Map.Entry<Integer, Geometry> e : shapes.entrySet()) {
      Geometry g = e.getValue();
      Envelope ge = g.getEnvelopeInternal();
      boolean match = switch (p) {
        case WITHIN -> qe.covers(ge) && g.within(q);
        case CONTAINS -> ge.covers(qe) && g.contains(q);
        case INTERSECTS -> qe.intersects(ge) && g.intersects(q);
        case DISJOINT -> !qe.intersects(ge) || g.disjoint(q);
      };
      if (match) {
        out.set(e.getKey());
      }
    }
    return out;
  }

  long estimatedBytes() {
    return shapes.size() * 120L + points * 40L;
  }
}
