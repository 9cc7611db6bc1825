package dev.cairn.core.type.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Geohash encoding, decoding, cells and distances, and the number formats of the GEO replies. */
class GeoHashTest {
  /** Positions and the scores Redis gives them (Redis's geo.tcl "Check geoset values"). */
  private static final double[][] NYC = {
      {-74.0131604, 40.7126674, 1791873972053020d}, {-73.9903085, 40.7362513, 1791875485187452d},
      {-73.9733487, 40.7648057, 1791875761332224d}, {-73.9564142, 40.7480973, 1791875796750882d},
      {-73.9454966, 40.747533, 1791875804419201d}, {-73.9375699, 40.7498929, 1791875830079666d},
      {-73.7858139, 40.6428986, 1791895905559723d}};

  @Test
  void scoresAreRedis() {
    for (double[] p : NYC) {
      assertEquals((long) p[2], GeoHash.encode(p[0], p[1], GeoHash.STEP_MAX));
    }
  }

  @Test
  void decodedCoordinatesPrintAsRedis() {
    double[] xy = new double[2];
    GeoHash.decode(1791873972053020L, xy);
    assertEquals("-74.01316255331039429", GeoCommands.coordinate(xy[0]));
    assertEquals("40.71266718145121644", GeoCommands.coordinate(xy[1]));
    GeoHash.decode(GeoHash.encode(13.361389, 38.115556, 26), xy);
    assertEquals("13.36138933897018433", GeoCommands.coordinate(xy[0]));
    assertEquals("38.11555639549629859", GeoCommands.coordinate(xy[1]));
  }

  @Test
  void theLimitsThemselvesEncode() {
    double[] xy = new double[2];
    // the top latitude scales to 2^26, one past the last cell: Redis keeps the overflowing bit
    long top = GeoHash.encode(180, GeoHash.LAT_MAX, 26);
    assertTrue(top >= 1L << 52);
    GeoHash.decode(top, xy);
    assertEquals(180, xy[0]);
    // the centre of the first cell, as Redis reports a member with score 0
    GeoHash.decode(0, xy);
    assertEquals("-179.99999731779098511", GeoCommands.coordinate(xy[0]));
    assertEquals("-85.05112751263942528", GeoCommands.coordinate(xy[1]));
  }

  @Test
  void standardGeohashString() {
    // Wikipedia's example, as in Redis's geo.tcl
    double[] xy = new double[2];
    GeoHash.decode(GeoHash.encode(-5.6, 42.6, 26), xy);
    assertEquals("ezs42e44yx0", new String(GeoCommands.standardGeohash(xy[0], xy[1]), StandardCharsets.US_ASCII));
  }

  @Test
  void scoresOutsideTheGeohashRangeConvertAsC() {
    assertEquals(-1L, GeoHash.scoreBits(-1.0));
    assertEquals(-5L, GeoHash.scoreBits(-5.5));
    assertEquals(0L, GeoHash.scoreBits(Double.POSITIVE_INFINITY));
    assertEquals(Long.MIN_VALUE, GeoHash.scoreBits(Double.NEGATIVE_INFINITY));
    assertEquals(Long.MIN_VALUE, GeoHash.scoreBits(9.223372036854775808E18));
    assertEquals(0L, GeoHash.scoreBits(1e300));
    assertEquals(1L << 52, GeoHash.scoreBits(4503599627370496d));
  }

  @Test
  void neighboursWrapAround() {
    int step = 3;
    long cell = GeoHash.encode(179.9, 0, step);
    long east = GeoHash.moveX(cell, step, 1);
    double[] area = GeoHash.decodeArea(east, step);
    assertEquals(-180, area[0], "east of the last column is the first");
    assertEquals(cell, GeoHash.moveX(east, step, -1));
    long north = GeoHash.moveY(cell, step, 1);
    assertEquals(cell, GeoHash.moveY(north, step, -1));
    assertNotEquals(cell, north);
  }

