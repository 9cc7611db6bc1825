package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GeoAddParams;
import redis.clients.jedis.params.GeoRadiusParam;
import redis.clients.jedis.params.GeoRadiusStoreParam;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.resps.GeoRadiusResponse;

/** GEO commands through a real client, and exact replies in RESP2 and RESP3 (values from Redis's geo.tcl). */
class GeoIT extends RawCommandTestBase {
  private void nyc() {
    jedis.geoadd("nyc", Map.of("lic market", new GeoCoordinate(-73.9454966, 40.747533),
        "central park n/q/r", new GeoCoordinate(-73.9733487, 40.7648057),
        "union square", new GeoCoordinate(-73.9903085, 40.7362513),
        "wtc one", new GeoCoordinate(-74.0131604, 40.7126674),
        "jfk", new GeoCoordinate(-73.7858139, 40.6428986),
        "q4", new GeoCoordinate(-73.9375699, 40.7498929),
        "4545", new GeoCoordinate(-73.9564142, 40.7480973)));
  }

  private static List<String> names(List<GeoRadiusResponse> rs) {
    List<String> out = new ArrayList<>();
    rs.forEach(x -> out.add(x.getMemberByString()));
    return out;
  }

  @DisplayName("Check geoset values")
  @Test
  void scoresAreGeohashes() throws Exception {
    nyc();
    assertEquals("*14\r\n$7\r\nwtc one\r\n$16\r\n1791873972053020\r\n$12\r\nunion square\r\n$16\r\n1791875485187452\r\n"
        + "$18\r\ncentral park n/q/r\r\n$16\r\n1791875761332224\r\n$4\r\n4545\r\n$16\r\n1791875796750882\r\n"
        + "$10\r\nlic market\r\n$16\r\n1791875804419201\r\n$2\r\nq4\r\n$16\r\n1791875830079666\r\n"
        + "$3\r\njfk\r\n$16\r\n1791895905559723\r\n", q("ZRANGE", "nyc", "0", "-1", "WITHSCORES"));
  }

