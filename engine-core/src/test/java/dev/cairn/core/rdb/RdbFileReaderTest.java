package dev.cairn.core.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The RDB reader on files built byte by byte: every older encoding Redis wrote (ziplists, zipmaps, intsets, quicklists
 * of ziplists, text scores, second-resolution expiry, files without checksum), the opcodes it must skip or refuse, and
 * damaged files, which must fail with an {@link RdbFormatException} and never with another exception.
 */
class RdbFileReaderTest {
  private final RdbCodecs codecs = engineCodecs();

  private static RdbCodecs engineCodecs() {
    Config c = new Config();
    return new Engine(c, new ServerParams(c), CoreCommands.families()).rdbCodecs();
  }

  /** What a file holds, keys as "db:key" mapped to a text form of the value. */
  static final class Collected implements RdbFileReader.Handler {
    final Map<String, String> keys = new LinkedHashMap<>();
    final Map<String, Long> expires = new LinkedHashMap<>();
    final List<String> aux = new ArrayList<>();
    final List<String> empty = new ArrayList<>();
    long db;

    @Override
    public void aux(byte[] key, byte[] value) {
      aux.add(s(key) + "=" + s(value));
    }

    @Override
    public void selectDb(long index) {
      db = index;
    }

    @Override
    public void resizeDb(long size, long expiresSize) {
    }

    @Override
    public void section(RdbSection<?> section, Object read) {
    }

    @Override
    public void key(byte[] key, Object value, long expireAt, long idle, int freq) {
      String k = db + ":" + s(key);
      keys.put(k, dev.cairn.core.keyspace.Values.typeName(value) + " " + text(value));
      if (expireAt >= 0) {
        expires.put(k, expireAt);
      }
    }

    @Override
    public void emptyKey(byte[] key) {
      empty.add(s(key));
    }
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** A value's elements in a stable order (sets and hashes sorted). */
  static String text(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof byte[] b) {
      return s(b);
    } else if (v instanceof dev.cairn.core.type.list.ListValue l) {
      l.forEachMember(m -> out.add(s(m)));
      return out.toString();
    } else if (v instanceof dev.cairn.core.type.set.SetValue set) {
      set.forEach(m -> out.add(s(m)));
    } else if (v instanceof dev.cairn.core.type.zset.ZSetValue z) {
      z.forEach((m, score) -> out.add(s(m) + "=" + score));
      return out.toString();
    } else if (v instanceof dev.cairn.core.type.hash.HashValue h) {
      h.forEachWithTtl((fb, fo, fl, vb, vo, vl, t) -> out.add(new String(fb, fo, fl, StandardCharsets.ISO_8859_1)
          + "=" + new String(vb, vo, vl, StandardCharsets.ISO_8859_1) + (t != 0 ? "@" + t : "")));
    } else {
      return String.valueOf(v);
    }
    java.util.Collections.sort(out);
    return out.toString();
  }

  Collected read(byte[] file) throws RdbFormatException {
    Collected c = new Collected();
    RdbFileReader r = new RdbFileReader(new RdbInput(new ByteArrayInputStream(file), file.length), codecs);
    r.readHeader();
    assertTrue(r.read(c, Long.MAX_VALUE, true));
    return c;
  }

  // ---- building files

  /** An RDB file: header, records, EOF and (version 5 and up) the checksum. */
  static final class FileBuilder {
    final ByteArrayOutputStream b = new ByteArrayOutputStream();
    final int version;

    FileBuilder(int version) {
      this.version = version;
      b.writeBytes(RdbFormat.header(version));
    }

    FileBuilder raw(int... bytes) {
      for (int x : bytes) {
        b.write(x);
      }
      return this;
    }

    FileBuilder raw(byte[] bytes) {
      b.writeBytes(bytes);
      return this;
    }

    FileBuilder string(String v) {
      return string(v.getBytes(StandardCharsets.ISO_8859_1));
    }

    FileBuilder string(byte[] v) {
      RdbOutput o = new RdbOutput(16, false);
      o.writeLength(v.length);
      o.writeBytes(v, 0, v.length);
      return raw(o.toByteArray());
    }

    FileBuilder length(long n) {
      RdbOutput o = new RdbOutput(16, false);
      o.writeLength(n);
      return raw(o.toByteArray());
    }

