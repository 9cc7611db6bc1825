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
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.quadtree.Quadtree;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * The shapes of one GEOSHAPE field, by doc id (JTS geometries parsed from WKT POINT and POLYGON), and the four
 * predicates RediSearch queries them with. Self-contained: it answers with doc ids and knows nothing of the query
 * tree. Shapes are found through a spatial index over their bounding boxes (JTS's Quadtree: inserts and removals
 * as documents change, where an STRtree would have to be rebuilt), and a query shape is prepared once for the exact
 * predicates. SPHERICAL shapes are lon/lat pairs checked for range whose edges are great-circle arcs, as in
 * RediSearch's Boost.Geometry: JTS computes in the plane, so each edge is densified along its great circle (a point
 * every 0.1 degree of arc: the chords then stray from the arc by well under a metre) before the planar predicates.
 * Edges that cross the antimeridian are not split.
 */
final class ShapeStore {
  enum Predicate { WITHIN, CONTAINS, INTERSECTS, DISJOINT }

  final boolean flat;
  private final Map<Integer, Geometry> shapes = new HashMap<>();
  /** Doc ids by their shape's envelope. */
  private Quadtree index = new Quadtree();
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
    if (!flat) {
      g = GreatCircles.densify(g);
    }
    shapes.put(doc, g);
    index.insert(g.getEnvelopeInternal(), doc);
    points += g.getNumPoints();
  }

  void remove(int doc) {
    Geometry g = shapes.remove(doc);
    if (g != null) {
      index.remove(g.getEnvelopeInternal(), doc);
      points -= g.getNumPoints();
    }
  }

  void clear() {
    shapes.clear();
    index = new Quadtree();
    points = 0;
  }

  int size() {
    return shapes.size();
  }

  /** A query shape (from a parameter): a RediSearch-style error on bad WKT. */
  static Geometry queryShape(String wkt, boolean flat) {
    try {
      Geometry g = parse(wkt, flat);
      return flat ? g : GreatCircles.densify(g);
    } catch (IllegalArgumentException e) {
      throw RedisException.line("Error parsing geoshape: " + e.getMessage());
    }
  }

  /** The documents whose shape stands in {@code p} to {@code q} ({@code @f:[WITHIN $q]}: doc within q). */
  BitSet query(Predicate p, Geometry q) {
    BitSet out = new BitSet();
    Envelope qe = q.getEnvelopeInternal();
    PreparedGeometry pq = PreparedGeometryFactory.prepare(q);
    // the index gives every shape whose box may meet the query's (a superset); DISJOINT is the rest of the shapes
    BitSet meets = new BitSet();
    for (Object o : index.query(qe)) {
      int doc = (Integer) o;
      Geometry g = shapes.get(doc);
      Envelope ge = g.getEnvelopeInternal();
      if (!qe.intersects(ge)) {
        continue;
      }
      boolean match = switch (p) {
        case WITHIN -> qe.covers(ge) && pq.contains(g);
        case CONTAINS -> ge.covers(qe) && pq.within(g);
        case INTERSECTS, DISJOINT -> pq.intersects(g);
      };
      if (match) {
        meets.set(doc);
      }
    }
    if (p != Predicate.DISJOINT) {
      return meets;
    }
    for (Integer doc : shapes.keySet()) {
      if (!meets.get(doc)) {
        out.set(doc);
      }
    }
    return out;
  }

  long estimatedBytes() {
    return shapes.size() * 120L + points * 40L;
  }
}
