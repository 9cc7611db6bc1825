package dev.cairn.core.type.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.type.string.InProcessClient;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GEO commands through the dispatcher: propagation as ZADD, the events of the stores, errors in Redis's order. */
class GeoCommandsTest {
  private InProcessClient c;

  @BeforeEach
  void setUp() {
    c = new InProcessClient();
    c.run("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
    c.propagated.clear();
    c.events.clear();
  }

  @Test
  void geoaddIsZaddWithGeohashScores() {
    assertEquals(":1\r\n", c.run("GEOADD", "Sicily", "CH", "NX", "12.758489", "38.788135", "edge1"));
    assertEquals(List.of("zadd Sicily CH NX 3479273021651468 edge1"), c.propagated);
    assertEquals(List.of("zadd:Sicily"), c.events);
    assertEquals("$16\r\n3479273021651468\r\n", c.run("ZSCORE", "Sicily", "edge1"));
    assertEquals(":0\r\n", c.run("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo"));
    assertEquals(1, c.propagated.size(), "nothing changed, nothing propagated");
    assertEquals(":1\r\n", c.run("GEOADD", "Sicily", "XX", "CH", "13", "38", "Palermo"));
    assertEquals(":0\r\n", c.run("GEOADD", "Sicily", "XX", "13", "38", "Newcity"));
  }

  @Test
  void geoaddErrors() {
    assertEquals("-ERR syntax error\r\n", c.run("GEOADD", "Sicily", "XX", "NX", "13", "38", "x"));
    assertEquals("-ERR syntax error\r\n", c.run("GEOADD", "Sicily", "CH", "XX", "foo", "13", "38", "x"));
    assertEquals("-ERR syntax error\r\n", c.run("GEOADD", "Sicily", "CH", "NX", "XX"));
    assertEquals("-ERR value is not a valid float\r\n", c.run("GEOADD", "Sicily", "13", "38", "x", "a", "b", "y"));
    assertEquals("-ERR invalid longitude,latitude pair 13.000000,86.000000\r\n",
        c.run("GEOADD", "Sicily", "13", "86", "x"));
    assertEquals("-ERR wrong number of arguments for 'geoadd' command\r\n", c.run("GEOADD", "Sicily", "13", "38"));
    c.run("SET", "str", "x");
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        c.run("GEOADD", "str", "13", "38", "x"));
    assertEquals(":1\r\n", c.run("ZCARD", "Sicily").equals(":2\r\n") ? ":1\r\n" : "members changed");
  }

