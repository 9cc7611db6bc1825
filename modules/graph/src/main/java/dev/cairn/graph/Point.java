package dev.cairn.graph;

import java.util.Map;

/** RedisGraph's geographic point: point({latitude, longitude}) and distance() in meters. */
record Point(double latitude, double longitude) {
  /** RedisGraph's earth radius for distance(), in meters. */
  static final double EARTH_RADIUS = 6378140.0;

  static Object of(Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw CypherException.typeMismatch("Map or Null", v);
    }
    if (!m.containsKey("latitude")) {
      throw CypherException.argument("Did not find 'latitude' value in point map");
    }
    if (!m.containsKey("longitude")) {
      throw CypherException.argument("Did not find 'longitude' value in point map");
    }
    if (!(m.get("latitude") instanceof Number lat) || !(m.get("longitude") instanceof Number lon)) {
      throw CypherException.argument("'latitude' and 'longitude' values in point map were not both valid numerics");
    }
    if (lat.doubleValue() > 90 || lat.doubleValue() < -90) {
      throw CypherException.argument("latitude should be within the -90 to 90 range");
    }
    if (lon.doubleValue() > 180 || lon.doubleValue() < -180) {
      throw CypherException.argument("longitude should be within the -180 to 180 range");
    }
    return new Point(lat.doubleValue(), lon.doubleValue());
  }

  /**
   * The haversine distance, computed in single precision as RedisGraph computes it, so that the same points give
   * the same meters.
   */
  static Object distance(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (!(a instanceof Point p)) {
      throw CypherException.typeMismatch("Point or Null", a);
    }
    if (!(b instanceof Point q)) {
      throw CypherException.typeMismatch("Point or Null", b);
    }
    float lat0 = (float) Math.toRadians(p.latitude);
    float lat1 = (float) Math.toRadians(q.latitude);
    float lon0 = (float) Math.toRadians(p.longitude);
    float lon1 = (float) Math.toRadians(q.longitude);
    float dlat = lat1 - lat0;
    float dlon = lon1 - lon0;
    float h = (float) (Math.pow(Math.sin(dlat / 2), 2) + Math.cos(lat0) * Math.cos(lat1) * Math.pow(Math.sin(dlon / 2),
        2));
    float c = (float) (2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h)));
    float d = (float) (EARTH_RADIUS * c);
    return (double) d;
  }

  Object component(String key) {
    return switch (key) {
      case "latitude" -> latitude;
      case "longitude" -> longitude;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return "point({latitude: " + Cypher.g15(latitude) + ", longitude: " + Cypher.g15(longitude) + "})";
  }
}
