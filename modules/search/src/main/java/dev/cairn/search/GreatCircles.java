package dev.cairn.search;

import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;

/**
 * SPHERICAL geometry's edges as great-circle arcs for JTS, which computes in the plane: each edge of a lon/lat
 * polygon gets intermediate points on its great circle (spherical linear interpolation of the end points' unit
 * vectors) every {@link #STEP_DEGREES} of arc, so the planar predicates follow the arcs to well under a metre.
 */
final class GreatCircles {
  /** Degrees of arc between inserted points: a chord of 0.1 degree strays from its arc by micro-degrees. */
  static final double STEP_DEGREES = 0.1;

  private GreatCircles() {
  }

  /** The geometry with its polygon edges densified along great circles (points are returned as they are). */
  static Geometry densify(Geometry g) {
    if (!(g instanceof Polygon p)) {
      return g;
    }
    GeometryFactory f = g.getFactory();
    LinearRing shell = ring(f, p.getExteriorRing().getCoordinates());
    LinearRing[] holes = new LinearRing[p.getNumInteriorRing()];
    for (int i = 0; i < holes.length; i++) {
      holes[i] = ring(f, p.getInteriorRingN(i).getCoordinates());
    }
    return f.createPolygon(shell, holes);
  }

  private static LinearRing ring(GeometryFactory f, Coordinate[] cs) {
    List<Coordinate> out = new ArrayList<>();
    for (int i = 0; i + 1 < cs.length; i++) {
      out.add(cs[i]);
      arc(cs[i], cs[i + 1], out);
    }
    out.add(cs[cs.length - 1]);
    return f.createLinearRing(out.toArray(new Coordinate[0]));
  }

  /** Appends the points strictly between a and b on their great circle. */
  private static void arc(Coordinate a, Coordinate b, List<Coordinate> out) {
    double[] va = unit(a);
    double[] vb = unit(b);
    double dot = Math.max(-1, Math.min(1, va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]));
    double omega = Math.acos(dot);
    int n = (int) Math.ceil(Math.toDegrees(omega) / STEP_DEGREES);
    if (n <= 1 || Math.sin(omega) < 1e-12) {
      return; // short, or antipodal (no one great circle): left as it is
    }
    double so = Math.sin(omega);
    for (int k = 1; k < n; k++) {
      double t = (double) k / n;
      double wa = Math.sin((1 - t) * omega) / so;
      double wb = Math.sin(t * omega) / so;
      double x = wa * va[0] + wb * vb[0];
      double y = wa * va[1] + wb * vb[1];
      double z = wa * va[2] + wb * vb[2];
      out.add(new Coordinate(Math.toDegrees(Math.atan2(y, x)), Math.toDegrees(Math.atan2(z, Math.hypot(x, y)))));
    }
  }

  private static double[] unit(Coordinate c) {
    double lon = Math.toRadians(c.x);
    double lat = Math.toRadians(c.y);
    return new double[] {Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)};
  }
}
