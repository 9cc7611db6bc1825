package dev.cairn.core.type.hll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The HyperLogLog layout alone: hashing, register packing, sparse edits, conversion and the estimate. */
class HllTest {
  private static final long MAX = 3000;

  private static Hll empty() {
    byte[] b = Hll.empty();
    return new Hll(b, b.length);
  }

  private static Hll dense() {
    Hll h = empty();
    assertTrue(h.toDense());
    return h;
  }

  private static byte[] bytes(Hll h) {
    return Arrays.copyOf(h.a, h.len);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void emptyIsOneXZeroRun() {
    assertEquals("48594c4c" + "01" + "000000" + "0000000000000000" + "7fff", HexFormat.of().formatHex(Hll.empty()));
  }

  @Test
  void threeElementsGiveRedisBytes() {
    Hll h = empty();
    for (String e : new String[] {"a", "b", "c"}) {
      assertEquals(1, h.add(b(e), MAX));
    }
    assertEquals(0, h.add(b("a"), MAX));
    // what Redis 7.0.15 holds after PFADD h a b c (the cache marked stale)
    assertEquals("48594c4c01000000000000000000008060f38050b1844bfb80425a", HexFormat.of().formatHex(bytes(h)));
    assertEquals(3, h.count());
  }

  /** Registers and counts Redis gives single elements (PFDEBUG DECODE): every tail length of MurmurHash64A. */
  @Test
  void registerAndCountMatchRedis() {
    String[][] cases = {{"", "5938", "2"}, {"a", "12711", "2"}, {"hello", "9216", "1"}, {"12345678", "10579", "3"},
        {"123456789abcdef0x", "12038", "1"}};
    for (String[] c : cases) {
      byte[] e = b(c[0]);
      int rc = Hll.registerAndCount(e, 0, e.length);
      assertEquals(Integer.parseInt(c[1]), rc & 0xffff, c[0]);
      assertEquals(Integer.parseInt(c[2]), rc >>> 16, c[0]);
    }
  }

  @Test
  void denseRegistersPackSixBitsWithoutDisturbingNeighbours() {
    Random rnd = new Random(7);
    byte[] d = new byte[Hll.DENSE_SIZE];
    int[] model = new int[Hll.REGISTERS];
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < Hll.REGISTERS; i++) {
        model[i] = rnd.nextInt(64);
        Hll.denseSet(d, i, model[i]);
      }
      for (int i = 0; i < Hll.REGISTERS; i++) {
        assertEquals(model[i], Hll.denseGet(d, i), "register " + i);
      }
    }
  }

  @Test
  void sparseAndDenseAgreeRegisterForRegister() {
    long seed = new Random().nextLong();
    System.out.println("HllTest.sparseAndDenseAgree seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 50; round++) {
      Hll sparse = empty();
      Hll dense = dense();
      int n = rnd.nextInt(1500);
      for (int i = 0; i < n; i++) {
        byte[] e = b(Long.toString(rnd.nextLong()));
        assertEquals(dense.add(e, MAX), sparse.add(e, Long.MAX_VALUE), "seed " + seed);
      }
      assertEquals(Hll.SPARSE, sparse.encoding());
      assertEquals(dense.count(), sparse.count(), "seed " + seed);
      byte[] m1 = new byte[Hll.REGISTERS];
      byte[] m2 = new byte[Hll.REGISTERS];
      assertTrue(sparse.mergeInto(m1));
      assertTrue(dense.mergeInto(m2));
      assertArrayEquals(m2, m1, "seed " + seed);
      assertTrue(sparse.toDense());
      assertArrayEquals(Arrays.copyOfRange(dense.a, Hll.HDR, Hll.DENSE_SIZE),
          Arrays.copyOfRange(sparse.a, Hll.HDR, Hll.DENSE_SIZE), "seed " + seed);
    }
  }

  @Test
  void sparseTurnsDenseWhenItWouldPassTheLimit() {
    Hll h = empty();
    int i = 0;
    while (h.encoding() == Hll.SPARSE) {
      assertTrue(h.len <= 300, "a sparse HLL never grows past the limit");
      h.add(b("x" + i++), 300);
    }
    assertEquals(Hll.DENSE_SIZE, h.len);
    assertTrue(i > 50 && i < 400, "turned dense after " + i + " elements");
  }

  @Test
  void aRegisterOverThirtyTwoNeedsDense() {
    Hll h = empty();
    h.set(100, 33, MAX);
    assertEquals(Hll.DENSE, h.encoding());
    assertEquals(33, Hll.denseGet(h.a, 100));
  }

  @Test
  void adjacentEqualValuesMerge() {
    Hll h = empty();
    h.set(10, 3, MAX);
    h.set(11, 3, MAX);
    h.set(12, 3, MAX);
    // ZERO(10) VAL(3,3) XZERO(16371): the three registers share one opcode
    assertEquals(Hll.HDR + 1 + 1 + 2, h.len);
    assertEquals(9, h.a[Hll.HDR]);
    assertEquals(0x80 | (2 << 2) | 2, h.a[Hll.HDR + 1] & 0xff);
  }

  @Test
  void estimatesStayWithinAFewPercent() {
    Hll h = empty();
    for (int n = 1; n <= 200_000; n++) {
      h.add(b("element:" + n), MAX);
      if (n == 10 || n == 1000 || n == 50_000 || n == 200_000) {
        long est = h.count();
        assertTrue(Math.abs(est - n) <= Math.max(1, n * 0.03), n + " estimated as " + est);
      }
    }
  }

  @Test
  void estimateOfNothingIsZero() {
    assertEquals(0, empty().count());
    assertEquals(0, dense().count());
  }

  @Test
  void corruptSparseIsReportedNeverThrown() {
    long seed = new Random().nextLong();
    System.out.println("HllTest.corruptSparse seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 2000; round++) {
      Hll h = empty();
      int n = rnd.nextInt(400);
      for (int i = 0; i < n; i++) {
        h.add(b(Integer.toString(rnd.nextInt())), MAX);
      }
      byte[] s = bytes(h);
      int flips = 1 + rnd.nextInt(5);
      for (int i = 0; i < flips; i++) {
        s[Hll.HDR + rnd.nextInt(s.length - Hll.HDR)] = (byte) rnd.nextInt(256);
      }
      if (rnd.nextBoolean()) {
        s = Arrays.copyOf(s, s.length + rnd.nextInt(4)); // trailing garbage (zeros are XZERO/ZERO runs)
      }
      Hll c = new Hll(Arrays.copyOf(s, s.length), s.length);
      long count = c.count();
      byte[] max = new byte[Hll.REGISTERS];
      boolean merged = new Hll(Arrays.copyOf(s, s.length), s.length).mergeInto(max);
      assertEquals(count != -1, merged, "seed " + seed);
      boolean converted = new Hll(Arrays.copyOf(s, s.length), s.length).toDense();
      assertEquals(merged, converted, "seed " + seed);
      Hll w = new Hll(Arrays.copyOf(s, s.length), s.length);
      for (int i = 0; i < 20; i++) {
        int rc = w.add(b("more" + i), MAX);
        assertTrue(rc >= -1 && rc <= 1);
        for (int k = w.len; k < w.a.length; k++) {
          assertEquals(0, w.a[k], "bytes past the end stay zero, seed " + seed);
        }
      }
    }
  }

  @Test
  void runPastTheLastRegisterIsCorruptEvenIfTheSumBeforeItFits() {
    Hll h = empty();
    byte[] s = Arrays.copyOf(bytes(h), h.len + 1);
    s[s.length - 1] = (byte) 0x80; // VAL(1,1) after the XZERO that already covers every register
    assertFalse(new Hll(s.clone(), s.length).mergeInto(new byte[Hll.REGISTERS]));
    assertFalse(new Hll(s.clone(), s.length).toDense());
    assertEquals(-1, new Hll(s.clone(), s.length).count());
  }

  @Test
  void headerChecks() {
    byte[] ok = Hll.empty();
    assertTrue(Hll.isValid(ok, ok.length));
    assertFalse(Hll.isValid(ok, 15));
    byte[] magic = ok.clone();
    magic[0] = 'X';
    assertFalse(Hll.isValid(magic, magic.length));
    byte[] enc = ok.clone();
    enc[4] = 2;
    assertFalse(Hll.isValid(enc, enc.length));
    byte[] shortDense = ok.clone();
    shortDense[4] = Hll.DENSE;
    assertFalse(Hll.isValid(shortDense, shortDense.length), "a dense HLL has exactly 12304 bytes");
    assertTrue(Hll.isValid(dense().a, Hll.DENSE_SIZE));
  }

  @Test
  void roundingIsHalfAwayFromZeroAndOverflowIsLongMin() {
    assertEquals(3, Hll.roundHalfAway(2.5));
    assertEquals(2, Hll.roundHalfAway(2.4999999999999996));
    assertEquals(0, Hll.roundHalfAway(0.49999999999999994));
    assertEquals(Long.MIN_VALUE, Hll.roundHalfAway(Double.POSITIVE_INFINITY));
    assertEquals(Long.MIN_VALUE, Hll.roundHalfAway(1e19));
  }

  @Test
  void cacheFlagAndValue() {
    Hll h = empty();
    h.add(b("x"), MAX);
    assertFalse(h.cacheValid());
    h.setCachedCard(1);
    assertTrue(h.cacheValid());
    assertEquals(1, h.cachedCard());
    h.invalidateCache();
    assertFalse(h.cacheValid());
  }
}
