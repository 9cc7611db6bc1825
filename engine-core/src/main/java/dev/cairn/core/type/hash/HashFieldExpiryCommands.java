package dev.cairn.core.type.hash;

import static dev.cairn.core.type.hash.HashCommands.FIELD;
import static dev.cairn.core.type.hash.HashCommands.KEY;

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
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-field expiry (Redis 7.4: HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME,
 * HPERSIST) and the commands that combine it with reads and writes (Redis 8.0: HGETDEL, HGETEX, HSETEX).
 */
public final class HashFieldExpiryCommands implements CommandFamily {
  /** The largest expiry accepted, in ms since the epoch (Redis's HFE_MAX_ABS_TIME_MSEC, 2^46 - 1). */
  static final long MAX_ABS_TIME_MSEC = 0xFFFFFFFFFFFFL >> 2;

  /** Per-field reply codes. */
  static final int NO_FIELD = -2;
  static final int NO_TTL = -1;
  static final int NOT_MET = 0;
  static final int OK = 1;
  static final int DELETED = 2;

  static final RedisException FIELDS_MISSING =
      Errors.err("Mandatory argument FIELDS is missing or not at the right position");
  static final RedisException NUMFIELDS_HEXPIRE = Errors.err("Parameter `numFields` should be greater than 0");
  static final RedisException NUMFIELDS = Errors.err("Number of fields must be a positive integer");
  static final RedisException NUMFIELDS_MISMATCH =
      Errors.err("The `numfields` parameter must match the number of arguments");
  static final RedisException NEGATIVE_EXPIRE = Errors.err("invalid expire time, must be >= 0");
  static final RedisException HSETEX_NUMFIELDS = Errors.err("invalid number of fields");
  static final RedisException ONE_EXPIRATION =
      Errors.err("Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
  static final RedisException ONE_CONDITION = Errors.err("Only one of FXX or FNX arguments can be specified");
  static final RedisException MISSING_EXPIRE = Errors.err("missing expire time");

  static final byte[] HSETEX_CMD = ascii("HSETEX");
  static final byte[] KEEPTTL = ascii("KEEPTTL");
  static final byte[] FIELDS = ascii("FIELDS");
  static final byte[] PXAT = ascii("PXAT");
  private static final byte[] HPEXPIREAT_CMD = ascii("HPEXPIREAT");
  private static final byte[] HPERSIST_CMD = ascii("HPERSIST");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static CommandSpec.Builder hash(String name, int arity, String since) {
    return CommandSpec.command(name, arity).group(Group.HASH).since(since).acl(AclCategory.HASH)
        .complexity("O(N) where N is the number of specified fields");
  }

  private static final Arg FIELDS_BLOCK =
      Arg.block("fields", Arg.integer("numfields"), FIELD.multiple()).withToken("FIELDS");
  private static final Arg CONDITION = Arg.oneOf("condition", Arg.token("NX"), Arg.token("XX"), Arg.token("GT"),
      Arg.token("LT")).optional();

  private static CommandSpec expireSpec(String name, Arg time, String summary) {
    return hash(name, -6, "7.4.0").flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE)).summary(summary)
        .args(KEY, time, CONDITION, FIELDS_BLOCK).build();
  }

  private static CommandSpec ttlSpec(String name, String summary) {
    return hash(name, -5, "7.4.0").flags(Flag.READONLY, Flag.FAST)
        .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS)).summary(summary)
        .args(KEY, FIELDS_BLOCK).build();
  }

  static final CommandSpec HEXPIRE = expireSpec("hexpire", Arg.integer("seconds"),
      "Set expiry for hash field using relative time to expire (seconds)");
  static final CommandSpec HPEXPIRE = expireSpec("hpexpire", Arg.integer("milliseconds"),
      "Set expiry for hash field using relative time to expire (milliseconds)");
  static final CommandSpec HEXPIREAT = expireSpec("hexpireat", Arg.unixTime("unix-time-seconds"),
      "Set expiry for hash field using an absolute Unix timestamp (seconds)");
  static final CommandSpec HPEXPIREAT = expireSpec("hpexpireat", Arg.unixTime("unix-time-milliseconds"),
      "Set expiry for hash field using an absolute Unix timestamp (milliseconds)");
  static final CommandSpec HTTL = ttlSpec("httl", "Returns the TTL in seconds of a hash field.");
  static final CommandSpec HPTTL = ttlSpec("hpttl", "Returns the TTL in milliseconds of a hash field.");
  static final CommandSpec HEXPIRETIME = ttlSpec("hexpiretime",
      "Returns the expiration time of a hash field as a Unix timestamp, in seconds.");
  static final CommandSpec HPEXPIRETIME = ttlSpec("hpexpiretime",
      "Returns the expiration time of a hash field as a Unix timestamp, in msec.");
  static final CommandSpec HPERSIST = hash("hpersist", -5, "7.4.0").flags(Flag.WRITE, Flag.FAST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Removes the expiration time for each specified field").args(KEY, FIELDS_BLOCK).build();

  private static final Arg EXPIRATION_GETEX = Arg.oneOf("expiration", Arg.integer("seconds").withToken("EX"),
      Arg.integer("milliseconds").withToken("PX"), Arg.unixTime("unix-time-seconds").withToken("EXAT"),
      Arg.unixTime("unix-time-milliseconds").withToken("PXAT"), Arg.token("PERSIST")).optional();
  private static final Arg EXPIRATION_SETEX = Arg.oneOf("expiration", Arg.integer("seconds").withToken("EX"),
      Arg.integer("milliseconds").withToken("PX"), Arg.unixTime("unix-time-seconds").withToken("EXAT"),
      Arg.unixTime("unix-time-milliseconds").withToken("PXAT"), Arg.token("KEEPTTL")).optional();

  static final CommandSpec HGETDEL = hash("hgetdel", -5, "8.0.0").flags(Flag.WRITE, Flag.FAST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Returns the value of a field and deletes it from the hash.").args(KEY, FIELDS_BLOCK).build();
  static final CommandSpec HGETEX = hash("hgetex", -5, "8.0.0").flags(Flag.WRITE, Flag.FAST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.UPDATE))
      .summary("Get the value of one or more fields of a given hash key, and optionally set their expiration.")
      .args(KEY, EXPIRATION_GETEX, FIELDS_BLOCK).build();
  static final CommandSpec HSETEX = hash("hsetex", -6, "8.0.0").flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Set the value of one or more fields of a given hash key, and optionally set their expiration.")
      .complexity("O(N) where N is the number of fields being set.")
      .args(KEY, Arg.oneOf("condition", Arg.token("FNX"), Arg.token("FXX")).optional(), EXPIRATION_SETEX,
          Arg.block("fields", Arg.integer("numfields"),
              Arg.block("data", Arg.string("field"), Arg.string("value")).multiple()).withToken("FIELDS"))
      .build();

  @Override
  public void register(CommandRegistry r) {
    r.add(HEXPIRE, (c, a) -> hexpire(c, a, "hexpire", c.now(), true));
    r.add(HPEXPIRE, (c, a) -> hexpire(c, a, "hpexpire", c.now(), false));
    r.add(HEXPIREAT, (c, a) -> hexpire(c, a, "hexpireat", 0, true));
    r.add(HPEXPIREAT, (c, a) -> hexpire(c, a, "hpexpireat", 0, false));
    r.add(HTTL, (c, a) -> httl(c, a, c.now(), true));
    r.add(HPTTL, (c, a) -> httl(c, a, c.now(), false));
    r.add(HEXPIRETIME, (c, a) -> httl(c, a, 0, true));
    r.add(HPEXPIRETIME, (c, a) -> httl(c, a, 0, false));
    r.add(HPERSIST, HashFieldExpiryCommands::hpersist);
    r.add(HGETDEL, HashFieldExpiryCommands::hgetdel);
    r.add(HGETEX, HashFieldExpiryCommands::hgetex);
    r.add(HSETEX, HashFieldExpiryCommands::hsetex);
  }

  /** An expiry argument as an absolute time in ms: Redis's checks, in its order. */
  static long parseExpire(Args a, int i, boolean seconds, long basetime, String command) {
    long v = a.longArg(i);
    if (v < 0) {
      throw NEGATIVE_EXPIRE;
    }
    if (seconds) {
      if (v > MAX_ABS_TIME_MSEC / 1000) {
        throw Errors.invalidExpire(command);
      }
      v *= 1000;
    }
    if (v > MAX_ABS_TIME_MSEC - basetime) {
      throw Errors.invalidExpire(command);
    }
    return v + basetime;
  }

  /** The FIELDS numfields argument at {@code at}; checks that exactly that many fields follow. */
  static int numFields(Args a, int at, RedisException badCount) {
    if (at - 1 >= a.size() || !a.is(at - 1, "fields")) {
      throw FIELDS_MISSING;
    }
    if (at >= a.size()) {
      throw Errors.arity(a.string(0).toLowerCase(java.util.Locale.ROOT));
    }
    long n = a.longArg(at, badCount);
    if (n < 1) {
      throw badCount;
    }
    if (n != a.size() - at - 1) {
      throw NUMFIELDS_MISMATCH;
    }
    return (int) n;
  }

  /** HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...] (and HPEXPIRE, HEXPIREAT, HPEXPIREAT) */
  static void hexpire(CommandContext c, Args a, String command, long basetime, boolean seconds) {
    byte[] key = a.get(1);
    HashValue h = c.db().getForWrite(key, HashValue.class);
    long at = parseExpire(a, 2, seconds, basetime, command);
    int cond = 0; // 'n', 'x', 'g', 'l'
    int numAt = 4;
    for (String w : new String[] {"nx", "xx", "gt", "lt"}) {
      if (a.is(3, w)) {
        cond = w.charAt(0);
        numAt = 5;
      }
    }
    int n = numFields(a, numAt, NUMFIELDS_HEXPIRE);
    Reply r = c.reply();
    r.array(n);
    if (h == null) {
      for (int i = 0; i < n; i++) {
        r.integer(NO_FIELD);
      }
      return;
    }
    Engine e = HashAccess.engine(c);
    int db = c.db().id();
    long now = c.now();
    int reclaimed = 0;
    int deleted = 0;
    List<byte[]> updated = new ArrayList<>();
    for (int i = numAt + 1; i < a.size(); i++) {
      byte[] field = a.get(i);
      if (h.volatileCount() > 0 && HashAccess.reclaim(c, key, h, field)) {
        reclaimed++;
        r.integer(NO_FIELD);
        continue;
      }
      long prev = h.expireAt(field);
      int res;
      if (prev == HashValue.NO_FIELD) {
        res = NO_FIELD;
      } else if (prev == HashValue.NO_TTL ? (cond == 'x' || cond == 'g')
          : (cond == 'n' || (cond == 'g' && prev >= at) || (cond == 'l' && prev <= at))) {
        res = NOT_MET; // a field without TTL counts as an infinite TTL: LT applies, GT and XX do not
      } else if (at <= now) {
        HashAccess.deleteExpired(e, db, key, h, field);
        deleted++;
        res = DELETED;
      } else {
        h.setExpireAt(field, at);
        updated.add(field);
        res = OK;
      }
      r.integer(res);
    }
    HashAccess.notifyReclaimed(c, key, reclaimed);
    if (deleted + updated.size() > 0) {
      c.addDirty(deleted + updated.size());
      c.notifyKeyspaceEvent(KeyspaceEvents.HASH, deleted > 0 ? "hdel" : "hexpire", key, db);
    }
    if (deleted + updated.size() + reclaimed > 0) {
      if (!HashAccess.deleteIfEmpty(c, key, h) && h.hasExpiringParts()) {
        ((Session) c).db().trackExpiringParts(key);
      }
      c.signalModifiedKey(db, key);
    }
    if (updated.isEmpty()) {
      c.preventPropagation(); // deletions already went out as HDELs
      return;
    }
    // replicas get the absolute time and only the fields that were set
    List<byte[]> cmd = new ArrayList<>();
    cmd.add(HPEXPIREAT_CMD);
    cmd.add(key);
    cmd.add(ascii(Long.toString(at)));
    if (numAt == 5) {
      cmd.add(a.get(3));
    }
    cmd.add(FIELDS);
    cmd.add(ascii(Integer.toString(updated.size())));
    cmd.addAll(updated);
    c.propagate(cmd.toArray(new byte[0][]));
  }

  /** HTTL key FIELDS numfields field [field ...] (and HPTTL, HEXPIRETIME, HPEXPIRETIME) */
  static void httl(CommandContext c, Args a, long basetime, boolean seconds) {
    HashValue h = c.db().get(a.get(1), HashValue.class);
    int n = numFields(a, 3, NUMFIELDS);
    Reply r = c.reply();
    r.array(n);
    long now = c.now();
    for (int i = 4; i < a.size(); i++) {
      long at = h == null ? HashValue.NO_FIELD : h.expireAt(a.get(i));
      if (at == HashValue.NO_FIELD || at == HashValue.NO_TTL) {
        r.integer(at);
      } else if (at <= now) {
        r.integer(NO_FIELD); // expired, not yet reclaimed
      } else {
        r.integer(seconds ? (at + 999 - basetime) / 1000 : at - basetime);
      }
    }
  }

  /** HPERSIST key FIELDS numfields field [field ...] */
  static void hpersist(CommandContext c, Args a) {
    byte[] key = a.get(1);
    HashValue h = c.db().getForWrite(key, HashValue.class);
    int n = numFields(a, 3, NUMFIELDS);
    Reply r = c.reply();
    r.array(n);
    long now = c.now();
    int changed = 0;
    for (int i = 4; i < a.size(); i++) {
      byte[] field = a.get(i);
      long at = h == null ? HashValue.NO_FIELD : h.expireAt(field);
      if (at == HashValue.NO_FIELD || at == HashValue.NO_TTL) {
        r.integer(at);
      } else if (at < now) {
        r.integer(NO_FIELD);
      } else {
        h.persist(field);
        changed++;
        r.integer(OK);
      }
    }
    if (changed > 0) {
      if (!h.hasExpiringParts()) {
        ((Session) c).db().untrackExpiringParts(key);
      }
      c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hpersist", key, c.db().id());
      c.signalModifiedKey(c.db().id(), key);
      c.addDirty(1);
    }
  }

  /** HGETDEL key FIELDS numfields field [field ...] */
  static void hgetdel(CommandContext c, Args a) {
    byte[] key = a.get(1);
    HashValue h = c.db().getForWrite(key, HashValue.class);
    if (!a.is(2, "fields")) {
      throw FIELDS_MISSING;
    }
    int n = numFields(a, 3, NUMFIELDS);
    Reply r = c.reply();
    r.array(n);
    int reclaimed = 0;
    List<byte[]> deleted = new ArrayList<>();
    for (int i = 4; i < a.size(); i++) {
      byte[] field = a.get(i);
      byte[] v = null;
      if (h != null) {
        if (h.volatileCount() > 0 && HashAccess.reclaim(c, key, h, field)) {
          reclaimed++;
        } else {
          v = h.get(field);
        }
      }
      if (v == null) {
        r.nullBulk();
      } else {
        r.bulk(v);
        h.delete(field);
        deleted.add(field);
      }
    }
    if (reclaimed == 0 && deleted.isEmpty()) {
      return;
    }
    int db = c.db().id();
    c.signalModifiedKey(db, key);
    HashAccess.notifyReclaimed(c, key, reclaimed);
    if (!deleted.isEmpty()) {
      c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hdel", key, db);
      c.addDirty(deleted.size());
      List<byte[]> cmd = new ArrayList<>();
      cmd.add(HashAccess.HDEL);
      cmd.add(key);
      cmd.addAll(deleted);
      c.propagate(cmd.toArray(new byte[0][]));
    }
    HashAccess.deleteIfEmpty(c, key, h);
  }

  /** HGETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST] FIELDS numfields field [field ...] */
  static void hgetex(CommandContext c, Args a) {
    byte[] key = a.get(1);
    HashValue h = c.db().getForWrite(key, HashValue.class);
    int numAt = 3;
    boolean persist = false;
    boolean setTtl = false;
    long at = 0;
    if (a.is(2, "ex") || a.is(2, "px") || a.is(2, "exat") || a.is(2, "pxat")) {
      boolean relative = a.is(2, "ex") || a.is(2, "px");
      boolean seconds = a.is(2, "ex") || a.is(2, "exat");
      at = parseExpire(a, 3, seconds, relative ? c.now() : 0, "hgetex");
      setTtl = true;
      numAt = 5;
    } else if (a.is(2, "persist")) {
      persist = true;
      numAt = 4;
    }
    int n = numFields(a, numAt, NUMFIELDS);
    Reply r = c.reply();
    r.array(n);
    if (h == null) {
      for (int i = 0; i < n; i++) {
        r.nullBulk();
      }
      return;
    }
    Engine e = HashAccess.engine(c);
    int db = c.db().id();
    long now = c.now();
    int reclaimed = 0;
    int deleted = 0;
    int updated = 0;
    for (int i = numAt + 1; i < a.size(); i++) {
      byte[] field = a.get(i);
      if (h.volatileCount() > 0 && HashAccess.reclaim(c, key, h, field)) {
        reclaimed++;
        r.nullBulk();
        continue;
      }
      byte[] v = h.get(field);
      if (v == null) {
        r.nullBulk();
        continue;
      }
      r.bulk(v);
      if (persist) {
        if (h.persist(field)) {
          updated++;
        }
      } else if (setTtl) {
        if (at <= now) {
          HashAccess.deleteExpired(e, db, key, h, field);
          deleted++;
        } else {
          h.setExpireAt(field, at);
          updated++;
        }
      }
    }
    if (reclaimed + deleted + updated == 0) {
      return;
    }
    c.addDirty(deleted + updated);
    c.signalModifiedKey(db, key);
    HashAccess.notifyReclaimed(c, key, reclaimed);
    if (updated > 0) {
      List<byte[]> cmd = new ArrayList<>();
      if (persist) {
        c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hpersist", key, db);
        cmd.add(HPERSIST_CMD);
        cmd.add(key);
      } else {
        c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hexpire", key, db);
        ((Session) c).db().trackExpiringParts(key);
        cmd.add(HPEXPIREAT_CMD);
        cmd.add(key);
        cmd.add(ascii(Long.toString(at)));
      }
      for (int i = numAt - 1; i < a.size(); i++) {
        cmd.add(a.get(i));
      }
      c.propagate(cmd.toArray(new byte[0][]));
    } else if (deleted > 0) {
      c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hdel", key, db);
      c.preventPropagation();
    }
    HashAccess.deleteIfEmpty(c, key, h);
  }

  /** HSETEX key [FNX | FXX] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] FIELDS numfields field value [field value ...] */
  static void hsetex(CommandContext c, Args a) {
    int argc = a.size();
    char cond = 0; // 'n' FNX, 'x' FXX
    char expiry = 0; // 'e' EX, 'p' PX, 'E' EXAT, 'P' PXAT, 'k' KEEPTTL
    long at = 0;
    int expireAtPos = -1;
    int first = -1;
    int count = 0;
    for (int i = 2; i < argc && first < 0; i++) {
      if (a.is(i, "fields")) {
        if (i >= argc - 3) {
          throw Errors.arity("hsetex");
        }
        long v = a.longArg(i + 1, HSETEX_NUMFIELDS);
        if (v < 1 || v > Integer.MAX_VALUE) {
          throw HSETEX_NUMFIELDS;
        }
        int remaining = argc - i - 2;
        if (remaining % 2 != 0 || v != remaining / 2) {
          throw Errors.arity("hsetex");
        }
        first = i + 2;
        count = (int) v;
      } else if (a.is(i, "ex") || a.is(i, "px") || a.is(i, "exat") || a.is(i, "pxat")) {
        if (expiry != 0) {
          throw ONE_EXPIRATION;
        }
        if (i >= argc - 1) {
          throw MISSING_EXPIRE;
        }
        boolean relative = a.is(i, "ex") || a.is(i, "px");
        boolean seconds = a.is(i, "ex") || a.is(i, "exat");
        expiry = relative ? (seconds ? 'e' : 'p') : (seconds ? 'E' : 'P');
        at = parseExpire(a, i + 1, seconds, relative ? c.now() : 0, "hsetex");
        expireAtPos = ++i;
      } else if (a.is(i, "keepttl")) {
        if (expiry != 0) {
          throw ONE_EXPIRATION;
        }
        expiry = 'k';
      } else if (a.is(i, "fxx") || a.is(i, "fnx")) {
        if (cond != 0) {
          throw ONE_CONDITION;
        }
        cond = a.is(i, "fxx") ? 'x' : 'n';
      } else {
        throw Errors.err("unknown argument: " + a.string(i));
      }
    }
    if (first < 0) {
      throw Errors.arity("hsetex");
    }
    byte[] key = a.get(1);
    HashValue h = c.db().getForWrite(key, HashValue.class);
    if (h == null) {
      if (cond == 'x') {
        c.reply().integer(0);
        return;
      }
      h = HashAccess.writeOrCreate(c, key);
    }
    int db = c.db().id();
    int reclaimed = 0;
    boolean set = false;
    int deleted = 0;
    int updated = 0;
    if (cond != 0) {
      int found = 0;
      for (int i = 0; i < count; i++) {
        byte[] field = a.get(first + 2 * i);
        boolean exists;
        if (h.volatileCount() > 0 && HashAccess.reclaim(c, key, h, field)) {
          reclaimed++;
          exists = false;
        } else {
          exists = h.get(field) != null;
        }
        if (exists) {
          found++;
        }
        if ((cond == 'x' && !exists) || (cond == 'n' && exists)) {
          break;
        }
      }
      if ((cond == 'n' && found != 0) || (cond == 'x' && found != count)) {
        c.reply().integer(0);
        finishHsetex(c, key, h, reclaimed, false, 0, 0);
        return;
      }
    }
    boolean setTtl = expiry != 0 && expiry != 'k';
    int maxEntries = HashAccess.maxEntries(c);
    int maxValue = HashAccess.maxValue(c);
    h.prepareFor(count, maxEntries);
    Engine e = HashAccess.engine(c);
    long now = c.now();
    for (int i = 0; i < count; i++) {
      byte[] field = a.get(first + 2 * i);
      if (cond == 0 && h.volatileCount() > 0 && HashAccess.reclaim(c, key, h, field)) {
        reclaimed++;
      }
      h.set(field, a.get(first + 2 * i + 1), expiry != 0, maxEntries, maxValue);
      set = true;
      if (setTtl) {
        if (at <= now) {
          HashAccess.deleteExpired(e, db, key, h, field);
          deleted++;
        } else {
          h.setExpireAt(field, at);
          updated++;
        }
      }
    }
    c.addDirty(count);
    if (deleted > 0) {
      c.preventPropagation(); // the HDELs already went out
    } else if (setTtl && expiry != 'P') {
      byte[][] cmd = a.toArray();
      cmd[expireAtPos - 1] = PXAT;
      cmd[expireAtPos] = ascii(Long.toString(at));
      c.propagate(cmd);
    }
    if (h.hasExpiringParts()) {
      ((Session) c).db().trackExpiringParts(key);
    }
    c.reply().integer(1);
    finishHsetex(c, key, h, reclaimed, set, deleted, updated);
  }

  private static void finishHsetex(CommandContext c, byte[] key, HashValue h, int reclaimed, boolean set, int deleted,
      int updated) {
    int db = c.db().id();
    if (set || reclaimed > 0) {
      c.signalModifiedKey(db, key);
      HashAccess.notifyReclaimed(c, key, reclaimed);
      if (set) {
        c.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", key, db);
        if (deleted > 0 || updated > 0) {
          c.notifyKeyspaceEvent(KeyspaceEvents.HASH, deleted > 0 ? "hdel" : "hexpire", key, db);
        }
      }
    }
    HashAccess.deleteIfEmpty(c, key, h);
  }
}
