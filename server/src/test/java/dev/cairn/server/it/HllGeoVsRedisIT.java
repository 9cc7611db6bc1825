package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The same random PFADD and GEOADD workloads sent to Cairn and to a real redis-server started for the test: the HLL
 * strings must be byte-identical, and PFCOUNT, the geo scores and every GEO reply the same (stored distances compared
 * as doubles, since Redis 7.0 prints doubles with 17 digits where 7.2 and Cairn print the shortest form). Skipped,
 * saying so, where redis-server is not installed.
 */
class HllGeoVsRedisIT extends ServerTestBase {
  private static final String SKIP = "redis-server not found on PATH: the HLL/GEO cross-check against real Redis is "
      + "skipped";

  private RealRedis startRedis() throws Exception {
    String bin = RealRedis.binary();
    if (bin == null) {
      System.out.println(getClass().getSimpleName() + ": " + SKIP);
    }
    assumeTrue(bin != null, SKIP);
    return RealRedis.start(bin, RealRedis.freePort());
  }

  private static byte[] randomElement(Random rnd) {
    byte[] e = new byte[rnd.nextInt(21)];
    if (rnd.nextInt(4) == 0) {
      rnd.nextBytes(e); // binary, with every byte value
    } else {
      for (int i = 0; i < e.length; i++) {
        e[i] = (byte) ('a' + rnd.nextInt(26));
      }
    }
    return e;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void hyperLogLogStringsAndCountsAreRedis() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("HllGeoVsRedisIT.hyperLogLog seed " + seed);
    Random rnd = new Random(seed);
    try (RealRedis redis = startRedis(); Jedis real = redis.connect()) {
      int[] sizes = {1, 5, 50, 300, 1000, 3000, 12_000};
      for (String max : new String[] {"3000", "200", "30", "10000"}) {
        real.configSet("hll-sparse-max-bytes", max);
        jedis.configSet("hll-sparse-max-bytes", max);
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
          String key = "h" + k + ":" + max;
          keys.add(key);
          int n = sizes[rnd.nextInt(sizes.length)];
          for (int added = 0; added < n; ) {
            byte[][] batch = new byte[1 + rnd.nextInt(Math.min(200, n - added))][];
            for (int i = 0; i < batch.length; i++) {
              batch[i] = randomElement(rnd);
            }
            added += batch.length;
            String at = key + " after " + added + " elements, seed " + seed;
            assertEquals(real.pfadd(b(key), batch), jedis.pfadd(b(key), batch), at);
            if (rnd.nextInt(5) == 0) {
              assertEquals(real.pfcount(key), jedis.pfcount(key), at);
            }
            if (rnd.nextInt(5) == 0) {
              assertArrayEquals(real.get(b(key)), jedis.get(b(key)), at);
            }
          }
          String at = key + ", seed " + seed;
          assertArrayEquals(real.get(b(key)), jedis.get(b(key)), at);
          assertEquals(real.pfcount(key), jedis.pfcount(key), at);
          assertArrayEquals(real.get(b(key)), jedis.get(b(key)), "cached count in the header, " + at);
          assertEquals(new String((byte[]) real.sendCommand(() -> b("PFDEBUG"), b("ENCODING"), b(key))),
              new String((byte[]) jedis.sendCommand(() -> b("PFDEBUG"), b("ENCODING"), b(key))), at);
        }
        for (int i = 0; i < 5; i++) {
          String[] some = keys.subList(0, 1 + rnd.nextInt(keys.size())).toArray(new String[0]);
          assertEquals(real.pfcount(some), jedis.pfcount(some), "union, seed " + seed);
          String dst = "merge" + i + ":" + max;
          assertEquals(real.pfmerge(dst, some), jedis.pfmerge(dst, some));
          assertArrayEquals(real.get(b(dst)), jedis.get(b(dst)), dst + ", seed " + seed);
          // a Redis payload restores to the same bytes
          byte[] payload = real.dump(dst);
          assertEquals("OK", jedis.restore(b("restored"), 0, payload));
          assertArrayEquals(real.get(b(dst)), jedis.get(b("restored")), "restored " + dst + ", seed " + seed);
          jedis.del("restored");
        }
      }
    }
  }

  /** Sends the same command to both servers and asserts the exact same reply. */
  private static String same(RawClient ours, RawClient theirs, String context, String... cmd) throws Exception {
    String want = theirs.command(cmd).readReply();
    String got = ours.command(cmd).readReply();
    assertEquals(want, got, String.join(" ", cmd) + ", " + context);
    return got;
  }

  private static String num(double d) {
    return Double.toString(d);
  }

  /** Members and scores of a ZRANGE ... WITHSCORES reply in RESP2, scores parsed. */
  private static List<String> scored(String reply) {
    String[] lines = reply.split("\r\n");
    List<String> out = new ArrayList<>();
    for (int i = 2; i + 2 < lines.length; i += 4) {
      out.add(lines[i] + "=" + Double.parseDouble(lines[i + 2]));
    }
    return out;
  }

  @Test
  void geoScoresAndSearchesAreRedis() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("HllGeoVsRedisIT.geo seed " + seed);
    Random rnd = new Random(seed);
    try (RealRedis redis = startRedis(); RawClient theirs = new RawClient("127.0.0.1", redis.port);
        RawClient ours = raw()) {
      theirs.setTimeout(30_000);
      ours.setTimeout(30_000);
      String ctx = "seed " + seed;
      for (int k = 0; k < 3; k++) {
        String key = "geo" + k;
        int n = new int[] {40, 400, 2500}[k];
        List<double[]> pts = new ArrayList<>();
        List<String> add = new ArrayList<>(List.of("GEOADD", key));
        for (int i = 0; i < n; i++) {
          double[] p;
          if (!pts.isEmpty() && rnd.nextInt(10) == 0) {
            p = pts.get(rnd.nextInt(pts.size())); // the same place twice: equal distances, tie order matters
          } else if (rnd.nextInt(50) == 0) {
            p = new double[] {rnd.nextBoolean() ? 180 : -180, rnd.nextBoolean() ? 85.05112878 : -85.05112878};
          } else if (rnd.nextBoolean()) {
            p = new double[] {10 + rnd.nextGaussian() * 3, 45 + rnd.nextGaussian() * 3};
          } else {
            p = new double[] {-180 + 360 * rnd.nextDouble(), -85 + 170 * rnd.nextDouble()};
          }
          pts.add(p);
          add.add(num(p[0]));
          add.add(num(p[1]));
          add.add("m" + i);
          if (add.size() > 300 || i == n - 1) {
            same(ours, theirs, ctx, add.toArray(new String[0]));
            add = new ArrayList<>(List.of("GEOADD", key));
          }
        }
        same(ours, theirs, ctx, "ZRANGE", key, "0", "-1", "WITHSCORES");
        for (int q = 0; q < 120; q++) {
          if (q == 60) {
            // the rest in RESP3 (HELLO's own reply names the server, so it is not compared)
            theirs.command("HELLO", "3").readReply();
            ours.command("HELLO", "3").readReply();
          }
          double[] centre = rnd.nextBoolean() ? pts.get(rnd.nextInt(n))
              : new double[] {Math.max(-180, Math.min(180, 10 + rnd.nextGaussian() * 5)), 45 + rnd.nextGaussian() * 5};
          String unit = new String[] {"m", "km", "mi", "ft", "KM"}[rnd.nextInt(5)];
          double toMeters = switch (unit) {
            case "km", "KM" -> 1000;
            case "mi" -> 1609.34;
            case "ft" -> 0.3048;
            default -> 1;
          };
          double radius = new double[] {1e3, 1e4, 1e5, 5e5, 2e6, 1e7}[rnd.nextInt(6)] * rnd.nextDouble() / toMeters;
          List<String> opts = new ArrayList<>();
          if (rnd.nextBoolean()) {
            opts.add(rnd.nextBoolean() ? "ASC" : "DESC");
          }
          if (rnd.nextInt(5) < 2) {
            opts.add("COUNT");
            opts.add(Integer.toString(1 + rnd.nextInt(40)));
            if (rnd.nextInt(3) == 0) {
              opts.add("ANY");
            }
          }
          List<String> with = new ArrayList<>();
          for (String w : new String[] {"WITHDIST", "WITHHASH", "WITHCOORD"}) {
            if (rnd.nextInt(5) < 2) {
              with.add(w);
            }
          }
          List<String> from = rnd.nextBoolean() ? List.of("FROMLONLAT", num(centre[0]), num(centre[1]))
              : List.of("FROMMEMBER", "m" + rnd.nextInt(n));
          List<String> by = rnd.nextBoolean() ? List.of("BYRADIUS", num(radius), unit)
              : List.of("BYBOX", num(2 * radius * rnd.nextDouble()), num(2 * radius * rnd.nextDouble()), unit);
          List<String> cmd = new ArrayList<>();
          switch (rnd.nextInt(4)) {
            case 0 -> cmd.addAll(List.of("GEORADIUS", key, num(centre[0]), num(centre[1]), num(radius), unit));
            case 1 -> cmd.addAll(List.of("GEORADIUSBYMEMBER_RO", key, "m" + rnd.nextInt(n), num(radius), unit));
            case 2 -> {
              cmd.addAll(List.of("GEOSEARCH", key));
              cmd.addAll(from);
              cmd.addAll(by);
            }
            default -> {
              cmd.addAll(List.of("GEOSEARCHSTORE", "dst", key));
              cmd.addAll(from);
              cmd.addAll(by);
              cmd.addAll(opts);
              boolean dist = rnd.nextBoolean();
              if (dist) {
                cmd.add("STOREDIST");
              }
              same(ours, theirs, ctx, cmd.toArray(new String[0]));
              if (q < 60) {
                String want = theirs.command("ZRANGE", "dst", "0", "-1", "WITHSCORES").readReply();
                String got = ours.command("ZRANGE", "dst", "0", "-1", "WITHSCORES").readReply();
                assertEquals(scored(want), scored(got), String.join(" ", cmd) + ", " + ctx);
              }
              continue;
            }
          }
          cmd.addAll(opts);
          cmd.addAll(with);
          same(ours, theirs, ctx, cmd.toArray(new String[0]));
        }
        theirs.command("HELLO", "2").readReply();
        ours.command("HELLO", "2").readReply();
        for (int i = 0; i < 40; i++) {
          String m1 = "m" + rnd.nextInt(n);
          String m2 = "m" + rnd.nextInt(n);
          same(ours, theirs, ctx, "GEODIST", key, m1, m2, new String[] {"m", "km", "mi", "ft"}[rnd.nextInt(4)]);
          same(ours, theirs, ctx, "GEOPOS", key, m1, "nope", m2);
          same(ours, theirs, ctx, "GEOHASH", key, m1, m2, "nope");
        }
      }
      assertTrue(same(ours, theirs, ctx, "ZCARD", "geo2").startsWith(":"));
    }
  }
}
