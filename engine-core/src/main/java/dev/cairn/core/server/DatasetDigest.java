package dev.cairn.core.server;

import dev.cairn.api.type.DataType;
import dev.cairn.api.type.ModuleValue;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.module.ValueDigest;
import dev.cairn.core.type.hash.HashValue;
import dev.cairn.core.type.list.ListValue;
import dev.cairn.core.type.set.SetValue;
import dev.cairn.core.type.string.StringValues;
import dev.cairn.core.type.zset.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE with Redis's algorithm, so that a dataset can be compared with a Redis server's
 * (and a dataset before a save with the one loaded back). Two operations on a 20-byte digest: {@code xor(d, data)}
 * XORs SHA1(data) into it (order-free: sets, hash fields, keys) and {@code mix(d, data)} sets it to
 * SHA1(d xor SHA1(data)) (order-sensitive: list elements). A value's digest starts with its type number mixed in
 * (4 bytes, big-endian), then its content, then "!!expire!!" XORed in when the key has a TTL. The dataset's digest
 * mixes in each non-empty database's number, then XORs in each key's digest (the key mixed, then its value's).
 */
public final class DatasetDigest {
  /** Computes a value's content into a digest (a data type outside the core registers one). */
  public interface TypeDigest {
    /** Whether this digests {@code value}. */
    boolean handles(Object value);

    /** Redis's object type number (string 0, list 1, set 2, zset 3, hash 4, module 5, stream 6). */
    int objectType();

    void digest(byte[] digest, Object value);
  }

  private static final byte[] EXPIRE = "!!expire!!".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FIELD_EXPIRE = "!!hexpire!!".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-1
    }
  });

  private final List<TypeDigest> types = new ArrayList<>();

  /** Adds the digest of a data type that is not built in (streams, ...). */
  public void register(TypeDigest t) {
    types.add(t);
  }

  /** DEBUG DIGEST: the whole keyspace, 20 zero bytes when it is empty. */
  public byte[] dataset(Keyspace ks) {
    byte[] result = new byte[20];
    for (int i = 0; i < ks.databases(); i++) {
      Db db = ks.db(i);
      if (db.size() == 0) {
        continue;
      }
      mix(result, new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}, 0, 4);
      db.forEach(e -> {
        byte[] d = new byte[20];
        mix(d, e.key, 0, e.key.length);
        value(d, e.value(), e.expireAt() >= 0);
        xor(result, d, 0, 20);
      });
    }
    return result;
  }

  /** DEBUG DIGEST-VALUE: one entry's value (and whether it has a TTL), 20 zero bytes for a missing key. */
  public byte[] entry(Entry e) {
    byte[] d = new byte[20];
    if (e != null) {
      value(d, e.value(), e.expireAt() >= 0);
    }
    return d;
  }

  private void value(byte[] d, Object v, boolean volatileKey) {
    byte[] bytes = StringValues.bytes(v);
    if (bytes != null) {
      type(d, 0);
      mix(d, bytes, 0, bytes.length);
    } else if (v instanceof ListValue l) {
      type(d, 1);
      l.forEachMember(m -> mix(d, m, 0, m.length));
    } else if (v instanceof SetValue s) {
      type(d, 2);
      s.forEach(m -> xor(d, m, 0, m.length));
    } else if (v instanceof ZSetValue z) {
      type(d, 3);
      z.forEach((m, score) -> {
        byte[] ele = new byte[20];
        mix(ele, m, 0, m.length);
        byte[] s = dev.cairn.core.util.DoubleFormat.shortest(score).getBytes(StandardCharsets.US_ASCII);
        mix(ele, s, 0, s.length);
        xor(d, ele, 0, 20);
      });
    } else if (v instanceof HashValue h) {
      type(d, 4);
      h.forEachWithTtl((fb, fo, fl, vb, vo, vl, ttl) -> {
        byte[] ele = new byte[20];
        mix(ele, fb, fo, fl);
        mix(ele, vb, vo, vl);
        if (ttl != 0) {
          xor(ele, FIELD_EXPIRE, 0, FIELD_EXPIRE.length);
        }
        xor(d, ele, 0, 20);
      });
    } else if (v instanceof ModuleValue mv) {
      type(d, 5);
      ValueDigest md = new ValueDigest();
      moduleDigest(mv.type(), md, mv.value());
      byte[] x = md.result();
      xor(d, x, 0, x.length);
    } else {
      for (TypeDigest t : types) {
        if (t.handles(v)) {
          type(d, t.objectType());
          t.digest(d, v);
          break;
        }
      }
    }
    if (volatileKey) {
      xor(d, EXPIRE, 0, EXPIRE.length);
    }
  }

  @SuppressWarnings("unchecked")
  private static <V> void moduleDigest(DataType<V> type, ValueDigest md, Object value) {
    type.digest(md, (V) value);
  }

  private static void type(byte[] d, int type) {
    mix(d, new byte[] {0, 0, 0, (byte) type}, 0, 4);
  }

  /** {@code digest ^= SHA1(data)}. */
  public static void xor(byte[] digest, byte[] data, int off, int len) {
    MessageDigest sha = SHA1.get();
    sha.update(data, off, len);
    byte[] h = sha.digest();
    for (int i = 0; i < 20; i++) {
      digest[i] ^= h[i];
    }
  }

  /** {@code digest = SHA1(digest ^ SHA1(data))}. */
  public static void mix(byte[] digest, byte[] data, int off, int len) {
    xor(digest, data, off, len);
    MessageDigest sha = SHA1.get();
    sha.update(digest, 0, 20);
    System.arraycopy(sha.digest(), 0, digest, 0, 20);
  }

  public static String hex(byte[] d) {
    StringBuilder sb = new StringBuilder(40);
    for (byte b : d) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