  @Test
  void storesFireTheirEventsAndCountTheirResults() {
    assertEquals(":2\r\n", c.run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "r"));
    assertEquals(":2\r\n", c.run("GEOSEARCHSTORE", "s", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
        "STOREDIST"));
    assertEquals(List.of("georadiusstore:r", "geosearchstore:s"), c.events);
    assertEquals(List.of("GEORADIUS Sicily 15 37 200 km STORE r",
        "GEOSEARCHSTORE s Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST"), c.propagated);
    assertEquals("*4\r\n$7\r\nCatania\r\n$16\r\n56.4412578701582\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n",
        c.run("ZRANGE", "s", "0", "-1", "WITHSCORES"));
    c.events.clear();
    assertEquals(":0\r\n", c.run("GEOSEARCHSTORE", "s", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"));
    assertEquals(List.of("del:s"), c.events, "an empty result deletes the destination");
    assertEquals(":0\r\n", c.run("GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "r"));
    assertEquals(":0\r\n", c.run("EXISTS", "r"));
  }

  @Test
  void searchRepliesMatchRedis() {
    assertEquals("*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n", c.run("GEORADIUS", "Sicily", "15", "37", "200", "km", "ASC"));
    assertEquals("*1\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
            + "*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "COUNT", "1",
            "WITHCOORD", "WITHDIST", "WITHHASH"));
    assertEquals("*1\r\n$7\r\nPalermo\r\n", c.run("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "m"));
    c.run("HELLO", "3");
    assertEquals("*1\r\n*2\r\n$7\r\nCatania\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n",
        c.run("GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "1", "km", "WITHCOORD"));
    assertEquals("*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n",
        c.run("GEOPOS", "Sicily", "Palermo", "nope"));
    assertEquals("_\r\n", c.run("GEODIST", "Sicily", "Palermo", "nope"));
  }

  @Test
  void searchErrorsInRedisOrder() {
    assertEquals("-ERR syntax error\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "FROMMEMBER", "x", "BYBOX", "1", "1", "km"));
    assertEquals("-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch\r\n",
        c.run("geosearch", "Sicily", "BYBOX", "1", "1", "km", "ASC", "DESC", "WITHHASH"));
    assertEquals("-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "ASC", "DESC", "WITHHASH"));
    assertEquals("-ERR syntax error\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "km", "STOREDIST"));
    assertEquals("-ERR the ANY argument requires COUNT argument\r\n",
        c.run("GEORADIUS", "Sicily", "15", "37", "1", "km", "ANY"));
    assertEquals("-ERR COUNT must be > 0\r\n", c.run("GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0"));
    assertEquals("-ERR syntax error\r\n", c.run("GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT"));
    assertEquals("-ERR value is not an integer or out of range\r\n",
        c.run("GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "x"));
    assertEquals("-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
        c.run("GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "x", "WITHDIST"));
    assertEquals("-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
        c.run("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "WITHDIST"));
    assertEquals("-ERR syntax error\r\n", c.run("GEORADIUS_RO", "Sicily", "15", "37", "1", "km", "STORE", "x"));
    assertEquals("-ERR could not decode requested zset member\r\n",
        c.run("GEORADIUSBYMEMBER", "Sicily", "nope", "1", "km"));
    assertEquals("*0\r\n", c.run("GEORADIUSBYMEMBER", "nokey", "nope", "-1", "parsec"),
        "with no key the member's radius is never read");
    assertEquals("-ERR radius cannot be negative\r\n", c.run("GEORADIUS", "nokey", "15", "37", "-1", "km"));
    assertEquals("-ERR need numeric radius\r\n", c.run("GEORADIUS", "Sicily", "15", "37", "x", "km"));
    assertEquals("-ERR need numeric width\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"));
    assertEquals("-ERR need numeric height\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"));
    assertEquals("-ERR height or width cannot be negative\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "-1", "km"));
    assertEquals("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
        c.run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "parsec"));
    assertEquals("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
        c.run("GEODIST", "nokey", "a", "b", "parsec"));
    assertEquals("-ERR syntax error\r\n", c.run("GEODIST", "Sicily", "Palermo", "Catania", "km", "x"));
    c.run("SET", "str", "x");
    String wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    for (String[] cmd : new String[][] {{"GEORADIUS", "str", "x", "y", "z", "w"}, {"GEOHASH", "str"},
        {"GEOPOS", "str"}, {"GEODIST", "str", "a", "b"}, {"GEOSEARCH", "str", "BYBOX", "1", "1", "km", "ASC"},
        {"GEORADIUSBYMEMBER", "str", "m", "1", "km"}}) {
      assertEquals(wrongType, c.run(cmd), String.join(" ", cmd));
    }
  }

  @Test
  void geohashAndGeodistUnits() {
    assertEquals("*3\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n$11\r\nsqdtr74hyu0\r\n",
        c.run("GEOHASH", "Sicily", "Palermo", "nope", "Catania"));
    assertEquals("*0\r\n", c.run("GEOHASH", "Sicily"));
    assertEquals("$11\r\n166274.1516\r\n", c.run("GEODIST", "Sicily", "Palermo", "Catania"));
    assertEquals("$8\r\n166.2742\r\n", c.run("GEODIST", "Sicily", "Palermo", "Catania", "KM"));
    assertEquals("$8\r\n103.3182\r\n", c.run("GEODIST", "Sicily", "Palermo", "Catania", "mi"));
    assertEquals("$11\r\n545518.8700\r\n", c.run("GEODIST", "Sicily", "Palermo", "Catania", "ft"));
    assertEquals("$6\r\n0.0000\r\n", c.run("GEODIST", "Sicily", "Palermo", "Palermo"));
    assertEquals("$-1\r\n", c.run("GEODIST", "nokey", "Palermo", "Catania"));
    assertTrue(c.run("GEOPOS", "nokey", "a").equals("*1\r\n*-1\r\n"));
  }
}