  @Test
  void addOptions() {
    assertEquals(1, jedis.geoadd("g", -73.9454966, 40.747533, "lic market"));
    assertEquals(0, jedis.geoadd("g", -73.9454966, 40.747533, "lic market"));
    assertEquals(1, jedis.geoadd("g", GeoAddParams.geoAddParams().ch(),
        Map.of("lic market", new GeoCoordinate(40.747533, -73.9454966))));
    assertEquals(0, jedis.geoadd("g", GeoAddParams.geoAddParams().nx(),
        Map.of("lic market", new GeoCoordinate(-73.9454966, 40.747533))));
    assertEquals(0, jedis.geoadd("g", GeoAddParams.geoAddParams().xx(),
        Map.of("new", new GeoCoordinate(1, 1))));
    GeoCoordinate p = jedis.geopos("g", "lic market").get(0);
    assertEquals(40.747, p.getLongitude(), 0.001);
    assertEquals(-73.945, p.getLatitude(), 0.001);
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.geoadd("g", 200, 100, "x"));
    assertEquals("ERR invalid longitude,latitude pair 200.000000,100.000000", e.getMessage());
  }

  @Test
  void radiusQueries() {
    nyc();
    assertEquals(List.of("central park n/q/r", "4545", "union square"),
        names(jedis.georadius("nyc", -73.9798091, 40.7598464, 3, GeoUnit.KM, GeoRadiusParam.geoRadiusParam().sortAscending())));
    assertEquals(List.of("central park n/q/r", "4545", "union square"),
        names(jedis.georadiusReadonly("nyc", -73.9798091, 40.7598464, 3, GeoUnit.KM,
            GeoRadiusParam.geoRadiusParam().sortAscending())));
    assertEquals(List.of("wtc one", "union square", "central park n/q/r", "4545", "lic market"),
        names(jedis.georadiusByMember("nyc", "wtc one", 7, GeoUnit.KM)));
    List<GeoRadiusResponse> withDist = jedis.georadius("nyc", -73.9798091, 40.7598464, 3, GeoUnit.KM,
        GeoRadiusParam.geoRadiusParam().withDist().sortAscending());
    assertEquals(0.775, withDist.get(0).getDistance(), 1e-9);
    assertEquals(List.of("wtc one", "q4"),
        names(jedis.georadius("nyc", -73.9798091, 40.7598464, 10, GeoUnit.KM,
            GeoRadiusParam.geoRadiusParam().count(2).sortDescending())));
    assertEquals(List.of("wtc one", "union square", "central park n/q/r"),
        names(jedis.georadius("nyc", -73.9798091, 40.7598464, 10, GeoUnit.KM,
            GeoRadiusParam.geoRadiusParam().count(3, true))));
  }

  @Test
  void searchAndStore() {
    nyc();
    assertEquals(List.of("central park n/q/r", "4545", "union square", "lic market"),
        names(jedis.geosearch("nyc", new GeoSearchParam().fromLonLat(-73.9798091, 40.7598464).byBox(6, 6, GeoUnit.KM)
            .asc())));
    assertEquals(List.of("wtc one", "union square", "central park n/q/r", "4545", "lic market", "q4"),
        names(jedis.geosearch("nyc", new GeoSearchParam().fromMember("wtc one").byBox(14, 14, GeoUnit.KM))));
    assertEquals(5, jedis.geosearchStore("dst", "nyc", new GeoSearchParam().fromMember("wtc one").byRadius(7,
        GeoUnit.KM)));
    assertEquals(5, jedis.zcard("dst"));
    assertEquals(5, jedis.geosearchStoreStoreDist("dist", "nyc", new GeoSearchParam().fromMember("wtc one")
        .byRadius(7, GeoUnit.KM)));
    assertEquals(6.6999, jedis.zscore("dist", "central park n/q/r"), 1e-3);
    assertEquals(3, jedis.georadiusStore("nyc", -73.9798091, 40.7598464, 3, GeoUnit.KM,
        GeoRadiusParam.geoRadiusParam(), GeoRadiusStoreParam.geoRadiusStoreParam().store("st")));
  }

  @Test
  void distHashPos() {
    jedis.geoadd("Sicily", 13.361389, 38.115556, "Palermo");
    jedis.geoadd("Sicily", 15.087269, 37.502669, "Catania");
    assertEquals(166274.1516, jedis.geodist("Sicily", "Palermo", "Catania"), 1e-9);
    assertEquals(166.2742, jedis.geodist("Sicily", "Palermo", "Catania", GeoUnit.KM), 1e-9);
    assertNull(jedis.geodist("Sicily", "Palermo", "Agrigento"));
    assertEquals(List.of("sqc8b49rny0", "sqdtr74hyu0"), jedis.geohash("Sicily", "Palermo", "Catania"));
    List<GeoCoordinate> pos = jedis.geopos("Sicily", "Palermo", "nope");
    assertEquals(13.361389, pos.get(0).getLongitude(), 1e-6);
    assertNull(pos.get(1));
  }

  @Test
  void exactRepliesInBothProtocols() throws Exception {
    q("GEOADD", "points", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
    String resp2 = "*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
        + "*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n"
        + "*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n"
        + "*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n";
    assertEquals(resp2, q("GEORADIUS", "points", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"));
    q("HELLO", "3");
    String resp3 = resp2.replace("$20\r\n", ",");
    assertEquals(resp3, q("GEOSEARCH", "points", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHHASH",
        "WITHCOORD", "WITHDIST", "ASC"));
    assertEquals("*2\r\n_\r\n_\r\n", q("GEOHASH", "points", "a", "b"));
    assertEquals("*1\r\n_\r\n", q("GEOPOS", "points", "a"));
    q("HELLO", "2");
    assertEquals("*1\r\n*-1\r\n", q("GEOPOS", "points", "a"));
    assertEquals("*0\r\n", q("GEOSEARCH", "nokey", "FROMMEMBER", "m", "BYBOX", "1", "1", "km"));
  }

  @DisplayName("GEOSEARCH with small distance")
  @Test
  void smallDistances() throws Exception {
    q("GEOADD", "points", "-122.407107", "37.794300", "1");
    q("GEOADD", "points", "-122.227336", "37.794300", "2");
    assertEquals("*2\r\n*2\r\n$1\r\n1\r\n$6\r\n0.0001\r\n*2\r\n$1\r\n2\r\n$6\r\n9.8182\r\n",
        q("GEORADIUS", "points", "-122.407107", "37.794300", "30", "mi", "ASC", "WITHDIST"));
  }

  @DisplayName("GEOSEARCH the box spans -180° or 180°")
  @Test
  void boxAcrossTheAntimeridian() {
    jedis.geoadd("points", 179.5, 36, "point1");
    jedis.geoadd("points", -179.5, 36, "point2");
    assertEquals(List.of("point1", "point2"), names(jedis.geosearch("points",
        new GeoSearchParam().fromLonLat(179, 37).byBox(400, 400, GeoUnit.KM).asc())));
    assertEquals(List.of("point2", "point1"), names(jedis.geosearch("points",
        new GeoSearchParam().fromLonLat(-179, 37).byBox(400, 400, GeoUnit.KM).asc())));
  }

  @Test
  void badInput() throws Exception {
    q("SET", "str", "x");
    assertTrue(q("GEOSEARCH", "str", "FROMMEMBER", "m", "BYBOX", "1", "1", "km").startsWith("-WRONGTYPE"));
    q("GEOADD", "g", "1", "1", "a");
    assertEquals("-ERR could not decode requested zset member\r\n",
        q("GEOSEARCH", "g", "FROMMEMBER", "zz", "BYRADIUS", "1", "km"));
    assertEquals("-ERR syntax error\r\n", q("GEOSEARCH", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km", "ZZ"));
    assertEquals("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", q("GEODIST", "g", "a", "a", "yd"));
    assertEquals("-ERR value is not a valid float\r\n", q("GEOADD", "g", "x", "1", "b"));
    assertEquals("-ERR wrong number of arguments for 'georadius' command\r\n", q("GEORADIUS", "g", "0", "0", "1"));
    assertEquals("-ERR wrong number of arguments for 'geosearchstore' command\r\n",
        q("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0", "BYRADIUS"));
    assertEquals("-ERR syntax error\r\n", q("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1"));
    assertEquals("+PONG\r\n", q("PING"));
  }

  @Test
  void commandInfo() throws Exception {
    String info = q("COMMAND", "INFO", "GEORADIUS", "GEORADIUS_RO");
    assertTrue(info.contains("movablekeys"), "GEORADIUS's STORE keys make it movablekeys");
    assertEquals(1, info.split("movablekeys", -1).length - 1, "GEORADIUS_RO is not");
    assertEquals("*2\r\n$1\r\ng\r\n$1\r\nx\r\n", q("COMMAND", "GETKEYS", "GEORADIUS", "g", "0", "0", "1", "km",
        "STORE", "x"));
  }
}