    FileBuilder key(int type, String key) {
      return raw(type).string(key);
    }

    byte[] build() {
      b.write(RdbFormat.OPCODE_EOF);
      if (version >= 5) {
        byte[] body = b.toByteArray();
        long crc = Crc64.of(body, 0, body.length);
        for (int i = 0; i < 8; i++) {
          b.write((int) (crc >>> (8 * i)));
        }
      }
      return b.toByteArray();
    }
  }

  /** A ziplist of {@code entries}: integers as ints where they fit, others as strings. */
  static byte[] ziplist(String... entries) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int prev = 0;
    int lastStart = 10;
    for (String e : entries) {
      ByteArrayOutputStream one = new ByteArrayOutputStream();
      if (prev < 254) {
        one.write(prev);
      } else {
        one.write(254);
        le(one, prev, 4);
      }
      Long n = e.matches("-?\\d{1,18}") ? Long.parseLong(e) : null;
      if (n != null && n >= 0 && n <= 12) {
        one.write(0xf1 + n.intValue());
      } else if (n != null && n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
        one.write(0xc0);
        le(one, n, 2);
      } else if (n != null) {
        one.write(0xe0);
        le(one, n, 8);
      } else {
        byte[] s = e.getBytes(StandardCharsets.ISO_8859_1);
        if (s.length < 64) {
          one.write(s.length);
        } else {
          one.write(0x40 | s.length >> 8);
          one.write(s.length & 0xff);
        }
        one.writeBytes(s);
      }
      lastStart = 10 + body.size();
      prev = one.size();
      body.writeBytes(one.toByteArray());
    }
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    le(z, 10 + body.size() + 1, 4);
    le(z, lastStart, 4);
    le(z, entries.length, 2);
    z.writeBytes(body.toByteArray());
    z.write(0xff);
    return z.toByteArray();
  }

  /** A zipmap of field, value pairs. */
  static byte[] zipmap(String... pairs) {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    z.write(pairs.length / 2);
    for (int i = 0; i < pairs.length; i += 2) {
      z.write(pairs[i].length());
      z.writeBytes(pairs[i].getBytes(StandardCharsets.ISO_8859_1));
      z.write(pairs[i + 1].length());
      z.write(0); // no free bytes
      z.writeBytes(pairs[i + 1].getBytes(StandardCharsets.ISO_8859_1));
    }
    z.write(0xff);
    return z.toByteArray();
  }

  static byte[] intset(int width, long... values) {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    le(z, width, 4);
    le(z, values.length, 4);
    for (long v : values) {
      le(z, v, width);
    }
    return z.toByteArray();
  }

  static void le(ByteArrayOutputStream o, long v, int n) {
    for (int i = 0; i < n; i++) {
      o.write((int) (v >>> (8 * i)));
    }
  }

  // ---- tests

  @Test
  void readsTheEncodingsOfOlderRedisVersions() throws Exception {
    byte[] file = new FileBuilder(6)
        .raw(RdbFormat.OPCODE_AUX).string("redis-ver").string("3.2.0")
        .raw(RdbFormat.OPCODE_SELECTDB).length(0)
        .key(RdbCodecs.TYPE_LIST_ZIPLIST, "zl").string(ziplist("a", "7", "-300", "123456789012", "x".repeat(70)))
        .key(RdbCodecs.TYPE_LIST_QUICKLIST, "ql").length(2).string(ziplist("1", "2")).string(ziplist("three"))
        .key(RdbCodecs.TYPE_HASH_ZIPMAP, "zm").string(zipmap("f1", "v1", "f2", "v2"))
        .key(RdbCodecs.TYPE_HASH_ZIPLIST, "hz").string(ziplist("a", "1", "b", "2"))
        .key(RdbCodecs.TYPE_ZSET_ZIPLIST, "zz").string(ziplist("m", "1.5", "n", "3"))
        .key(RdbCodecs.TYPE_SET_INTSET, "is").string(intset(2, -5, 3, 300))
        .key(RdbCodecs.TYPE_SET_INTSET, "is8").string(intset(8, 1L << 40, 1L << 41))
        .raw(RdbFormat.OPCODE_EXPIRETIME).raw(0x10, 0x27, 0, 0) // 10000 seconds since the epoch
        .key(RdbCodecs.TYPE_ZSET, "z1").length(3).string("a").raw(3).raw("1.5".getBytes()).string("b").raw(254)
        .string("c").raw(255)
        .key(RdbCodecs.TYPE_STRING, "s").string("plain")
        .build();
    Collected c = read(file);
    assertEquals("list [a, 7, -300, 123456789012, " + "x".repeat(70) + "]", c.keys.get("0:zl"));
    assertEquals("list [1, 2, three]", c.keys.get("0:ql"));
    assertEquals("hash [f1=v1, f2=v2]", c.keys.get("0:zm"));
    assertEquals("hash [a=1, b=2]", c.keys.get("0:hz"));
    assertEquals("zset [m=1.5, n=3.0]", c.keys.get("0:zz"));
    assertEquals("set [-5, 3, 300]", c.keys.get("0:is"));
    assertEquals("set [1099511627776, 2199023255552]", c.keys.get("0:is8"));
    assertEquals("zset [c=-Infinity, a=1.5, b=Infinity]", c.keys.get("0:z1"));
    assertEquals(10_000_000L, c.expires.get("0:z1"));
    assertEquals("string plain", c.keys.get("0:s"));
    assertEquals(List.of("redis-ver=3.2.0"), c.aux);
  }

  @Test
  void filesBeforeVersion5HaveNoChecksum() throws Exception {
    byte[] file = new FileBuilder(3).raw(RdbFormat.OPCODE_SELECTDB).length(2)
        .key(RdbCodecs.TYPE_STRING, "k").string("v").build();
    assertEquals("string v", read(file).keys.get("2:k"));
  }

  @Test
  void hashFieldTtlsOfRedis74() throws Exception {
    byte[] meta = new FileBuilder(12).raw(RdbFormat.OPCODE_SELECTDB).length(0)
        .key(RdbCodecs.TYPE_HASH_METADATA, "h").raw(longLE(1_000_000)).length(2)
        .length(0).string("a").string("1")
        .length(501).string("b").string("2") // 1,000,000 + 501 - 1
        .build();
    assertEquals("hash [a=1, b=2@1000500]", read(meta).keys.get("0:h"));
  }

  private static byte[] longLE(long v) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    le(o, v, 8);
    return o.toByteArray();
  }

  @Test
  void emptyKeysAreSkippedNotFatal() throws Exception {
    byte[] file = new FileBuilder(9).raw(RdbFormat.OPCODE_SELECTDB).length(0)
        .key(RdbCodecs.TYPE_SET, "emptyset").length(0)
        .key(RdbCodecs.TYPE_LIST_QUICKLIST, "emptyql").length(1).string(ziplist())
        .key(RdbCodecs.TYPE_HASH_ZIPLIST, "emptyhz").string(ziplist())
        .key(RdbCodecs.TYPE_STRING, "k").string("v").build();
    Collected c = read(file);
    assertEquals(List.of("emptyset", "emptyql", "emptyhz"), c.empty);
    assertEquals(1, c.keys.size());
  }

  @Test
  void refusesWhatItCannotRead() {
    assertEquals("Wrong signature trying to load DB from file", assertThrows(RdbFormatException.class,
        () -> read("RADIS0010\u00ff".getBytes(StandardCharsets.ISO_8859_1))).getMessage());
    assertEquals("Can't handle RDB format version 0013", assertThrows(RdbFormatException.class,
        () -> read(new FileBuilder(13).build())).getMessage());
    assertEquals("Pre-release module format not supported", assertThrows(RdbFormatException.class,
        () -> read(new FileBuilder(10).key(RdbCodecs.TYPE_MODULE_PRE_GA, "m").build())).getMessage());
    assertEquals("Pre-release function format not supported.", assertThrows(RdbFormatException.class,
        () -> read(new FileBuilder(10).raw(RdbFormat.OPCODE_FUNCTION_PRE_GA).build())).getMessage());
    assertEquals("Unknown RDB encoding type 99", assertThrows(RdbFormatException.class,
        () -> read(new FileBuilder(10).key(99, "m").build())).getMessage());
    byte[] crc = new FileBuilder(10).key(RdbCodecs.TYPE_STRING, "k").string("v").build();
    crc[crc.length - 1] ^= 1;
    assertTrue(assertThrows(RdbFormatException.class, () -> read(crc)).getMessage().contains("RDB CRC error"));
    byte[] noCrc = new FileBuilder(10).key(RdbCodecs.TYPE_STRING, "k").string("v").build();
    java.util.Arrays.fill(noCrc, noCrc.length - 8, noCrc.length, (byte) 0);
    assertDoesNotThrow(() -> read(noCrc), "a zero checksum is a file saved without one");
    assertTrue(assertThrows(RdbFormatException.class, () -> read(new FileBuilder(10)
        .key(RdbCodecs.TYPE_HASH_ZIPLIST, "dup").string(ziplist("a", "1", "a", "2")).build())).getMessage()
        .startsWith("Hash ziplist integrity check failed."));
  }

  private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e, String why) {
    try {
      e.execute();
    } catch (Throwable t) {
      fail(why + ": " + t);
    }
  }

  /** A file of every type written by the writer, then damaged: every failure is an RdbFormatException. */
  @Test
  void damagedFilesFailCleanly() throws Exception {
    long seed = System.nanoTime();
    System.out.println("RdbFileReaderTest seed " + seed);
    Random rnd = new Random(seed);
    byte[] good = sampleFile();
    read(good);
    for (int cut = 9; cut < good.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      expectFormatError(truncated, "truncated at " + cut + ", seed " + seed);
    }
    for (int i = 0; i < 3000; i++) {
      byte[] bad = good.clone();
      for (int k = 0, n = 1 + rnd.nextInt(3); k < n; k++) {
        bad[9 + rnd.nextInt(bad.length - 9)] = (byte) rnd.nextInt(256);
      }
      try {
        Collected c = new Collected();
        RdbFileReader r = new RdbFileReader(new RdbInput(new ByteArrayInputStream(bad), bad.length), codecs);
        r.readHeader();
        r.read(c, Long.MAX_VALUE, false); // no checksum: the damage must be caught by the decoders themselves
      } catch (RdbFormatException expected) {
        // refused cleanly
      } catch (RuntimeException | OutOfMemoryError e) {
        throw new AssertionError("a damaged file failed with " + e + ", seed " + seed, e);
      }
    }
  }

  private void expectFormatError(byte[] file, String what) {
    try {
      read(file);
      fail("no error for a file " + what);
    } catch (RdbFormatException expected) {
      // refused cleanly
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError("a file " + what + " failed with " + e, e);
    }
  }

  /** Every type in the forms the writer uses, and the packed forms Redis writes. */
  private byte[] sampleFile() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RdbFileWriter w = new RdbFileWriter(out, codecs, 12, true, true);
    w.header();
    w.standardAux("7.2.4", 1000, false);
    w.selectDb(0);
    w.resizeDb(6, 1);
    w.key("s".getBytes(), "hello".repeat(10).getBytes(), 99_999_999_999L, -1, -1);
    var list = new dev.cairn.core.type.list.ListValue();
    for (int i = 0; i < 50; i++) {
      list.push(("e" + i).getBytes(), false, -2);
    }
    w.key("l".getBytes(), list, -1, 5, -1);
    var h = new dev.cairn.core.type.hash.HashValue();
    h.set("f".getBytes(), "v".getBytes(), false, 128, 64);
    h.set("g".getBytes(), "w".getBytes(), false, 128, 64);
    h.setExpireAt("g".getBytes(), 99_999_999_999L);
    w.key("h".getBytes(), h, -1, -1, 3);
    w.end();
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    byte[] written = out.toByteArray();
    packed.writeBytes(java.util.Arrays.copyOf(written, written.length - 9)); // without EOF and checksum
    FileBuilder more = new FileBuilder(12);
    more.b.reset();
    more.raw(packed.toByteArray())
        .key(RdbCodecs.TYPE_LIST_QUICKLIST, "ql").length(2).string(ziplist("1", "2")).string(ziplist("three"))
        .key(RdbCodecs.TYPE_HASH_ZIPMAP, "zm").string(zipmap("f1", "v1", "f2", "v2"))
        .key(RdbCodecs.TYPE_ZSET_ZIPLIST, "zz").string(ziplist("m", "1.5", "n", "3"))
        .key(RdbCodecs.TYPE_SET_INTSET, "is").string(intset(4, -5, 3, 300000));
    return more.build();
  }
}
