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
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.type.StoreResult;
import dev.cairn.core.type.zset.ZSetCommands;
import dev.cairn.core.type.zset.ZSetValue;
import java.util.Arrays;

/**
 * GEO searches: GEORADIUS, GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH, GEOSEARCHSTORE. One routine serves all
 * six, as in Redis, so arguments are accepted, refused and checked in the same order: the source key's type first,
 * then the centre and shape, the options one by one, then the combinations.
 *
 * <p>A search reads the nine geohash cells around the centre ({@link GeoHash#cells}), each one score range of the
 * sorted set, keeps the points inside the circle or box, sorts them if asked (or if COUNT needs the nearest), and
 * replies or stores them.
 */
final class GeoSearchCommands implements CommandFamily {
  private static final Arg WITH_COORD = Arg.token("WITHCOORD").optional();
  private static final Arg WITH_DIST = Arg.token("WITHDIST").optional();
  private static final Arg WITH_HASH = Arg.token("WITHHASH").optional();
  private static final Arg ORDER = Arg.oneOf("order", Arg.token("ASC"), Arg.token("DESC")).optional();
  private static final String RADIUS_COMPLEXITY = "O(N+log(M)) where N is the number of elements inside the bounding "
      + "box of the circular area delimited by center and radius and M is the number of items inside the index.";
  private static final String SEARCH_COMPLEXITY = "O(N+log(M)) where N is the number of elements in the grid-aligned "
      + "bounding box area around the shape provided as the filter and M is the number of items inside the shape";

  private static Arg countBlock(boolean anySince62) {
    Arg any = Arg.token("ANY").optional();
    return Arg.block("count-block", Arg.integer("count").withToken("COUNT"), anySince62 ? any.since("6.2.0") : any)
        .optional();
  }

  private static final Arg STORE = Arg.oneOf("store", Arg.key("storekey", 1).withToken("STORE"),
      Arg.key("storedistkey", 2).withToken("STOREDIST")).optional();
  private static final Arg FROM = Arg.oneOf("from", Arg.string("member").withToken("FROMMEMBER"),
      Arg.block("fromlonlat", Arg.dbl("longitude"), Arg.dbl("latitude")).withToken("FROMLONLAT"));
  private static final Arg BY = Arg.oneOf("by",
      Arg.block("circle", Arg.dbl("radius").withToken("BYRADIUS"), GeoCommands.UNIT),
      Arg.block("box", Arg.dbl("width").withToken("BYBOX"), Arg.dbl("height"), GeoCommands.UNIT));

  static final CommandSpec GEORADIUS = radius("georadius", -6, "3.2.0", true, false)
      .summary("Queries a geospatial index for members within a distance from a coordinate, optionally stores the "
          + "result.")
      .history("6.2.0", "Added the `ANY` option for `COUNT`.")
      .history("7.0.0", "Added support for uppercase unit names.")
      .deprecated("6.2.0", "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument").build();
  static final CommandSpec GEORADIUS_RO = radius("georadius_ro", -6, "3.2.10", false, false)
      .summary("Returns members from a geospatial index that are within a distance from a coordinate.")
      .history("6.2.0", "Added the `ANY` option for `COUNT`.")
      .deprecated("6.2.0", "`GEOSEARCH` with the `BYRADIUS` argument").build();
  static final CommandSpec GEORADIUSBYMEMBER = radius("georadiusbymember", -5, "3.2.0", true, true)
      .summary("Queries a geospatial index for members within a distance from a member, optionally stores the "
          + "result.")
      .history("7.0.0", "Added support for uppercase unit names.")
      .deprecated("6.2.0", "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments").build();
  static final CommandSpec GEORADIUSBYMEMBER_RO = radius("georadiusbymember_ro", -5, "3.2.10", false, true)
      .summary("Returns members from a geospatial index that are within a distance from a member.")
      .deprecated("6.2.0", "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments").build();
  static final CommandSpec GEOSEARCH = CommandSpec.command("geosearch", -7).group(Group.GEO).since("6.2.0")
      .flags(Flag.READONLY).acl(AclCategory.GEO)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Queries a geospatial index for members inside an area of a box or a circle.")
      .complexity(SEARCH_COMPLEXITY).history("7.0.0", "Added support for uppercase unit names.")
      .args(Arg.key("key", 0), FROM, BY, ORDER, countBlock(false), WITH_COORD, WITH_DIST, WITH_HASH).build();
  static final CommandSpec GEOSEARCHSTORE = CommandSpec.command("geosearchstore", -8).group(Group.GEO).since("6.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.GEO)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .summary("Queries a geospatial index for members inside an area of a box or a circle, optionally stores the "
          + "result.")
      .complexity(SEARCH_COMPLEXITY).history("7.0.0", "Added support for uppercase unit names.")
      .args(Arg.key("destination", 0), Arg.key("source", 1), FROM, BY, ORDER, countBlock(false),
          Arg.token("STOREDIST").optional())
      .build();

