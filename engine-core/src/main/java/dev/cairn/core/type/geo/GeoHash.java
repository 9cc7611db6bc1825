package dev.cairn.core.type.geo;

import dev.cairn.core.util.LibM;

/**
 * The geohash arithmetic of Redis's GEO commands, step for step in IEEE doubles so that scores, decoded coordinates and
 * distances agree with Redis's to the last bit.
 *
 * <p>A position is a 52-bit score: the longitude (-180..180) and latitude (-85.05112878..85.05112878, the Web Mercator
 * limits) are each scaled to 26-bit integers, and their bits interleaved, latitude in the even bits and longitude in
 * the odd ones. A search covers its shape with the geohash box of the centre and its eight neighbours at a precision
 * (step) chosen from the radius, each box being one score range of the sorted set. Distances are haversine on a sphere
 * of radius {@link #EARTH_RADIUS} metres.
 */
final class GeoHash {
  private GeoHash() {}

  static final int STEP_MAX = 26;
  static final double LAT_MIN = -85.05112878;
  static final double LAT_MAX = 85.05112878;
  static final double LON_MIN = -180;
  static final double LON_MAX = 180;
  static final double EARTH_RADIUS = 6372797.560856;
  private static final double MERCATOR_MAX = 20037726.37;
  private static final double D_R = Math.PI / 180.0;

  static double degRad(double ang) {
    return ang * D_R;
  }

  static double radDeg(double ang) {
    return ang / D_R;
  }

  /** Spreads the low 32 bits of {@code v} into the even bits of a long. */
  private static long spread(long v) {
    v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
    v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
    v = (v | (v << 2)) & 0x3333333333333333L;
    return (v | (v << 1)) & 0x5555555555555555L;
  }

