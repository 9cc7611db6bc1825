package dev.cairn.core.type.geo;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.type.string.LongDouble;
import dev.cairn.core.type.zset.ZSetCommands;
import dev.cairn.core.type.zset.ZSetValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * GEO commands on single members: GEOADD, GEODIST, GEOHASH, GEOPOS; the searches are in {@link GeoSearchCommands}. A
 * geo index is a plain sorted set whose scores are 52-bit geohashes ({@link GeoHash}): GEOADD runs ZADD with those
 * scores (and propagates as that ZADD, as Redis does), so every sorted-set command works on it.
 */
public final class GeoCommands implements CommandFamily {
  static final Arg UNIT = Arg.oneOf("unit", Arg.token("m"), Arg.token("km"), Arg.token("ft"), Arg.token("mi"));

  static final CommandSpec GEOADD = CommandSpec.command("geoadd", -5).group(Group.GEO).since("3.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.GEO)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Adds one or more members to a geospatial index. The key is created if it doesn't exist.")
      .complexity("O(log(N)) for each item added, where N is the number of elements in the sorted set.")
      .history("6.2.0", "Added the `CH`, `NX` and `XX` options.")
      .args(Arg.key("key", 0), Arg.oneOf("condition", Arg.token("NX"), Arg.token("XX")).optional().since("6.2.0"),
          new Arg("change", Arg.Type.PURE_TOKEN, "CH", -1, true, false, false, "6.2.0", java.util.List.of()),
          Arg.block("data", Arg.dbl("longitude"), Arg.dbl("latitude"), Arg.string("member")).multiple())
      .build();
  static final CommandSpec GEODIST = CommandSpec.command("geodist", -4).group(Group.GEO).since("3.2.0")
      .flags(Flag.READONLY).acl(AclCategory.GEO)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the distance between two members of a geospatial index.").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("member1"), Arg.string("member2"), UNIT.optional()).build();
  static final CommandSpec GEOHASH = CommandSpec.command("geohash", -2).group(Group.GEO).since("3.2.0")
      .flags(Flag.READONLY).acl(AclCategory.GEO)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns members from a geospatial index as geohash strings.")
      .complexity("O(1) for each member requested.")
      .args(Arg.key("key", 0), Arg.string("member").optional().multiple()).build();
  static final CommandSpec GEOPOS = CommandSpec.command("geopos", -2).group(Group.GEO).since("3.2.0")
      .flags(Flag.READONLY).acl(AclCategory.GEO)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Returns the longitude and latitude of members from a geospatial index.")
      .complexity("O(1) for each member requested.")
      .args(Arg.key("key", 0), Arg.string("member").optional().multiple()).build();

  static final RedisException BAD_UNIT = Errors.err("unsupported unit provided. please use M, KM, FT, MI");
  private static final byte[] ZADD = "zadd".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void register(CommandRegistry r) {
    r.add(GEOADD, GeoCommands::geoadd);
    r.add(GEODIST, GeoCommands::geodist);
    r.add(GEOHASH, (c, a) -> perMember(c, a, false));
    r.add(GEOPOS, (c, a) -> perMember(c, a, true));
    new GeoSearchCommands().register(r);
  }

  /**
   * A double argument as Redis's getDoubleFromObject reads it: like a score, but a value that overflows to infinity or
   * underflows to zero (strtod's ERANGE) is refused too.
   */
  static double parseDouble(byte[] b, RedisException error) {
    double d = Args.parseDouble(b, error);
    if (Double.isInfinite(d)) {
      String s = new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
      if (!s.contains("inf")) {
        throw error;
      }
    } else if (d == 0 && hasNonZeroMantissa(b)) {
      throw error;
    }
    return d;
  }