  /** The GEORADIUS family's specs: by coordinates or by member, with STORE/STOREDIST or read-only. */
  private static CommandSpec.Builder radius(String name, int arity, String since, boolean store, boolean byMember) {
    CommandSpec.Builder b = CommandSpec.command(name, arity).group(Group.GEO).since(since)
        .acl(AclCategory.GEO).complexity(RADIUS_COMPLEXITY)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS));
    int optionsFrom = byMember ? 5 : 6;
    if (store) {
      b.flags(Flag.WRITE, Flag.DENYOOM)
          .key(KeySpec.keyword("STORE", optionsFrom).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
          .key(KeySpec.keyword("STOREDIST", optionsFrom).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE));
    } else {
      b.flags(Flag.READONLY);
    }
    Arg[] centre = byMember ? new Arg[] {Arg.string("member")} : new Arg[] {Arg.dbl("longitude"),
        Arg.dbl("latitude")};
    java.util.List<Arg> args = new java.util.ArrayList<>();
    args.add(Arg.key("key", 0));
    args.addAll(Arrays.asList(centre));
    args.addAll(Arrays.asList(Arg.dbl("radius"), GeoCommands.UNIT, WITH_COORD, WITH_DIST, WITH_HASH,
        countBlock(!byMember), ORDER));
    if (store) {
      args.add(STORE);
    }
    return b.args(args.toArray(new Arg[0]));
  }

  /** How the search was called: Redis's flags for its one search routine. */
  private static final int BY_COORDS = 1;
  private static final int BY_MEMBER = 2;
  private static final int NO_STORE = 4;
  private static final int SEARCH = 8;
  private static final int SEARCH_STORE = 16;

  private static final int SORT_NONE = 0;
  private static final int SORT_ASC = 1;
  private static final int SORT_DESC = 2;

  static final RedisException NO_MEMBER = Errors.err("could not decode requested zset member");
  static final RedisException NEED_RADIUS = Errors.err("need numeric radius");
  static final RedisException NEED_WIDTH = Errors.err("need numeric width");
  static final RedisException NEED_HEIGHT = Errors.err("need numeric height");
  static final RedisException NEGATIVE_RADIUS = Errors.err("radius cannot be negative");
  static final RedisException NEGATIVE_BOX = Errors.err("height or width cannot be negative");
  static final RedisException COUNT_NOT_POSITIVE = Errors.err("COUNT must be > 0");
  static final RedisException ANY_NEEDS_COUNT = Errors.err("the ANY argument requires COUNT argument");

  @Override
  public void register(CommandRegistry r) {
    r.add(GEORADIUS, (c, a) -> search(c, a, 1, BY_COORDS));
    r.add(GEORADIUS_RO, (c, a) -> search(c, a, 1, BY_COORDS | NO_STORE));
    r.add(GEORADIUSBYMEMBER, (c, a) -> search(c, a, 1, BY_MEMBER));
    r.add(GEORADIUSBYMEMBER_RO, (c, a) -> search(c, a, 1, BY_MEMBER | NO_STORE));
    r.add(GEOSEARCH, (c, a) -> search(c, a, 1, SEARCH));
    r.add(GEOSEARCHSTORE, (c, a) -> search(c, a, 2, SEARCH | SEARCH_STORE));
  }

  /** The search area: a circle of {@code radius} or a {@code width} x {@code height} box, in units of {@code toMeters}. */
  private static final class Shape {
    final double[] xy = new double[2];
    boolean box;
    double toMeters;
    double radius;
    double width;
    double height;

    /** Reads "radius unit" at {@code a[i]}. */
    void circle(Args a, int i) {
      double r = GeoCommands.parseDouble(a.get(i), NEED_RADIUS);
      if (r < 0) {
        throw NEGATIVE_RADIUS;
      }
      radius = r;
      toMeters = GeoCommands.unit(a.get(i + 1));
      box = false;
    }

    /** Reads "width height unit" at {@code a[i]}. */
    void box(Args a, int i) {
      double w = GeoCommands.parseDouble(a.get(i), NEED_WIDTH);
      double h = GeoCommands.parseDouble(a.get(i + 1), NEED_HEIGHT);
      if (h < 0 || w < 0) {
        throw NEGATIVE_BOX;
      }
      width = w;
      height = h;
      toMeters = GeoCommands.unit(a.get(i + 2));
      box = true;
    }

    /** Whether the point {@code p} is inside; its distance from the centre goes to {@code dist[0]}. */
    boolean contains(double[] p, double[] dist) {
      if (!box) {
        dist[0] = GeoHash.distance(xy[0], xy[1], p[0], p[1]);
        return !(dist[0] > radius * toMeters);
      }
      double w = width * toMeters;
      double h = height * toMeters;
      // the latitude distance is the cheaper test, so it goes first
      if (GeoHash.latDistance(p[1], xy[1]) > h / 2) {
        return false;
      }
      if (GeoHash.distance(p[0], p[1], xy[0], p[1]) > w / 2) {
        return false;
      }
      dist[0] = GeoHash.distance(xy[0], xy[1], p[0], p[1]);
      return true;
    }

    GeoHash.Cells cells() {
      double[] bounds = box
          ? GeoHash.boundingBox(xy[0], xy[1], toMeters * (width / 2), toMeters * (height / 2))
          : GeoHash.boundingBox(xy[0], xy[1], toMeters * radius, toMeters * radius);
      double r = box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) : radius;
      return GeoHash.cells(xy[0], xy[1], r * toMeters, bounds);
    }
  }

  /** The points found, in the order found (then sorted through {@link #order}). */
  private static final class Points {
    int n;
    double[] lon = new double[8];
    double[] lat = new double[8];
    double[] dist = new double[8];
    double[] score = new double[8];
    byte[][] member = new byte[8][];

    void add(double[] xy, double d, double s, byte[] m) {
      if (n == lon.length) {
        int cap = n * 2;
        lon = Arrays.copyOf(lon, cap);
        lat = Arrays.copyOf(lat, cap);
        dist = Arrays.copyOf(dist, cap);
        score = Arrays.copyOf(score, cap);
        member = Arrays.copyOf(member, cap);
      }
      lon[n] = xy[0];
      lat[n] = xy[1];
      dist[n] = d;
      score[n] = s;
      member[n] = m;
      n++;
    }
  }

  /**
   * Collects the points inside the shape from the nine cells; with {@code limit} (COUNT ... ANY) it stops once it has
   * that many. A cell equal to the one read just before it is skipped (with big radii neighbours coincide).
   */
  private static Points collect(ZSetValue z, Shape shape, long limit) {
    GeoHash.Cells cells = shape.cells();
    Points pts = new Points();
    double[] xy = new double[2];
    double[] dist = new double[1];
    int last = 0;
    for (int i = 0; i < 9; i++) {
      long bits = cells.bits[i];
      int step = cells.steps[i];
      if (bits == 0 && step == 0) {
        continue;
      }
      if (last != 0 && bits == cells.bits[last] && step == cells.steps[last]) {
        continue;
      }
      if (pts.n > 0 && limit > 0 && pts.n >= limit) {
        break;
      }
      int shift = 52 - step * 2;
      z.forEachInScoreRange((double) (bits << shift), (double) ((bits + 1) << shift), (m, s) -> {
        GeoHash.decode(GeoHash.scoreBits(s), xy);
        if (shape.contains(xy, dist)) {
          pts.add(xy, dist[0], s, m);
        }
        return !(limit > 0 && pts.n >= limit);
      });
      last = i;
    }
    return pts;
  }

  /** C's conversion of a score to long long (WITHHASH): truncation, and the "integer indefinite" when out of range. */
  private static long hashOf(double score) {
    return score >= -9.223372036854775808E18 && score < 9.223372036854775808E18 ? (long) score : Long.MIN_VALUE;
  }

  /**
   * GEORADIUS key longitude latitude radius unit [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]
   * [STORE key|STOREDIST key]; GEORADIUSBYMEMBER key member radius unit ...; their _RO forms without STORE;
   * GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius unit|BYBOX width height unit
   * [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]; GEOSEARCHSTORE destination source ...
   * [STOREDIST].
   */
  static void search(CommandContext c, Args a, int srcIndex, int flags) {
    Database db = c.db();
    ZSetValue z = db.get(a.get(srcIndex), ZSetValue.class);
    Shape shape = new Shape();
    byte[] storeKey = null;
    boolean storeDist = false;
    int base;
    if ((flags & BY_COORDS) != 0) {
      base = 6;
      GeoCommands.lonLat(a, 2, shape.xy);
      shape.circle(a, 4);
    } else if ((flags & BY_MEMBER) != 0) {
      base = 5;
      // with no source key there is nothing to decode, but the options are still checked
      if (z != null) {
        memberPosition(z, a.get(2), shape.xy);
        shape.circle(a, 3);
      }
    } else {
      base = 2;
      if ((flags & SEARCH_STORE) != 0) {
        base = 3;
        storeKey = a.get(1);
      }
    }
    boolean withDist = false;
    boolean withHash = false;
    boolean withCoord = false;
    boolean fromMember = false;
    boolean fromLonLat = false;
    boolean byRadius = false;
    boolean byBox = false;
    boolean any = false;
    int sort = SORT_NONE;
    long count = 0;
    boolean search = (flags & SEARCH) != 0;
    boolean canStore = (flags & NO_STORE) == 0 && !search;
    int remaining = a.size() - base;
    for (int i = 0; i < remaining; i++) {
      int at = base + i;
      if (a.is(at, "withdist")) {
        withDist = true;
      } else if (a.is(at, "withhash")) {
        withHash = true;
      } else if (a.is(at, "withcoord")) {
        withCoord = true;
      } else if (a.is(at, "any")) {
        any = true;
      } else if (a.is(at, "asc")) {
        sort = SORT_ASC;
      } else if (a.is(at, "desc")) {
        sort = SORT_DESC;
      } else if (a.is(at, "count") && i + 1 < remaining) {
        count = a.longArg(at + 1);
        if (count <= 0) {
          throw COUNT_NOT_POSITIVE;
        }
        i++;
      } else if (a.is(at, "store") && i + 1 < remaining && canStore) {
        storeKey = a.get(at + 1);
        storeDist = false;
        i++;
      } else if (a.is(at, "storedist") && i + 1 < remaining && canStore) {
        storeKey = a.get(at + 1);
        storeDist = true;
        i++;
      } else if (a.is(at, "storedist") && search && (flags & SEARCH_STORE) != 0) {
        storeDist = true;
      } else if (a.is(at, "frommember") && i + 1 < remaining && search && !fromLonLat) {
        if (z != null) {
          memberPosition(z, a.get(at + 1), shape.xy);
        }
        fromMember = true;
        i++;
      } else if (a.is(at, "fromlonlat") && i + 2 < remaining && search && !fromMember) {
        GeoCommands.lonLat(a, at + 1, shape.xy);
        fromLonLat = true;
        i += 2;
      } else if (a.is(at, "byradius") && i + 2 < remaining && search && !byBox) {
        shape.circle(a, at + 1);
        byRadius = true;
        i += 2;
      } else if (a.is(at, "bybox") && i + 3 < remaining && search && !byRadius) {
        shape.box(a, at + 1);
        byBox = true;
        i += 3;
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (storeKey != null && (withDist || withHash || withCoord)) {
      throw Errors.err(((flags & SEARCH_STORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
          + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    }
    if (search && !(fromMember || fromLonLat)) {
      throw Errors.err("exactly one of FROMMEMBER or FROMLONLAT can be specified for " + a.string(0));
    }
    if (search && !(byRadius || byBox)) {
      throw Errors.err("exactly one of BYRADIUS and BYBOX can be specified for " + a.string(0));
    }
    if (any && count == 0) {
      throw ANY_NEEDS_COUNT;
    }
    if (z == null) {
      if (storeKey != null) {
        StoreResult.storeEmpty(c, db, storeKey);
      } else {
        c.reply().array(0);
      }
      return;
    }
    // COUNT without an order means the nearest ones, unless ANY says any will do
    if (count != 0 && sort == SORT_NONE && !any) {
      sort = SORT_ASC;
    }
    Points pts = collect(z, shape, any ? count : 0);
    if (pts.n == 0 && storeKey == null) {
      c.reply().array(0);
      return;
    }
    int returned = count == 0 || pts.n < count ? pts.n : (int) count;
    int[] order = new int[pts.n];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (sort != SORT_NONE) {
      double[] d = Arrays.copyOf(pts.dist, pts.n);
      if (returned == pts.n) {
        GeoSort.sort(order, d, sort == SORT_DESC);
      } else {
        GeoSort.partialSort(order, d, sort == SORT_DESC, 0, returned - 1);
      }
    }
    if (storeKey == null) {
      reply(c.reply(), pts, order, returned, shape.toMeters, withDist, withHash, withCoord);
    } else {
      store(c, db, storeKey, pts, order, returned, shape.toMeters, storeDist, search);
    }
  }

  /** The position of a member of the source set into {@code xy}; "could not decode" if it is not one. */
  private static void memberPosition(ZSetValue z, byte[] member, double[] xy) {
    double[] p = GeoCommands.position(z, member);
    if (p == null) {
      throw NO_MEMBER;
    }
    xy[0] = p[0];
    xy[1] = p[1];
  }

  private static void reply(Reply r, Points pts, int[] order, int returned, double toMeters, boolean withDist,
      boolean withHash, boolean withCoord) {
    int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
    r.array(returned);
    for (int k = 0; k < returned; k++) {
      int i = order[k];
      if (options > 0) {
        r.array(options + 1);
      }
      r.bulk(pts.member[i]);
      if (withDist) {
        r.bulk(GeoCommands.distance(pts.dist[i] / toMeters));
      }
      if (withHash) {
        r.integer(hashOf(pts.score[i]));
      }
      if (withCoord) {
        r.array(2);
        r.doubleText(GeoCommands.coordinate(pts.lon[i]));
        r.doubleText(GeoCommands.coordinate(pts.lat[i]));
      }
    }
  }

  /**
   * STORE / STOREDIST / GEOSEARCHSTORE: the results become a sorted set scored by geohash (a geo index again) or by
   * distance in the query's unit; none deletes the destination.
   */
  private static void store(CommandContext c, Database db, byte[] key, Points pts, int[] order, int returned,
      double toMeters, boolean storeDist, boolean search) {
    if (returned == 0) {
      StoreResult.storeEmpty(c, db, key);
      return;
    }
    int maxLen = 0;
    for (int k = 0; k < returned; k++) {
      maxLen = Math.max(maxLen, pts.member[order[k]].length);
    }
    ZSetValue.Limits limits = ZSetCommands.limits(c);
    ZSetValue out = ZSetValue.create(returned, maxLen, limits);
    for (int k = 0; k < returned; k++) {
      int i = order[k];
      double score = storeDist ? pts.dist[i] / toMeters : pts.score[i];
      if (Double.isNaN(out.score(pts.member[i]))) {
        out.insert(pts.member[i], score, limits);
      }
    }
    db.set(key, out);
    c.signalModifiedKey(db.id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.ZSET, search ? "geosearchstore" : "georadiusstore", key, db.id());
    c.addDirty(returned);
    c.reply().integer(returned);
  }
}