  /** Gathers the even bits of {@code v} into the low 32 bits. */
  private static long gather(long v) {
    v &= 0x5555555555555555L;
    v = (v | (v >>> 1)) & 0x3333333333333333L;
    v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
    v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
    v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
    return (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
  }

  /** C's conversion of a non-negative double below 2^32 to uint32_t (truncation). */
  private static long toUint32(double d) {
    return (long) d & 0xFFFFFFFFL;
  }

  /**
   * The interleaved bits of a position at {@code step} bits per coordinate within the given ranges (the caller has
   * checked the position lies inside them).
   */
  static long encode(double lonMin, double lonMax, double latMin, double latMax, double lon, double lat, int step) {
    double latOffset = (lat - latMin) / (latMax - latMin);
    double lonOffset = (lon - lonMin) / (lonMax - lonMin);
    latOffset *= (double) (1L << step);
    lonOffset *= (double) (1L << step);
    return spread(toUint32(latOffset)) | (spread(toUint32(lonOffset)) << 1);
  }

  /** Encodes within Redis's coordinate limits. */
  static long encode(double lon, double lat, int step) {
    return encode(LON_MIN, LON_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
  }

  /** A geohash cell's bounds: {lonMin, lonMax, latMin, latMax}. */
  static double[] decodeArea(long bits, int step) {
    long lat = gather(bits);
    long lon = gather(bits >>> 1);
    double latScale = LAT_MAX - LAT_MIN;
    double lonScale = LON_MAX - LON_MIN;
    double cells = (double) (1L << step);
    // (lat + 1) wraps as the C uint32_t does (only a corrupt score gets there)
    return new double[] {
        LON_MIN + (lon * 1.0 / cells) * lonScale,
        LON_MIN + (((lon + 1) & 0xFFFFFFFFL) * 1.0 / cells) * lonScale,
        LAT_MIN + (lat * 1.0 / cells) * latScale,
        LAT_MIN + (((lat + 1) & 0xFFFFFFFFL) * 1.0 / cells) * latScale};
  }

  /** The centre of the 52-bit cell {@code bits}, clamped to the limits, into {@code xy} as {lon, lat}. */
  static void decode(long bits, double[] xy) {
    double[] area = decodeArea(bits, STEP_MAX);
    double x = (area[0] + area[1]) / 2;
    double y = (area[2] + area[3]) / 2;
    xy[0] = Math.max(LON_MIN, Math.min(LON_MAX, x));
    xy[1] = Math.max(LAT_MIN, Math.min(LAT_MAX, y));
  }

  /**
   * The 52 bits a sorted-set score stands for, as C's conversion of a double to uint64_t does it on x86-64 (any score
   * can reach a GEO command: ZADD writes whatever it likes to a geo key).
   */
  static long scoreBits(double score) {
    final double two63 = 9.223372036854775808E18;
    if (score < two63) {
      return score >= -two63 ? (long) score : Long.MIN_VALUE;
    }
    double rest = score - two63;
    return (rest < two63 ? (long) rest : Long.MIN_VALUE) ^ Long.MIN_VALUE;
  }

  /** Moves a cell one step east ({@code d > 0}) or west, wrapping around. */
  static long moveX(long bits, int step, int d) {
    return move(bits, step, d, 0xaaaaaaaaaaaaaaaaL);
  }

  /** Moves a cell one step north ({@code d > 0}) or south, wrapping around. */
  static long moveY(long bits, int step, int d) {
    return move(bits, step, d, 0x5555555555555555L);
  }

  /**
   * Adds or subtracts one to the coordinate whose bits {@code mask} selects, within its {@code step} bits: the other
   * coordinate's bits are set to 1 so that the carry (or borrow) runs through them.
   */
  private static long move(long bits, int step, int d, long mask) {
    long moved = bits & mask;
    long kept = bits & ~mask;
    long zz = ~mask >>> (64 - step * 2);
    if (d > 0) {
      moved = moved + (zz + 1);
    } else {
      moved = moved | zz;
      moved = moved - (zz + 1);
    }
    moved &= (mask >>> (64 - step * 2));
    return moved | kept;
  }

  /** The step whose cells are about as big as the radius, one less towards the poles. */
  static int stepsForRadius(double rangeMeters, double lat) {
    if (rangeMeters == 0) {
      return STEP_MAX;
    }
    int step = 1;
    while (rangeMeters < MERCATOR_MAX) {
      rangeMeters *= 2;
      step++;
    }
    step -= 2; // make sure the range is included in most of the base cases
    if (lat > 66 || lat < -66) {
      step--;
      if (lat > 80 || lat < -80) {
        step--;
      }
    }
    return Math.max(1, Math.min(STEP_MAX, step));
  }

  /**
   * The cells a search reads, in Redis's order: the centre's cell, then north, south, east, west, north-east,
   * north-west, south-east, south-west. A cell left out (it lies wholly outside the shape's bounding box) has step 0.
   */
  static final class Cells {
    final long[] bits = new long[9];
    final int[] steps = new int[9];
  }

  /**
   * The bounding box of a search shape around ({@code lon}, {@code lat}), {minLon, minLat, maxLon, maxLat}:
   * {@code halfWidth} and {@code halfHeight} in metres. Longitude deltas are taken at the box's edge nearer the pole
   * (the wider one in degrees).
   */
  static double[] boundingBox(double lon, double lat, double halfWidth, double halfHeight) {
    double latDelta = radDeg(halfHeight / EARTH_RADIUS);
    double lonDeltaTop = radDeg(halfWidth / EARTH_RADIUS / LibM.cos(degRad(lat + latDelta)));
    double lonDeltaBottom = radDeg(halfWidth / EARTH_RADIUS / LibM.cos(degRad(lat - latDelta)));
    boolean southern = lat < 0;
    return new double[] {
        southern ? lon - lonDeltaBottom : lon - lonDeltaTop,
        lat - latDelta,
        southern ? lon + lonDeltaBottom : lon + lonDeltaTop,
        lat + latDelta};
  }

  /**
   * The cells covering a shape: the step from the radius (for a box, its half diagonal), one coarser if a neighbour
   * does not reach the bounding box's edge, and with the neighbours that lie outside the box left out.
   */
  static Cells cells(double lon, double lat, double radiusMeters, double[] bounds) {
    int steps = stepsForRadius(radiusMeters, lat);
    long hash = encode(lon, lat, steps);
    double[] area = decodeArea(hash, steps);
    boolean decrease = decodeArea(moveY(hash, steps, 1), steps)[3] < bounds[3]
        | decodeArea(moveY(hash, steps, -1), steps)[2] > bounds[1]
        | decodeArea(moveX(hash, steps, 1), steps)[1] < bounds[2]
        | decodeArea(moveX(hash, steps, -1), steps)[0] > bounds[0];
    if (steps > 1 && decrease) {
      steps--;
      hash = encode(lon, lat, steps);
      area = decodeArea(hash, steps);
    }
    Cells c = new Cells();
    long east = moveX(hash, steps, 1);
    long west = moveX(hash, steps, -1);
    long[] b = c.bits;
    b[0] = hash;
    b[1] = moveY(hash, steps, 1);
    b[2] = moveY(hash, steps, -1);
    b[3] = east;
    b[4] = west;
    b[5] = moveY(east, steps, 1);
    b[6] = moveY(west, steps, 1);
    b[7] = moveY(east, steps, -1);
    b[8] = moveY(west, steps, -1);
    java.util.Arrays.fill(c.steps, steps);
    if (steps >= 2) {
      if (area[2] < bounds[1]) {
        drop(c, 2, 7, 8); // south
      }
      if (area[3] > bounds[3]) {
        drop(c, 1, 5, 6); // north
      }
      if (area[0] < bounds[0]) {
        drop(c, 4, 8, 6); // west
      }
      if (area[1] > bounds[2]) {
        drop(c, 3, 7, 5); // east
      }
    }
    return c;
  }

  private static void drop(Cells c, int... which) {
    for (int i : which) {
      c.bits[i] = 0;
      c.steps[i] = 0;
    }
  }

  /** Distance along a meridian between two latitudes (the haversine when the longitudes are equal). */
  static double latDistance(double lat1d, double lat2d) {
    return EARTH_RADIUS * Math.abs(degRad(lat2d) - degRad(lat1d));
  }

  /** The haversine distance in metres. */
  static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
    double lon1r = degRad(lon1d);
    double lon2r = degRad(lon2d);
    double v = LibM.sin((lon2r - lon1r) / 2);
    if (v == 0.0) {
      return latDistance(lat1d, lat2d);
    }
    double lat1r = degRad(lat1d);
    double lat2r = degRad(lat2d);
    double u = LibM.sin((lat2r - lat1r) / 2);
    double a = u * u + LibM.cos(lat1r) * LibM.cos(lat2r) * v * v;
    return 2.0 * EARTH_RADIUS * LibM.asin(Math.sqrt(a));
  }
}
