package dev.cairn.core.server;

import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.type.hash.HashValue;
import dev.cairn.core.type.list.ListValue;
import dev.cairn.core.type.set.SetValue;
import dev.cairn.core.type.string.StringValues;
import dev.cairn.core.type.zset.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST and DIGEST-VALUE: a SHA-1 of the dataset's content that does not depend on encodings or on the order
 * of unordered collections, so that a dataset and its reload (from the AOF or an RDB file) digest alike. As in Redis,
 * an empty dataset digests to forty zeros and each key's digest is XORed into its database's, so key order does not
 * matter; lists mix their elements in order, sets, hashes and sorted sets XOR per-element digests.
 */
final class DebugDigest {
  private DebugDigest() {}

  /** The digest of every database, as 40 hex characters. */
  static String dataset(Engine e) {
    byte[] total = new byte[20];
    for (int i = 0; i < e.keyspace().databases(); i++) {
      Db db = e.keyspace().db(i);
      if (db.size() == 0) {
        continue;
      }
      byte[] dbId = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
      db.forEach(entry -> {
        if (db.isExpired(entry)) {
          return;
        }
        MessageDigest md = sha1();
        md.update(dbId);
        md.update((byte) 0);
        md.update(key(e, entry));
        xor(total, md.digest());
      });
    }
    return hex(total);
  }

  /** The digest of one key (its value and expiry), or forty zeros when missing. */
  static String key(Engine e, Db db, byte[] key) {
    Entry entry = db.peek(key);
    return entry == null ? hex(new byte[20]) : hex(key(e, entry));
  }

  private static byte[] key(Engine e, Entry entry) {
    MessageDigest md = sha1();
    add(md, entry.key);
    Object v = entry.value();
    if (StringValues.isString(v)) {
      add(md, "string");
      add(md, StringValues.bytes(v));
    } else if (v instanceof ListValue list) {
      add(md, "list");
      list.forEachMember(m -> add(md, m));
    } else if (v instanceof SetValue set) {
      add(md, "set");
      byte[] acc = new byte[20];
      set.forEach(m -> xor(acc, sha1(m)));
      md.update(acc);
    } else if (v instanceof ZSetValue zset) {
      add(md, "zset");
      byte[] acc = new byte[20];
      zset.forEach((m, s) -> {
        MessageDigest one = sha1();
        add(one, m);
        add(one, Double.toString(s == 0.0 ? 0.0 : s)); // -0 and 0 are one score
        xor(acc, one.digest());
      });
      md.update(acc);
    } else if (v instanceof HashValue hash) {
      add(md, "hash");
      byte[] acc = new byte[20];
      hash.forEach(-1, (fb, fo, fl, vb, vo, vl) -> {
        MessageDigest one = sha1();
        one.update(fb, fo, fl);
        one.update((byte) 0);
        one.update(vb, vo, vl);
        one.update((byte) 0);
        byte[] field = java.util.Arrays.copyOfRange(fb, fo, fo + fl);
        add(one, Long.toString(hash.expireAt(field)));
        xor(acc, one.digest());
      });
      md.update(acc);
    } else {
      // other types (modules, ...): their serialized form
      add(md, e.dumpPayload().create(v));
    }
    if (entry.expireAt() >= 0) {
      add(md, "!!expire!!");
      add(md, Long.toString(entry.expireAt()));
    }
    return md.digest();
  }

  private static void add(MessageDigest md, byte[] b) {
    md.update(b);
    md.update((byte) 0);
  }

  private static void add(MessageDigest md, String s) {
    add(md, s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha1(byte[] b) {
    MessageDigest md = sha1();
    md.update(b);
    return md.digest();
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex); // every JDK has SHA-1
    }
  }

  private static void xor(byte[] acc, byte[] d) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] ^= d[i];
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(40);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
    }
    return sb.toString();
  }
}
