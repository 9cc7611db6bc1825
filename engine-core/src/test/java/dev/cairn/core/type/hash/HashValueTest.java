package dev.cairn.core.type.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashValueTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void smallHashStaysPackedAndConvertsPastEntries() {
    HashValue h = new HashValue();
    for (int i = 0; i < 128; i++) {
      assertTrue(h.set(b("f" + i), b("v" + i), false, 128, 64));
    }
    assertEquals("listpack", h.encoding());
    assertTrue(h.set(b("f128"), b("v"), false, 128, 64));
    assertEquals("hashtable", h.encoding());
    assertEquals(129, h.size());
    assertEquals("v5", s(h.get(b("f5"))));
  }

  @Test
  void longValueConvertsAndTtlMakesListpackex() {
    HashValue h = new HashValue();
    h.set(b("a"), b("1"), false, 128, 64);
    h.setExpireAt(b("a"), 5_000);
    assertEquals("listpackex", h.encoding());
    assertEquals(5_000, h.expireAt(b("a")));
    assertTrue(h.persist(b("a")));
    assertEquals("listpackex", h.encoding()); // Redis never goes back to plain listpack
    assertEquals(HashValue.NO_TTL, h.expireAt(b("a")));
    h.setExpireAt(b("a"), 7_000);
    h.set(b("b"), b("x".repeat(65)), false, 128, 64);
    assertEquals("hashtable", h.encoding());
    assertEquals(7_000, h.expireAt(b("a")));
    assertEquals(1, h.volatileCount());
    assertEquals(HashValue.NO_FIELD, h.expireAt(b("zz")));
  }

  @Test
  void expiredFieldsAreSkippedByIterationButCounted() {
    for (int entries : new int[] {128, 1}) {
      HashValue h = new HashValue();
      h.set(b("a"), b("1"), false, entries, 64);
      h.set(b("b"), b("2"), false, entries, 64);
      h.setExpireAt(b("a"), 100);
      assertTrue(h.isExpired(b("a"), 101));
      assertFalse(h.isExpired(b("a"), 100)); // expired only once now > expireAt, as keys
      assertEquals(2, h.size());
      assertEquals(1, h.liveSize(101));
      Set<String> seen = new HashSet<>();
      h.forEach(101, (fb, fo, fl, vb, vo, vl) -> seen.add(new String(fb, fo, fl, StandardCharsets.UTF_8)));
      assertEquals(Set.of("b"), seen);
      assertEquals(1, h.expiredFields(101, 10).size());
      assertEquals("a", s(h.expiredFields(101, 10).get(0)));
    }
  }

  @Test
  void documentSizedHashtableStaysPackedUntilItOutgrowsThePackedForm() {
    HashValue h = new HashValue();
    byte[][] argv = {b("HSET"), b("doc:1"), b("title"), b("a short title"), b("body"), b("w".repeat(180)), b("tag"),
        b("t1"), b("num"), b("42")};
    assertEquals(4, h.setPairs(Args.ofBytes(argv), 2, argv.length, 128, 64));
    assertEquals("hashtable", h.encoding()); // a value past hash-max-listpack-value, as in Redis
    assertTrue(h.isPacked());
    assertEquals("w".repeat(180), s(h.get(b("body"))));
    assertTrue(h.estimatedBytes(0) < 300, "one array, not a table: " + h.estimatedBytes(0));
    for (int i = 4; i < HashValue.PACKED_TABLE_FIELDS; i++) {
      assertTrue(h.set(b("f" + i), b("v" + i), false, 128, 64));
    }
    assertTrue(h.isPacked());
    assertTrue(h.set(b("one-too-many"), b("x"), false, 128, 64));
    assertFalse(h.isPacked());
    assertEquals("hashtable", h.encoding());
    assertEquals(HashValue.PACKED_TABLE_FIELDS + 1, h.size());
    assertEquals("a short title", s(h.get(b("title"))));
    assertEquals("v7", s(h.get(b("f7"))));
    assertTrue(h.delete(b("one-too-many")));
    assertFalse(h.isPacked()); // the table form is for good, as the encoding

    HashValue big = new HashValue();
    big.set(b("a"), b("1"), false, 128, 64);
    big.set(b("b"), b("x".repeat(HashValue.PACKED_TABLE_BYTES)), false, 128, 64);
    assertFalse(big.isPacked());
    assertEquals(2, big.size());
    assertEquals("1", s(big.get(b("a"))));
  }

  @Test
  void fieldTtlsSurviveTheMoveToTheTableForm() {
    HashValue h = new HashValue();
    h.set(b("long"), b("y".repeat(100)), false, 128, 64);
    h.set(b("a"), b("1"), false, 128, 64);
    h.setExpireAt(b("a"), 5_000);
    assertEquals("hashtable", h.encoding());
    assertTrue(h.isPacked());
    assertEquals(5_000, h.expireAt(b("a")));
    for (int i = 0; i < HashValue.PACKED_TABLE_FIELDS; i++) {
      h.set(b("f" + i), b("v"), false, 128, 64);
    }
    assertFalse(h.isPacked());
    assertEquals(5_000, h.expireAt(b("a")));
    assertEquals(HashValue.NO_TTL, h.expireAt(b("f1")));
    assertEquals(1, h.volatileCount());
    assertEquals(5_000, h.minExpireAt());
    // a TTL given and removed in the table form; HSET without KEEPTTL drops it too
    h.setExpireAt(b("f1"), 9_000);
    h.setExpireAt(b("f2"), 8_000);
    assertEquals(3, h.volatileCount());
    assertTrue(h.persist(b("a")));
    assertFalse(h.persist(b("a")));
    assertEquals(HashValue.NO_TTL, h.expireAt(b("a")));
    assertEquals("1", s(h.get(b("a"))));
    assertFalse(h.set(b("f2"), b("w"), true, 128, 64));
    assertEquals(8_000, h.expireAt(b("f2")));
    assertFalse(h.set(b("f2"), b("w2"), false, 128, 64));
    assertEquals(HashValue.NO_TTL, h.expireAt(b("f2")));
    assertEquals("w2", s(h.get(b("f2"))));
    assertEquals(1, h.volatileCount());
    HashValue copy = h.copy();
    assertEquals(9_000, copy.expireAt(b("f1")));
    assertEquals(1, copy.volatileCount());
    assertEquals("hashtable", copy.encoding());
    assertEquals(List.of("f1"), h.expiredFields(10_000, 10).stream().map(HashValueTest::s).toList());
    assertTrue(h.delete(b("f1")));
    assertEquals(0, h.volatileCount());
    assertEquals(1, copy.volatileCount()); // the copy has its own fields
  }

  /** Random operations against a HashMap model, small limits so that conversions happen. */
  @Test
  void randomizedAgainstModel() {
    long seed = System.nanoTime();
    System.out.println("HashValueTest seed=" + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int maxEntries = 1 + rnd.nextInt(40);
      int maxValue = 1 + rnd.nextInt(20);
      HashValue h = new HashValue();
      Map<String, String> model = new HashMap<>();
      Map<String, Long> ttl = new HashMap<>();
      int keys = 1 + rnd.nextInt(60);
      for (int op = 0; op < 300; op++) {
        String f = "f" + rnd.nextInt(keys);
        switch (rnd.nextInt(7)) {
          case 6 -> {
            // HSET's multi-pair path, repeated fields included
            int pairs = 1 + rnd.nextInt(5);
            String[] words = new String[2 + 2 * pairs];
            words[0] = "hset";
            words[1] = "key";
            Map<String, String> expect = new HashMap<>(model);
            int created = 0;
            for (int k = 0; k < pairs; k++) {
              String pf = "f" + rnd.nextInt(keys);
              String pv = "v".repeat(rnd.nextInt(25));
              words[2 + 2 * k] = pf;
              words[3 + 2 * k] = pv;
              if (!expect.containsKey(pf)) {
                created++;
              }
              expect.put(pf, pv);
              ttl.remove(pf);
            }
            Args pairsInArena = inArena(words); // read in place, as HSET reads them
            byte[] arena = pairsInArena.bytes(2);
            assertEquals(created, h.setPairs(pairsInArena, 2, words.length, maxEntries, maxValue), "seed " + seed);
            java.util.Arrays.fill(arena, (byte) '#'); // the connection's next command overwrites the arena
            model.clear();
            model.putAll(expect);
          }
          case 0, 1, 2 -> {
            String v = "v".repeat(rnd.nextInt(25));
            boolean keep = rnd.nextBoolean();
            boolean isNew = h.set(b(f), b(v), keep, maxEntries, maxValue);
            assertEquals(!model.containsKey(f), isNew, "seed " + seed);
            model.put(f, v);
            if (!keep) {
              ttl.remove(f);
            }
          }
          case 3 -> {
            assertEquals(model.remove(f) != null, h.delete(b(f)), "seed " + seed);
            ttl.remove(f);
          }
          case 4 -> {
            if (model.containsKey(f)) {
              long at = 1 + rnd.nextInt(1000);
              h.setExpireAt(b(f), at);
              ttl.put(f, at);
            }
          }
          default -> {
            boolean had = ttl.remove(f) != null;
            assertEquals(had, h.persist(b(f)), "seed " + seed);
          }
        }
        assertEquals(model.size(), h.size(), "seed " + seed);
        assertEquals(ttl.size(), h.volatileCount(), "seed " + seed);
      }
      for (Map.Entry<String, String> e : model.entrySet()) {
        assertArrayEquals(b(e.getValue()), h.get(b(e.getKey())), "seed " + seed);
        Long at = ttl.get(e.getKey());
        assertEquals(at == null ? HashValue.NO_TTL : at, h.expireAt(b(e.getKey())), "seed " + seed);
      }
      assertNull(h.get(b("absent")));
      Map<String, String> seen = new HashMap<>();
      h.forEach(-1, (fb, fo, fl, vb, vo, vl) -> seen.put(new String(fb, fo, fl, StandardCharsets.UTF_8),
          new String(vb, vo, vl, StandardCharsets.UTF_8)));
      assertEquals(model, seen, "seed " + seed);
      boolean shouldBePacked = model.size() <= maxEntries;
      if (!shouldBePacked) {
        assertEquals("hashtable", h.encoding(), "seed " + seed);
      }
      if (!h.isPacked()) {
        assertEquals("hashtable", h.encoding(), "seed " + seed); // only a "hashtable" hash takes the table form
      }
      if (model.size() > HashValue.PACKED_TABLE_FIELDS) {
        assertFalse(h.isPacked(), "seed " + seed);
      }
      long now = rnd.nextInt(1000);
      long live = model.keySet().stream().filter(k -> !ttl.containsKey(k) || ttl.get(k) >= now).count();
      assertEquals(live, h.liveSize(now), "seed " + seed);
    }
  }

  /** A hash of 40 fields f0..f39 (values v0..v39) in the table form (8 entries at most packed). */
  private static HashValue tableOf40() {
    HashValue h = new HashValue();
    for (int i = 0; i < 40; i++) {
      h.set(b("f" + i), b("v" + i), false, 8, 64);
    }
    assertFalse(h.isPacked());
    return h;
  }

  @Test
  void tableOverwritesKeepTheCallersArraysAndCopiesIntact() {
    HashValue h = tableOf40();
    byte[] first = b("aaa");
    assertTrue(h.set(b("x"), first, false, 8, 64));
    HashValue before = h.copy();
    byte[] second = b("bbb");
    assertFalse(h.set(b("x"), second, false, 8, 64)); // same length: written in place
    byte[] longer = b("cccc");
    assertFalse(h.set(b("f2"), longer, false, 8, 64));
    assertFalse(h.set(b("f2"), b("dddd"), false, 8, 64));
    assertEquals("aaa", s(first)); // the first request's argument was not the array overwritten
    assertEquals("cccc", s(longer));
    assertEquals("bbb", s(h.get(b("x"))));
    assertEquals("dddd", s(h.get(b("f2"))));
    assertEquals("aaa", s(before.get(b("x")))); // a copy (COPY, a snapshot's) keeps its own values
    assertEquals("v1", s(before.get(b("f1"))));
    h.set(b("f1"), b("zz"), false, 8, 64);
    assertEquals("v1", s(before.get(b("f1"))));
  }

  /** HSET's arguments as a connection's decoder leaves them: everything after the name in one reused arena. */
  private static Args inArena(String... words) {
    java.io.ByteArrayOutputStream arena = new java.io.ByteArrayOutputStream();
    byte[][] argv = new byte[words.length][];
    int[] offsets = new int[words.length];
    int[] lengths = new int[words.length];
    argv[0] = b(words[0]);
    for (int i = 1; i < words.length; i++) {
      offsets[i] = arena.size();
      lengths[i] = b(words[i]).length;
      arena.writeBytes(b(words[i]));
    }
    Args a = new Args(argv, words.length);
    a.reset(argv, words.length, arena.toByteArray(), offsets, lengths);
    return a;
  }

  @Test
  void pairsReadInPlaceMatchPairsSetFromArrays() {
    HashValue h = tableOf40();
    // present same length (in place), present other length, new, and a field repeated in one command (last wins)
    Args a = inArena("hset", "key", "f1", "w1", "f2", "longer", "new", "n", "new", "n2");
    byte[] kept = h.get(b("f1"));
    assertEquals(1, h.setPairsInPlace(a, 2, a.size())); // "new" counted once
    java.util.Arrays.fill(a.bytes(3), (byte) '#'); // the arena is overwritten by the connection's next command
    assertEquals("w1", s(h.get(b("f1"))));
    assertTrue(kept == h.get(b("f1"))); // the field's own array, written in place
    assertEquals("longer", s(h.get(b("f2"))));
    assertEquals("n2", s(h.get(b("new"))));
    assertEquals(41, h.size());
    assertEquals("v3", s(h.get(b("f3"))));
  }

  /** HINCRBY's reads and writes by range, packed and in the table form: digits written where the value lies. */
  @Test
  void countersReadAndWrittenInPlace() {
    RedisException notInteger = Errors.err("hash value is not an integer");
    for (HashValue h : new HashValue[] {new HashValue(), tableOf40()}) {
      Args a = inArena("hincrby", "key", "n", "text", "min");
      byte[] arena = a.bytes(2);
      assertEquals(0, h.longValue(a.bytes(2), a.offset(2), a.length(2), notInteger)); // absent
      h.setDecimal(a.bytes(2), a.offset(2), a.length(2), 17, 128, 64);
      byte[] held = h.get(b("n"));
      h.setDecimal(a.bytes(2), a.offset(2), a.length(2), -5, 128, 64); // same length: written over
      assertEquals(-5, h.longValue(a.bytes(2), a.offset(2), a.length(2), notInteger));
      if (!h.isPacked()) {
        assertTrue(held == h.get(b("n")) || held.length != 2, "the field's own array, written in place");
      }
      h.setDecimal(a.bytes(2), a.offset(2), a.length(2), 123456, 128, 64); // longer
      h.setDecimal(a.bytes(4), a.offset(4), a.length(4), Long.MIN_VALUE, 128, 64);
      java.util.Arrays.fill(arena, (byte) '#'); // nothing kept the arguments' bytes
      assertEquals("123456", s(h.get(b("n"))));
      assertEquals(Long.toString(Long.MIN_VALUE), s(h.get(b("min"))));
      h.setDecimal(b("min"), 0, 3, Long.MAX_VALUE, 128, 64); // one digit shorter
      assertEquals(Long.toString(Long.MAX_VALUE), s(h.get(b("min"))));
      h.set(b("text"), b("abc"), false, 128, 64);
      byte[] text = b("text");
      assertTrue(notInteger == org.junit.jupiter.api.Assertions.assertThrows(RedisException.class,
          () -> h.longValue(text, 0, text.length, notInteger)));
      assertEquals(3, h.valueLength(text, 0, text.length));
      assertEquals(-1, h.valueLength(b("none"), 0, 4));
    }
  }
}
