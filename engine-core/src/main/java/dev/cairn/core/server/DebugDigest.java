package dev.cairn.core.server;

import dev.cairn.api.type.ModuleValue;
import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.module.ValueDigest;
import dev.cairn.core.type.hash.HashValue;
import dev.cairn.core.type.list.ListValue;
import dev.cairn.core.type.set.SetValue;
import dev.cairn.core.type.string.StringValues;
import dev.cairn.core.type.zset.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST and DIGEST-VALUE: SHA-1 signatures of content, not of layout, so that equal data gives equal digests
 * whatever its encoding or the order a hash table keeps (tests compare a dataset before and after COPY, RESTORE, a
 * reload or replication). Ordered things (a list, a string) are hashed in order; the members of unordered ones (set,
 * hash, sorted set, the keys of a database) are hashed one by one and combined with XOR. An empty dataset and a
 * missing key give 40 zeros, as in Redis.
 */
final class DebugDigest {
  private DebugDigest() {}

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-1
    }
  }

  /** DEBUG DIGEST: every database's keys with their types, values and expiry. */
  static String dataset(Engine e) {
    byte[] total = new byte[20];
    MessageDigest md = sha1();
    for (int i = 0; i < e.keyspace().databases(); i++) {
      Db db = e.keyspace().db(i);
      int dbId = i;
      db.forEach(entry -> {
        if (entry.expireAt() >= 0 && entry.expireAt() <= System.currentTimeMillis()) {
          return; // logically gone, as Redis skips expired keys
        }
        md.update(Integer.toString(dbId).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) 0);
        md.update(entry.key);
        md.update((byte) 0);
        md.update(dev.cairn.core.keyspace.Values.typeName(entry.value()).getBytes(StandardCharsets.US_ASCII));
        md.update(valueDigest(entry.value()));
        if (entry.expireAt() >= 0) {
          md.update(Long.toString(entry.expireAt()).getBytes(StandardCharsets.US_ASCII));
        }
        xor(total, md.digest());
      });
    }
    return hex(total);
  }

  /** DEBUG DIGEST-VALUE for one key: the value's digest, or zeros when the key does not exist. */
  static String value(Db db, byte[] key) {
    Entry entry = db.peek(key);
    return hex(entry == null ? new byte[20] : valueDigest(entry.value()));
  }

  private static byte[] valueDigest(Object v) {
    MessageDigest md = sha1();
    if (StringValues.isString(v)) {
      return md.digest(StringValues.bytes(v));
    }
    byte[] acc = new byte[20];
    switch (v) {
      case ListValue l -> {
        l.forEachMember(m -> {
          md.update(Integer.toString(m.length).getBytes(StandardCharsets.US_ASCII));
          md.update((byte) ':');
          md.update(m);
        });
        return md.digest();
      }
      case SetValue s -> s.forEach(m -> xor(acc, md.digest(m)));
      case HashValue h -> h.forEach(System.currentTimeMillis(), (fb, fo, fl, vb, vo, vl) -> {
        md.update(Integer.toString(fl).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) ':');
        md.update(fb, fo, fl);
        md.update(vb, vo, vl);
        xor(acc, md.digest());
      });
      case ZSetValue z -> z.forEach((m, score) -> {
        md.update(Integer.toString(m.length).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) ':');
        md.update(m);
        md.update(Double.toString(score).getBytes(StandardCharsets.US_ASCII));
        xor(acc, md.digest());
      });
      case ModuleValue mv -> {
        return moduleDigest(mv);
      }
      default -> md.update(v.getClass().getName().getBytes(StandardCharsets.US_ASCII));
    }
    // the type name keeps, say, a set and a sorted set of the same members apart
    md.update(acc);
    md.update(dev.cairn.core.keyspace.Values.typeName(v).getBytes(StandardCharsets.US_ASCII));
    return md.digest();
  }

  @SuppressWarnings("unchecked")
  private static byte[] moduleDigest(ModuleValue mv) {
    ValueDigest d = new ValueDigest();
    ((dev.cairn.api.type.DataType<Object>) mv.type()).digest(d, mv.value());
    byte[] out = new byte[20];
    String hex = d.hex();
    for (int i = 0; i < 20; i++) {
      out[i] = (byte) Integer.parseInt(hex, i * 2, i * 2 + 2, 16);
    }
    return out;
  }

  private static void xor(byte[] acc, byte[] d) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] ^= d[i];
    }
  }

  private static String hex(byte[] d) {
    StringBuilder sb = new StringBuilder(40);
    for (byte b : d) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