  /** Whether the digits before any exponent include one that is not 0 (so a zero result is an underflow). */
  private static boolean hasNonZeroMantissa(byte[] b) {
    boolean hex = false;
    for (int i = 0; i < b.length; i++) {
      int ch = b[i] | 0x20;
      if (ch == 'x') {
        hex = true;
      } else if (hex ? ch == 'p' : ch == 'e') {
        return false;
      } else if (b[i] >= '1' && b[i] <= '9' || hex && ch >= 'a' && ch <= 'f') {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses a longitude and latitude at {@code a[i]}, {@code a[i + 1]} into {@code xy}; refuses a position outside the
   * limits geohashes can encode.
   */
  static void lonLat(Args a, int i, double[] xy) {
    xy[0] = parseDouble(a.get(i), Errors.NOT_FLOAT);
    xy[1] = parseDouble(a.get(i + 1), Errors.NOT_FLOAT);
    if (xy[0] < GeoHash.LON_MIN || xy[0] > GeoHash.LON_MAX || xy[1] < GeoHash.LAT_MIN || xy[1] > GeoHash.LAT_MAX) {
      throw Errors.err("invalid longitude,latitude pair " + cFixed(xy[0], 6) + "," + cFixed(xy[1], 6));
    }
  }

  /** printf's {@code %.Nf}: the exact binary value rounded half to even, sign kept (also on a rounded-off zero). */
  static String cFixed(double d, int decimals) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    String s = new BigDecimal(Math.abs(d)).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    return d < 0 || d == 0 && 1 / d < 0 ? "-" + s : s;
  }

  /** The metres in one {@code unit} (m, km, ft, mi in any case), or BAD_UNIT. */
  static double unit(byte[] unit) {
    if (Args.equalsIgnoreCase(unit, "m")) {
      return 1;
    } else if (Args.equalsIgnoreCase(unit, "km")) {
      return 1000;
    } else if (Args.equalsIgnoreCase(unit, "ft")) {
      return 0.3048;
    } else if (Args.equalsIgnoreCase(unit, "mi")) {
      return 1609.34;
    }
    throw BAD_UNIT;
  }

  /**
   * A distance with four decimals, as Redis 7.2 writes it: the value times 10^4 rounded to an integer (ties to even),
   * then the digits with a dot; an out-of-range product gives the integer Long.MIN_VALUE, as llrint does on x86-64.
   */
  static String distance(double d) {
    if (d == 0) {
      return "0.0000";
    }
    double scaled = Math.rint(d * 10000.0);
    long v = scaled >= -9.223372036854775808E18 && scaled < 9.223372036854775808E18 ? (long) scaled : Long.MIN_VALUE;
    String digits = v == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(v));
    StringBuilder sb = new StringBuilder(24);
    if (v < 0) {
      sb.append('-');
    }
    if (digits.length() <= 4) {
      sb.append("0.").append("0".repeat(4 - digits.length())).append(digits);
    } else {
      sb.append(digits, 0, digits.length() - 4).append('.').append(digits, digits.length() - 4, digits.length());
    }
    return sb.toString();
  }

  /** A coordinate as Redis writes it: {@code %.17Lf} with the trailing zeros trimmed. */
  static String coordinate(double d) {
    return LongDouble.format(new BigDecimal(d));
  }

  /** GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...] */
  static void geoadd(CommandContext c, Args a) {
    boolean nx = false;
    boolean xx = false;
    int first = 2;
    for (; first < a.size(); first++) {
      if (a.is(first, "nx")) {
        nx = true;
      } else if (a.is(first, "xx")) {
        xx = true;
      } else if (!a.is(first, "ch")) {
        break;
      }
    }
    if ((a.size() - first) % 3 != 0 || nx && xx) {
      throw Errors.SYNTAX;
    }
    int elements = (a.size() - first) / 3;
    // ZADD key [options] score member ..., with each position's geohash as its score
    byte[][] zadd = new byte[first + 2 * elements][];
    zadd[0] = ZADD;
    for (int i = 1; i < first; i++) {
      zadd[i] = a.get(i);
    }
    double[] xy = new double[2];
    for (int i = 0; i < elements; i++) {
      lonLat(a, first + 3 * i, xy);
      long bits = GeoHash.encode(xy[0], xy[1], GeoHash.STEP_MAX);
      zadd[first + 2 * i] = Long.toString(bits).getBytes(StandardCharsets.US_ASCII);
      zadd[first + 2 * i + 1] = a.get(first + 3 * i + 2);
    }
    c.propagate(zadd);
    ZSetCommands.zadd(c, new Args(zadd, zadd.length));
  }

  /** The member's position as {lon, lat}, or null if it is not in {@code z}. */
  static double[] position(ZSetValue z, byte[] member) {
    double score = z == null ? Double.NaN : z.score(member);
    if (Double.isNaN(score)) {
      return null;
    }
    double[] xy = new double[2];
    GeoHash.decode(GeoHash.scoreBits(score), xy);
    return xy;
  }

  /** GEODIST key member1 member2 [M|KM|FT|MI] */
  static void geodist(CommandContext c, Args a) {
    double toMeters = 1;
    if (a.size() == 5) {
      toMeters = unit(a.get(4));
    } else if (a.size() > 5) {
      throw Errors.SYNTAX;
    }
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    double[] p1 = position(z, a.get(2));
    double[] p2 = p1 == null ? null : position(z, a.get(3));
    if (p2 == null) {
      c.reply().nullBulk();
      return;
    }
    c.reply().bulk(distance(GeoHash.distance(p1[0], p1[1], p2[0], p2[1]) / toMeters));
  }

  /** GEOHASH key [member [member ...]] and GEOPOS key [member [member ...]]: a reply per member, null if missing. */
  static void perMember(CommandContext c, Args a, boolean positions) {
    ZSetValue z = c.db().get(a.get(1), ZSetValue.class);
    Reply r = c.reply();
    r.array(a.size() - 2);
    for (int i = 2; i < a.size(); i++) {
      double[] xy = position(z, a.get(i));
      if (xy == null) {
        if (positions) {
          r.nullArray();
        } else {
          r.nullBulk();
        }
      } else if (positions) {
        r.array(2);
        r.doubleText(coordinate(xy[0]));
        r.doubleText(coordinate(xy[1]));
      } else {
        r.bulk(standardGeohash(xy[0], xy[1]));
      }
    }
  }

  /** The standard base-32 geohash of a position, 11 characters (latitude over -90..90, not Redis's -85..85). */
  static byte[] standardGeohash(double lon, double lat) {
    long bits = GeoHash.encode(-180, 180, -90, 90, lon, lat, GeoHash.STEP_MAX);
    byte[] out = new byte[11];
    for (int k = 0; k < 11; k++) {
      // 52 bits make ten characters; the eleventh, for the customary length, stands for zero bits
      int idx = k == 10 ? 0 : (int) ((bits >>> (52 - (k + 1) * 5)) & 0x1f);
      out[k] = ALPHABET[idx];
    }
    return out;
  }
}
