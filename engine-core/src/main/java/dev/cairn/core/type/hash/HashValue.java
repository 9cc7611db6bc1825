package dev.cairn.core.type.hash;

import dev.cairn.api.command.Args;
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.keyspace.ByteDict;
import dev.cairn.core.keyspace.MemberTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hash: small ones packed in one byte array ({@link HashListpack}: OBJECT ENCODING "listpack", or "listpackex" once a
 * field has had a TTL, as in Redis), big ones in a {@link ByteDict} of {@link HashField}s. The encoding becomes
 * "hashtable" past {@code hash-max-listpack-entries} fields or when a field or value is longer than
 * {@code hash-max-listpack-value}, and never goes back, as in Redis.
 *
 * <p>What OBJECT ENCODING reports and how the fields are held are two things: a "hashtable" hash stays in the packed
 * array while it has at most {@value #PACKED_TABLE_FIELDS} fields and {@value #PACKED_TABLE_BYTES} bytes, and only then
 * moves to the table (for good). A document-like hash (a few fields, some values past 64 bytes) then costs one array
 * instead of a table, a node a field and a copy of each name: 20,000 four-field search documents took 12.3 MB as tables
 * and 5.8 MB packed. A lookup scans at most as many entries as a listpack of Redis's default size, whose long values
 * it steps over by their length.
 *
 * <p>This class ignores time: it stores each field's expiry (0 = none) and answers for expired-but-present fields like
 * any other. Commands hide expired fields and reclaim them (see {@link HashAccess}).
 */
public final class HashValue implements RedisValue, dev.cairn.core.sort.HashFieldSource, MemberTable {
  /** NO_FIELD / NO_TTL: what {@link #expireAt} returns for an absent field and a field without TTL. */
  static final long NO_FIELD = -2;
  static final long NO_TTL = -1;

  /** The most fields and bytes a "hashtable" hash keeps in the packed form (see the class comment). */
  static final int PACKED_TABLE_FIELDS = 32;
  static final int PACKED_TABLE_BYTES = 4096;

  /** A {@code byte[]} (the packed form), else a {@code ByteDict<HashField>}. */
  private Object data = HashListpack.EMPTY;
  /** Table form: the fields with a TTL, densely, for sampling by the active expiry cycle. */
  private HashField.Volatile[] volatileFields;
  /**
   * The number of fields (bits 0-29, HLEN's count) and two flags: {@link #EX} (packed entries carry a ttl: the
   * "listpackex" layout) and {@link #TABLE} (the "hashtable" encoding: in the packed form while it fits, then in the
   * table). One int rather than an int and two booleans: the object is 24 bytes with compact headers, not 32 (a billion
   * fields, the most this counts, would take some 50 GB of heap).
   */
  private int sizeAndForm;
  private int volatileCount;

  private static final int SIZE_MASK = (1 << 30) - 1;
  private static final int EX = 1 << 30;
  private static final int TABLE = 1 << 31;

  private boolean ex() {
    return (sizeAndForm & EX) != 0;
  }

  private void setEx(boolean on) {
    sizeAndForm = on ? sizeAndForm | EX : sizeAndForm & ~EX;
  }

  private boolean table() {
    return (sizeAndForm & TABLE) != 0;
  }

  /** Adds {@code delta} to the field count, keeping the flags. */
  private void grow(int delta) {
    sizeAndForm = (sizeAndForm & ~SIZE_MASK) | ((sizeAndForm & SIZE_MASK) + delta);
  }

  /** Visits one field: its name and value as array slices. */
  public interface Visitor {
    void visit(byte[] fb, int fo, int fl, byte[] vb, int vo, int vl);
  }

  @Override
  public ByteDict<?> memberTable() {
    return data instanceof ByteDict<?> d ? d : null;
  }

  @Override
  public String typeName() {
    return "hash";
  }

  @Override
  public String encoding() {
    return table() ? "hashtable" : ex() ? "listpackex" : "listpack";
  }

  @Override
  public long freeEffort() {
    return data instanceof byte[] ? 1 : size();
  }

  @Override
  public Object releaseToken() {
    return data instanceof byte[] ? this : dict().releaseToken();
  }

  @Override
  public boolean hasExpiringParts() {
    return volatileCount > 0;
  }

  /**
   * Heap bytes: this object, the packed array or the table's buckets and nodes (a sample of up to {@code samples}
   * fields, extrapolated), and the volatile-field array.
   */
  @Override
  public long estimatedBytes(int samples) {
    long bytes = 24 + (volatileFields == null ? 0 : 16 + 4L * volatileFields.length);
    if (data instanceof byte[] lp) {
      return bytes + align(16 + lp.length);
    }
    ByteDict<HashField> d = dict();
    bytes += 16 + 4L * d.buckets();
    long[] acc = {0, 0};
    int limit = samples <= 0 ? Integer.MAX_VALUE : samples;
    d.sample(limit, f -> {
      acc[0] += (f instanceof HashField.Volatile ? 40 : 24) + align(16 + f.key.length) + align(16 + f.value.length);
      acc[1]++;
    });
    return bytes + (acc[1] == 0 ? 0 : acc[0] * size() / acc[1]);
  }

  private static long align(long n) {
    return (n + 7) & ~7L;
  }

  /** COPY: the same fields, values, TTLs and encoding; nothing is shared that a later write could change in place. */
  @Override
  public HashValue copy() {
    HashValue c = new HashValue();
    c.sizeAndForm = sizeAndForm;
    if (data instanceof byte[] lp) {
      c.data = lp.clone(); // packed arrays are overwritten in place by same-length HSETs
      c.volatileCount = volatileCount;
      return c;
    }
    ByteDict<HashField> d = new ByteDict<>();
    c.data = d;
    dict().forEach(f -> { // names are never changed in place and are shared; values are (see overwrite): copied
      if (f instanceof HashField.Volatile v) {
        HashField.Volatile n = new HashField.Volatile(f.key, f.value.clone(), v.expireAt);
        d.addNew(n);
        c.addVolatile(n);
      } else {
        d.addNew(new HashField(f.key, f.value.clone()));
      }
    });
    return c;
  }

  /** Fields stored, including expired ones not yet reclaimed (what HLEN reports, as Redis 7.4). */
  public int size() {
    return sizeAndForm & SIZE_MASK;
  }

  /** Fields that have a TTL. */
  public int volatileCount() {
    return volatileCount;
  }

  /** Whether the fields are in the packed form (whatever the encoding says). */
  boolean isPacked() {
    return data instanceof byte[];
  }

  @SuppressWarnings("unchecked")
  private ByteDict<HashField> dict() {
    return (ByteDict<HashField>) data;
  }

  /** The field's value, or null; expiry is not checked. */
  public byte[] get(byte[] field) {
    if (data instanceof byte[] lp) {
      int p = HashListpack.find(lp, ex(), field);
      return p < 0 ? null : HashListpack.value(lp, p);
    }
    HashField f = dict().get(field);
    return f == null ? null : f.value;
  }

  /**
   * Writes the value of the field that is the {@code len} bytes at {@code off} in {@code b} as a bulk reply, straight
   * from where the hash holds it; returns false, having written nothing, if there is no such field. Expiry is not
   * checked.
   */
  boolean replyValue(byte[] b, int off, int len, Reply r) {
    if (data instanceof byte[] lp) {
      int p = HashListpack.find(lp, ex(), b, off, len);
      if (p < 0) {
        return false;
      }
      int vh = HashListpack.valueHeader(lp, p);
      r.bulk(lp, HashListpack.valueStart(lp, vh), HashListpack.readVarint(lp, vh));
      return true;
    }
    HashField f = dict().get(b, off, len);
    if (f == null) {
      return false;
    }
    r.bulk(f.value);
    return true;
  }

  /** The length of the value of the field given as a range ({@link #replyValue}'s), or -1 if there is no such field. */
  int valueLength(byte[] b, int off, int len) {
    if (data instanceof byte[] lp) {
      int p = HashListpack.find(lp, ex(), b, off, len);
      return p < 0 ? -1 : HashListpack.readVarint(lp, HashListpack.valueHeader(lp, p));
    }
    HashField f = dict().get(b, off, len);
    return f == null ? -1 : f.value.length;
  }

  /**
   * The value of the field given as a range ({@link #replyValue}'s) as a 64-bit integer, read where it lies: 0 if
   * there is no such field, {@code error} if the value is not an integer. Expiry is not checked.
   */
  long longValue(byte[] b, int off, int len, RedisException error) {
    byte[] vb;
    int vo;
    int vl;
    if (data instanceof byte[] lp) {
      int p = HashListpack.find(lp, ex(), b, off, len);
      if (p < 0) {
        return 0;
      }
      int vh = HashListpack.valueHeader(lp, p);
      vb = lp;
      vo = HashListpack.valueStart(lp, vh);
      vl = HashListpack.readVarint(lp, vh);
    } else {
      HashField f = dict().get(b, off, len);
      if (f == null) {
        return 0;
      }
      vb = f.value;
      vo = 0;
      vl = vb.length;
    }
    return Args.parseLong(vb, vo, vl, error);
  }

  /**
   * HINCRBY's write: the field given as a range set to the decimal form of {@code v}, its TTL kept. A present value of
   * the same length (a counter's usual step) is overwritten digit by digit where it lies, allocating nothing; any other
   * write is {@link #set}'s.
   */
  void setDecimal(byte[] b, int off, int len, long v, int maxEntries, int maxValueLen) {
    int digits = dev.cairn.core.resp.RespWriter.decimalLength(v);
    if (data instanceof byte[] lp) {
      int p = HashListpack.find(lp, ex(), b, off, len);
      if (p >= 0) {
        int vh = HashListpack.valueHeader(lp, p);
        if (HashListpack.readVarint(lp, vh) == digits) {
          writeDecimal(lp, HashListpack.valueStart(lp, vh), digits, v);
          settle(maxEntries);
          return;
        }
      }
      setPacked(lp, b, off, len, decimal(v, digits), 0, digits, true, maxEntries, maxValueLen);
      return;
    }
    HashField f = dict().get(b, off, len);
    if (f != null) {
      if (f.value.length == digits) {
        writeDecimal(f.value, 0, digits, v);
      } else {
        f.value = decimal(v, digits); // new, so the table's own
      }
      return;
    }
    set(Arrays.copyOfRange(b, off, off + len), decimal(v, digits), true, maxEntries, maxValueLen);
  }

  /** {@code v}'s decimal form in a new array of its {@code digits} characters (no String on the way). */
  private static byte[] decimal(long v, int digits) {
    byte[] d = new byte[digits];
    writeDecimal(d, 0, digits, v);
    return d;
  }

  /** Writes the {@code digits} characters of {@code v}'s decimal form (sign included) at {@code off} in {@code b}. */
  private static void writeDecimal(byte[] b, int off, int digits, long v) {
    long n = v < 0 ? v : -v; // negative, so that Long.MIN_VALUE fits
    int p = off + digits;
    do {
      b[--p] = (byte) ('0' - n % 10);
      n /= 10;
    } while (n != 0);
    if (v < 0) {
      b[off] = '-';
    }
  }

  /** SORT's BY/GET {@code *->field}: the value unless the field is missing or expired. */
  @Override
  public byte[] sortField(byte[] field, long now) {
    return isExpired(field, now) ? null : get(field);
  }

  /** The field's expiry in ms since the epoch, {@link #NO_TTL}, or {@link #NO_FIELD}. */
  public long expireAt(byte[] field) {
    if (data instanceof byte[] lp) {
      int p = HashListpack.find(lp, ex(), field);
      if (p < 0) {
        return NO_FIELD;
      }
      long t = HashListpack.ttlAt(lp, p, ex());
      return t == 0 ? NO_TTL : t;
    }
    HashField f = dict().get(field);
    return f == null ? NO_FIELD : f.expireAt() == 0 ? NO_TTL : f.expireAt();
  }

  /** Whether the field is present but its time has passed ({@code now > expireAt}, as for keys). */
  public boolean isExpired(byte[] field, long now) {
    if (volatileCount == 0) {
      return false;
    }
    long at = expireAt(field);
    return at >= 0 && at < now;
  }

  /** Takes the hashtable encoding (and the table form) ahead of a write of {@code newFields} fields that need it. */
  void prepareFor(int newFields, int maxEntries) {
    if (data instanceof byte[] && newFields > maxEntries) {
      sizeAndForm |= TABLE;
      if (newFields > PACKED_TABLE_FIELDS) {
        convertToDict();
      }
    }
  }

  /**
   * Sets a field; a new field gets no TTL, an existing one keeps its TTL only if {@code keepTtl}. Returns true if the
   * field is new.
   */
  public boolean set(byte[] field, byte[] value, boolean keepTtl, int maxEntries, int maxValueLen) {
    if (data instanceof byte[] lp) {
      return setPacked(lp, field, 0, field.length, value, 0, value.length, keepTtl, maxEntries, maxValueLen);
    }
    ByteDict<HashField> d = dict();
    HashField f = d.get(field);
    if (f != null) {
      overwrite(f, value, 0, value.length);
      if (!keepTtl && f instanceof HashField.Volatile v) {
        clearTtl(v);
      }
      return false;
    }
    d.addNew(new HashField(field, value.clone()));
    grow(1);
    return true;
  }

  /**
   * A table field's new value: written into the array the field holds when the length is the same, else a copy of it
   * becomes the field's. The table's value arrays are therefore its own (never a request's argument, which propagation
   * or a queued transaction may still hold), and an overwrite of the same length allocates nothing and stores no new
   * reference into an old node. A new young array per write was the whole cost of HSET's young pauses on a big hash:
   * overwritten at random, every live value was younger than the last pause, so each pause copied all of them and
   * scanned the cards of every node (docs/ARCHITECTURE.md, "The JVM's heap"). Readers copy what they keep (replies,
   * modules' field visits, SORT's STORE), snapshots get {@link #copy()}'s own arrays.
   */
  private static void overwrite(HashField f, byte[] b, int off, int len) {
    if (f.value.length == len) {
      System.arraycopy(b, off, f.value, 0, len);
    } else {
      f.value = Arrays.copyOfRange(b, off, off + len);
    }
  }

  /**
   * HSET's pairs read in place from the arguments {@code [from, end)} (field, value, ...) of a hash in the table form
   * without field TTLs; returns how many fields are new. A present field's value is overwritten from the argument's
   * bytes ({@link #overwrite}'s rule), a new field takes the argument's own array as its name (names are never changed
   * in place) and a copy of the value: the request allocates only what a new field stores.
   */
  int setPairsInPlace(Args a, int from, int end) {
    ByteDict<HashField> d = dict();
    int created = 0;
    for (int i = from; i < end; i += 2) {
      byte[] vb = a.bytes(i + 1);
      int voff = a.offset(i + 1);
      int vlen = a.length(i + 1);
      HashField f = d.get(a.bytes(i), a.offset(i), a.length(i));
      if (f == null) {
        d.addNew(new HashField(a.get(i), Arrays.copyOfRange(vb, voff, voff + vlen)));
        grow(1);
        created++;
      } else {
        overwrite(f, vb, voff, vlen);
      }
    }
    return created;
  }

  /**
   * HSET's pairs, the arguments {@code [from, end)} (field, value, ...) read in place, clearing TTLs; returns how many
   * fields are new. A packed hash is written from the arguments' bytes, its new entries in one new array rather than one
   * per field (which keeps loading garbage low); a table without field TTLs by {@link #setPairsInPlace}. Only what the
   * hash stores is allocated: a new field, a longer packed array.
   */
  int setPairs(Args a, int from, int end, int maxEntries, int maxValueLen) {
    if (!(data instanceof byte[]) || end - from <= 2) {
      if (!(data instanceof byte[]) && volatileCount == 0) {
        return setPairsInPlace(a, from, end);
      }
      int created = 0;
      for (int i = from; i < end; i += 2) {
        boolean isNew = data instanceof byte[] lp
            ? setPacked(lp, a.bytes(i), a.offset(i), a.length(i), a.bytes(i + 1), a.offset(i + 1), a.length(i + 1),
                false, maxEntries, maxValueLen)
            : set(a.get(i), a.get(i + 1), false, maxEntries, maxValueLen);
        if (isNew) {
          created++;
        }
      }
      return created;
    }
    for (int i = from; i < end && !table(); i++) {
      if (a.length(i) > maxValueLen) {
        sizeAndForm |= TABLE;
      }
    }
    if (table() && size() + (end - from) / 2 > PACKED_TABLE_FIELDS) {
      convertToDict(); // too many fields to stay packed
      return setPairs(a, from, end, maxEntries, maxValueLen);
    }
    // present fields are replaced in place; new ones (the last value wins for a repeated field) are appended at once
    int extra = 0;
    int created = 0;
    for (int i = from; i < end; i += 2) {
      byte[] lp = (byte[]) data;
      int p = HashListpack.find(lp, ex(), a.bytes(i), a.offset(i), a.length(i));
      if (p >= 0) {
        replacePacked(lp, p, a.bytes(i + 1), a.offset(i + 1), a.length(i + 1), false);
      } else if (!repeatedLater(a, i, end)) {
        extra += HashListpack.entrySize(a.length(i), a.length(i + 1), ex());
        created++;
      }
    }
    if (created > 0) {
      // the new fields again, as the loop above chose them: absent from the array, not repeated later
      byte[] lp = (byte[]) data;
      byte[] out = Arrays.copyOf(lp, lp.length + extra);
      int q = lp.length;
      for (int i = from; i < end; i += 2) {
        if (HashListpack.find(lp, ex(), a.bytes(i), a.offset(i), a.length(i)) < 0 && !repeatedLater(a, i, end)) {
          q = HashListpack.writeEntry(out, q, ex(), a.bytes(i), a.offset(i), a.length(i), a.bytes(i + 1),
              a.offset(i + 1), a.length(i + 1), 0);
        }
      }
      data = out;
      grow(created);
    }
    settle(maxEntries);
    return created;
  }

  /** Whether the field at argument {@code i} comes again as a field among the pairs after it, up to {@code end}. */
  private static boolean repeatedLater(Args a, int i, int end) {
    byte[] b = a.bytes(i);
    int off = a.offset(i);
    int len = a.length(i);
    for (int j = i + 2; j < end; j += 2) {
      int o = a.offset(j);
      if (a.length(j) == len && Arrays.equals(b, off, off + len, a.bytes(j), o, o + len)) {
        return true;
      }
    }
    return false;
  }

  /** {@link #set}'s packed form, of a field and a value given as ranges: read in place, copied into {@code lp}. */
  private boolean setPacked(byte[] lp, byte[] fb, int fo, int fl, byte[] vb, int vo, int vl, boolean keepTtl,
      int maxEntries, int maxValueLen) {
    if (fl > maxValueLen || vl > maxValueLen) {
      sizeAndForm |= TABLE;
    }
    int p = HashListpack.find(lp, ex(), fb, fo, fl);
    if (p >= 0) {
      replacePacked(lp, p, vb, vo, vl, keepTtl);
      settle(maxEntries);
      return false;
    }
    data = HashListpack.append(lp, ex(), fb, fo, fl, vb, vo, vl, 0);
    grow(1);
    settle(maxEntries);
    return true;
  }

  /** Replaces the value of the packed entry at {@code p} by a range; its TTL stays only if {@code keepTtl}. */
  private void replacePacked(byte[] lp, int p, byte[] vb, int vo, int vl, boolean keepTtl) {
    long ttl = HashListpack.ttlAt(lp, p, ex());
    if (ttl != 0 && !keepTtl) {
      volatileCount--;
      ttl = 0;
    }
    data = HashListpack.replace(lp, ex(), p, vb, vo, vl, ttl);
  }

  /** Removes a field; returns whether it was there. */
  public boolean delete(byte[] field) {
    if (data instanceof byte[] lp) {
      int p = HashListpack.find(lp, ex(), field);
      if (p < 0) {
        return false;
      }
      if (HashListpack.ttlAt(lp, p, ex()) != 0) {
        volatileCount--;
      }
      data = HashListpack.remove(lp, ex(), p);
      grow(-1);
      return true;
    }
    HashField f = dict().remove(field);
    if (f == null) {
      return false;
    }
    if (f instanceof HashField.Volatile v) {
      removeVolatile(v);
    }
    grow(-1);
    return true;
  }

  /** Sets the expiry of a present field (ms since the epoch, > 0). */
  public void setExpireAt(byte[] field, long at) {
    if (data instanceof byte[] lp) {
      if (!ex()) {
        lp = HashListpack.toEx(lp);
        data = lp;
        setEx(true);
      }
      int p = HashListpack.find(lp, true, field);
      if (HashListpack.ttlAt(lp, p, true) == 0) {
        volatileCount++;
      }
      HashListpack.setTtl(lp, p, at);
      if (table() && lp.length > PACKED_TABLE_BYTES) {
        convertToDict();
      }
      return;
    }
    HashField f = dict().get(field);
    if (f instanceof HashField.Volatile v) {
      v.expireAt = at;
    } else {
      HashField.Volatile v = new HashField.Volatile(f.key, f.value, at);
      dict().replace(f, v);
      addVolatile(v);
    }
  }

  /** Removes a present field's TTL; returns whether it had one. */
  public boolean persist(byte[] field) {
    if (data instanceof byte[] lp) {
      int p = ex() ? HashListpack.find(lp, true, field) : -1;
      if (p < 0 || HashListpack.ttlAt(lp, p, true) == 0) {
        return false;
      }
      HashListpack.setTtl(lp, p, 0);
      volatileCount--;
      return true;
    }
    if (!(dict().get(field) instanceof HashField.Volatile v)) {
      return false;
    }
    clearTtl(v);
    return true;
  }

  /** Visits the fields not expired at {@code now} (every field when {@code now < 0}), in storage order. */
  public void forEach(long now, Visitor v) {
    boolean check = volatileCount > 0 && now >= 0;
    forEachWithTtl((fb, fo, fl, vb, vo, vl, t) -> {
      if (!check || t == 0 || t >= now) {
        v.visit(fb, fo, fl, vb, vo, vl);
      }
    });
  }

  /** Visits one field with its expiry (ms since the epoch, 0 for none). */
  public interface TtlVisitor {
    void visit(byte[] fb, int fo, int fl, byte[] vb, int vo, int vl, long expireAt);
  }

  /** Visits every field (expired ones included) with its expiry, in storage order: the RDB writer's view. */
  public void forEachWithTtl(TtlVisitor v) {
    if (data instanceof byte[] lp) {
      for (int p = 0; p < lp.length; ) {
        int fl = HashListpack.readVarint(lp, p);
        int fs = p + HashListpack.varintSize(fl);
        int vh = fs + fl;
        int vl = HashListpack.readVarint(lp, vh);
        int vs = vh + HashListpack.varintSize(vl);
        int next = vs + vl;
        long t = 0;
        if (ex()) {
          t = HashListpack.readTtl(lp, next);
          next += 8;
        }
        v.visit(lp, fs, fl, lp, vs, vl, t);
        p = next;
      }
      return;
    }
    dict().forEach(f -> v.visit(f.key, 0, f.key.length, f.value, 0, f.value.length, f.expireAt()));
  }

  /** The earliest field expiry, or 0 when no field has one. */
  public long minExpireAt() {
    if (volatileCount == 0) {
      return 0;
    }
    long[] min = {Long.MAX_VALUE};
    forEachWithTtl((fb, fo, fl, vb, vo, vl, t) -> {
      if (t != 0 && t < min[0]) {
        min[0] = t;
      }
    });
    return min[0] == Long.MAX_VALUE ? 0 : min[0];
  }

  /** Fields not expired at {@code now}. */
  public int liveSize(long now) {
    if (volatileCount == 0) {
      return size();
    }
    return size() - expiredFields(now, Integer.MAX_VALUE).size();
  }

  /** Up to {@code max} fields whose time has passed at {@code now}. */
  public List<byte[]> expiredFields(long now, int max) {
    List<byte[]> out = new ArrayList<>();
    if (volatileCount == 0) {
      return out;
    }
    if (data instanceof byte[] lp) {
      for (int p = 0; p < lp.length && out.size() < max; p = HashListpack.next(lp, p, true)) {
        long t = HashListpack.ttlAt(lp, p, true);
        if (t != 0 && t < now) {
          out.add(HashListpack.field(lp, p));
        }
      }
      return out;
    }
    for (int i = 0; i < volatileCount && out.size() < max; i++) {
      if (volatileFields[i].expireAt < now) {
        out.add(volatileFields[i].key);
      }
    }
    return out;
  }

  /**
   * Up to {@code samples} randomly chosen volatile fields whose time has passed, for the active expiry cycle; a packed
   * hash (at most a few hundred fields) is checked whole.
   */
  List<byte[]> sampleExpired(long now, int samples) {
    if (data instanceof byte[] || volatileCount <= samples) {
      return expiredFields(now, Integer.MAX_VALUE);
    }
    List<byte[]> out = new ArrayList<>();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < samples; i++) {
      HashField.Volatile f = volatileFields[r.nextInt(volatileCount)];
      if (f.expireAt < now && !out.contains(f.key)) {
        out.add(f.key);
      }
    }
    return out;
  }

  /** All fields and values as {field, value} pairs, in storage order (expired ones included). */
  List<byte[][]> entries() {
    List<byte[][]> out = new ArrayList<>(size());
    forEach(-1, (fb, fo, fl, vb, vo, vl) ->
        out.add(new byte[][] {Arrays.copyOfRange(fb, fo, fo + fl), Arrays.copyOfRange(vb, vo, vo + vl)}));
    return out;
  }

  /** A random {field, value} pair, or null when empty (expired fields included: purge first). */
  byte[][] random() {
    if (size() == 0) {
      return null;
    }
    if (data instanceof byte[] lp) {
      int k = ThreadLocalRandom.current().nextInt(size());
      int p = 0;
      while (k-- > 0) {
        p = HashListpack.next(lp, p, ex());
      }
      return new byte[][] {HashListpack.field(lp, p), HashListpack.value(lp, p)};
    }
    HashField f = dict().random();
    return new byte[][] {f.key, f.value};
  }

  /**
   * One HSCAN step: a packed hash returns everything and cursor 0 (as Redis does for small encodings); a table visits
   * buckets until {@code count} fields were seen or 10x that many buckets were walked.
   */
  long scan(long cursor, int count, java.util.function.Consumer<HashField> visitor) {
    ByteDict<HashField> d = dict();
    long maxIterations = count * 10L;
    int[] seen = {0};
    do {
      cursor = d.scan(cursor, f -> {
        seen[0]++;
        visitor.accept(f);
      });
    } while (cursor != 0 && --maxIterations > 0 && seen[0] < count);
    return cursor;
  }

  /**
   * After a write to the packed form: the encoding becomes "hashtable" past {@code maxEntries} fields, and a
   * "hashtable" hash moves to the table form once it no longer fits the packed one.
   */
  private void settle(int maxEntries) {
    if (size() > maxEntries) {
      sizeAndForm |= TABLE;
    }
    if (table() && (size() > PACKED_TABLE_FIELDS || ((byte[]) data).length > PACKED_TABLE_BYTES)) {
      convertToDict();
    }
  }

  /** The packed form to the table form (for good); the encoding is "hashtable" from then on. */
  private void convertToDict() {
    byte[] lp = (byte[]) data;
    ByteDict<HashField> d = new ByteDict<>();
    volatileCount = 0;
    for (int p = 0; p < lp.length; p = HashListpack.next(lp, p, ex())) {
      byte[] name = HashListpack.field(lp, p);
      byte[] value = HashListpack.value(lp, p);
      long t = HashListpack.ttlAt(lp, p, ex());
      if (t != 0) {
        HashField.Volatile f = new HashField.Volatile(name, value, t);
        d.addNew(f);
        addVolatile(f);
      } else {
        d.addNew(new HashField(name, value));
      }
    }
    data = d;
    setEx(false);
    sizeAndForm |= TABLE;
  }

  /** A field of the table form loses its TTL: it becomes a plain field in the same place of its chain. */
  private void clearTtl(HashField.Volatile v) {
    removeVolatile(v);
    dict().replace(v, new HashField(v.key, v.value));
  }

  private void addVolatile(HashField.Volatile f) {
    if (volatileFields == null) {
      volatileFields = new HashField.Volatile[4];
    } else if (volatileCount == volatileFields.length) {
      volatileFields = Arrays.copyOf(volatileFields, volatileCount * 2);
    }
    volatileFields[volatileCount] = f;
    f.slot = volatileCount++;
  }

  private void removeVolatile(HashField.Volatile f) {
    int i = f.slot;
    HashField.Volatile last = volatileFields[--volatileCount];
    volatileFields[i] = last;
    last.slot = i;
    volatileFields[volatileCount] = null;
    f.slot = -1;
    if (volatileCount == 0) {
      volatileFields = null;
    } else if (volatileFields.length > 16 && volatileCount < volatileFields.length / 4) {
      volatileFields = Arrays.copyOf(volatileFields, volatileFields.length / 2);
    }
  }
}