  @Test
  void stepsShrinkWithTheRadius() {
    assertEquals(26, GeoHash.stepsForRadius(0, 0));
    assertTrue(GeoHash.stepsForRadius(1000, 0) > GeoHash.stepsForRadius(100_000, 0));
    assertEquals(GeoHash.stepsForRadius(1000, 0) - 1, GeoHash.stepsForRadius(1000, 70));
    assertEquals(GeoHash.stepsForRadius(1000, 0) - 2, GeoHash.stepsForRadius(1000, -81));
    assertEquals(1, GeoHash.stepsForRadius(1e9, 0));
  }

  @Test
  void cellsCoverTheCentreAndDropWhatLiesOutside() {
    double[] bounds = GeoHash.boundingBox(15, 37, 200_000, 200_000);
    GeoHash.Cells c = GeoHash.cells(15, 37, 200_000, bounds);
    assertTrue(c.steps[0] > 0);
    double[] centre = GeoHash.decodeArea(c.bits[0], c.steps[0]);
    assertTrue(centre[0] <= 15 && 15 <= centre[1] && centre[2] <= 37 && 37 <= centre[3]);
  }

  @Test
  void haversineDistances() {
    double[] palermo = new double[2];
    double[] catania = new double[2];
    GeoHash.decode(GeoHash.encode(13.361389, 38.115556, 26), palermo);
    GeoHash.decode(GeoHash.encode(15.087269, 37.502669, 26), catania);
    assertEquals("166274.1516", GeoCommands.distance(GeoHash.distance(palermo[0], palermo[1], catania[0], catania[1])));
    // same longitude: the meridian shortcut
    assertEquals(GeoHash.latDistance(10, 20), GeoHash.distance(5, 10, 5, 20));
  }

  @Test
  void distanceFormatIsRedis72Fixedpoint() {
    assertEquals("0.0000", GeoCommands.distance(0.0));
    assertEquals("0.0000", GeoCommands.distance(-0.0));
    assertEquals("0.0001", GeoCommands.distance(6.0642951598391699e-05));
    assertEquals("0.0000", GeoCommands.distance(1e-5));
    assertEquals("0.7750", GeoCommands.distance(0.77501636173928778));
    assertEquals("1234.5000", GeoCommands.distance(1234.5));
    assertEquals("-0.0100", GeoCommands.distance(-0.01));
    // llrint's "integer indefinite" for what does not fit
    assertEquals("-922337203685477.5808", GeoCommands.distance(Double.NaN));
  }

  @Test
  void cFixedIsPrintf() {
    assertEquals("200.000000", GeoCommands.cFixed(200, 6));
    assertEquals("-0.000000", GeoCommands.cFixed(-1e-7, 6));
    assertEquals("-0.000000", GeoCommands.cFixed(-0.0, 6));
    assertEquals("0.000001", GeoCommands.cFixed(5.000000000000001e-7, 6));
    assertEquals("inf", GeoCommands.cFixed(Double.POSITIVE_INFINITY, 6));
  }

  @Test
  void doublesAsGetDoubleFromObject() {
    RedisException e = Errors.NOT_FLOAT;
    assertEquals(1.5, GeoCommands.parseDouble("1.5".getBytes(StandardCharsets.US_ASCII), e));
    assertEquals(Double.POSITIVE_INFINITY, GeoCommands.parseDouble("+inf".getBytes(StandardCharsets.US_ASCII), e));
    assertEquals(0.0, GeoCommands.parseDouble("0e-400".getBytes(StandardCharsets.US_ASCII), e));
    assertEquals(1e-310, GeoCommands.parseDouble("1e-310".getBytes(StandardCharsets.US_ASCII), e));
    assertThrows(RedisException.class, () -> GeoCommands.parseDouble("1e400".getBytes(StandardCharsets.US_ASCII), e));
    assertThrows(RedisException.class, () -> GeoCommands.parseDouble("1e-400".getBytes(StandardCharsets.US_ASCII), e));
    assertThrows(RedisException.class, () -> GeoCommands.parseDouble("nan".getBytes(StandardCharsets.US_ASCII), e));
  }
}
