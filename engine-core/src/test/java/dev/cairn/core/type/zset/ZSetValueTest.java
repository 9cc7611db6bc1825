package dev.cairn.core.type.zset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** ZSetValue and its ZTree against a java.util model, with random operations (the seed is printed). */
class ZSetValueTest {
  /** A model element: ordered by score, then by member bytes unsigned. */
  record E(double score, String member) implements Comparable<E> {
    @Override
    public int compareTo(E o) {
      int c = Double.compare(score == 0 ? 0.0 : score, o.score == 0 ? 0.0 : o.score);
      return c != 0 ? c : Arrays.compareUnsigned(bytes(member), bytes(o.member));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void randomOperationsMatchModel() {
    long seed = System.nanoTime();
    System.out.println("ZSetValueTest seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 30; round++) {
      int universe = 1 + rnd.nextInt(round < 10 ? 40 : 3000);
      int ops = 200 + rnd.nextInt(6000);
      boolean sameScores = rnd.nextInt(4) == 0;
      ZSetValue.Limits limits = new ZSetValue.Limits(rnd.nextInt(130), 64);
      run(seed, rnd, universe, ops, sameScores, limits);
    }
  }

  private static void run(long seed, Random rnd, int universe, int ops, boolean sameScores,
      ZSetValue.Limits limits) {
    ZSetValue z = ZSetValue.create(0, 0, limits);
    Map<String, Double> scores = new HashMap<>();
    TreeSet<E> order = new TreeSet<>();
    for (int op = 0; op < ops; op++) {
      String m = member(rnd, universe);
      double s = sameScores ? 1 : rnd.nextInt(20) - 10 + (rnd.nextBoolean() ? 0.5 : 0);
      int kind = rnd.nextInt(10);
      Double cur = scores.get(m);
      if (kind < 6) {
        if (cur == null) {
          z.insert(bytes(m), s, limits);
          scores.put(m, s);
          order.add(new E(s, m));
        } else if (rnd.nextBoolean()) {
          z.update(bytes(m), cur, s);
          order.remove(new E(cur, m));
          scores.put(m, s);
          order.add(new E(s, m));
        } else {
          // the member read in place, inside a bigger array (a request's argument arena)
          byte[] arena = inArena(m, 3);
          assertEquals(cur, z.score(arena, 3, bytes(m).length), 0.0, "seed " + seed);
          z.update(arena, 3, bytes(m).length, cur, s);
          Arrays.fill(arena, (byte) 'x'); // the connection's next command overwrites it
          order.remove(new E(cur, m));
          scores.put(m, s);
          order.add(new E(s, m));
        }
      } else {
        assertEquals(cur != null, z.remove(bytes(m)), "seed " + seed);
        if (cur != null) {
          scores.remove(m);
          order.remove(new E(cur, m));
        }
      }
      if (op % 97 == 0) {
        check(seed, rnd, z, scores, order, limits);
      }
    }
    check(seed, rnd, z, scores, order, limits);
  }

  /** {@code m}'s bytes at {@code off} in an array with other bytes around them. */
  private static byte[] inArena(String m, int off) {
    byte[] b = bytes(m);
    byte[] arena = new byte[off + b.length + 5];
    Arrays.fill(arena, (byte) '#');
    System.arraycopy(b, 0, arena, off, b.length);
    return arena;
  }

  private static String member(Random rnd, int universe) {
    int k = rnd.nextInt(universe);
    // some members share prefixes, some are longer than others, some use high bytes
    return switch (k % 3) {
      case 0 -> "m" + k;
      case 1 -> "m" + k + "\u00ff";
      default -> Integer.toString(k);
    };
  }

  private static void check(long seed, Random rnd, ZSetValue z, Map<String, Double> scores, TreeSet<E> order,
      ZSetValue.Limits limits) {
    String ctx = "seed " + seed;
    z.tree.verify();
    assertEquals(order.size(), z.size(), ctx);
    if (z.size() > limits.listpackEntries()) {
      assertEquals("skiplist", z.encoding(), ctx);
    }
    List<E> list = new ArrayList<>(order);
    List<String> walked = new ArrayList<>();
    z.forEach((m, s) -> walked.add(new String(m, StandardCharsets.ISO_8859_1)));
    assertEquals(list.stream().map(E::member).toList(), walked, ctx);
    for (int i = 0; i < list.size(); i++) {
      E e = list.get(i);
      assertEquals(i, z.rank(bytes(e.member())), ctx);
      ZTree.Cursor c = z.at(i);
      assertEquals(e.member(), new String(c.member(), StandardCharsets.ISO_8859_1), ctx);
      assertEquals(e.score(), c.score(), 0.0, ctx);
      assertEquals(scores.get(e.member()), z.score(bytes(e.member())), 0.0, ctx);
    }
    assertEquals(-1, z.rank(bytes("absent")), ctx);
    assertTrue(Double.isNaN(z.score(bytes("absent"))), ctx);
    for (int q = 0; q < 20; q++) {
      double bound = rnd.nextInt(24) - 12 + (rnd.nextBoolean() ? 0.5 : 0);
      long lt = list.stream().filter(e -> e.score() < bound).count();
      long le = list.stream().filter(e -> e.score() <= bound).count();
      assertEquals(lt, z.tree.countBefore(ZTree.SCORE_LT, bound, null), ctx);
      assertEquals(le, z.tree.countBefore(ZTree.SCORE_LE, bound, null), ctx);
      boolean oneScore = list.stream().map(E::score).distinct().count() <= 1;
      if (oneScore) {
        byte[] lex = bytes(member(rnd, 50));
        long llt = list.stream().filter(e -> Arrays.compareUnsigned(bytes(e.member()), lex) < 0).count();
        long lle = list.stream().filter(e -> Arrays.compareUnsigned(bytes(e.member()), lex) <= 0).count();
        assertEquals(llt, z.tree.countBefore(ZTree.LEX_LT, 0, lex), ctx);
        assertEquals(lle, z.tree.countBefore(ZTree.LEX_LE, 0, lex), ctx);
      }
    }
    if (!list.isEmpty()) {
      // walking backwards from the end visits everything in reverse
      ZTree.Cursor c = z.at(list.size() - 1);
      for (int i = list.size() - 1; i >= 0; i--) {
        assertEquals(list.get(i).member(), new String(c.member(), StandardCharsets.ISO_8859_1), ctx);
        c.prev();
      }
      assertTrue(!c.valid(), ctx);
    }
  }

  @Test
  void encodingTurnsToSkiplistPastLimits() {
    ZSetValue.Limits l = new ZSetValue.Limits(4, 8);
    ZSetValue z = ZSetValue.create(1, 1, l);
    for (int i = 0; i < 4; i++) {
      z.insert(bytes("m" + i), i, l);
    }
    assertEquals("listpack", z.encoding());
    z.insert(bytes("m4"), 4, l);
    assertEquals("skiplist", z.encoding());
    ZSetValue y = ZSetValue.create(1, 1, l);
    y.insert(bytes("a-long-member"), 1, l);
    assertEquals("skiplist", y.encoding());
    assertEquals("skiplist", ZSetValue.create(5, 1, l).encoding());
    assertArrayEquals(new byte[][] {bytes("m0"), bytes("m1"), bytes("m2"), bytes("m3"), bytes("m4")}, z.members());
  }

  @Test
  void aScoreChangeKeepsTheStoredMemberArrayNotTheRequests() {
    ZSetValue.Limits l = new ZSetValue.Limits(4, 64);
    ZSetValue z = ZSetValue.create(1, 1, l);
    byte[][] stored = new byte[200][];
    for (int i = 0; i < stored.length; i++) {
      stored[i] = bytes("m" + i);
      z.insert(stored[i], i, l);
    }
    for (int i = 0; i < stored.length; i++) {
      byte[] request = bytes("m" + i); // equal bytes, another array
      z.update(request, i, stored.length - i);
    }
    z.tree.verify();
    List<byte[]> order = new ArrayList<>();
    z.forEach((m, s) -> order.add(m));
    for (int i = 0; i < stored.length; i++) {
      assertSame(stored[stored.length - 1 - i], order.get(i)); // one array per member, shared by table and tree
    }
  }

  @Test
  void scoreChangesOnABigTreeReuseTheLeavesItEmptied() {
    ZSetValue.Limits l = ZSetValue.Limits.DEFAULT;
    ZSetValue z = ZSetValue.create(0, 0, l);
    int n = 20_000;
    Random rnd = new Random(7);
    double[] score = new double[n];
    for (int i = 0; i < n; i++) {
      score[i] = rnd.nextInt(1_000_000);
      z.insert(bytes("element:" + i), score[i], l);
    }
    // redis-benchmark's ZADD: random members of the set get random scores; splits and merges balance
    for (int op = 0; op < 200_000; op++) {
      int i = rnd.nextInt(n);
      double s = rnd.nextInt(1_000_000);
      z.update(bytes("element:" + i), score[i], s);
      score[i] = s;
    }
    Set<ZTree.Leaf> before = leaves(z);
    for (int op = 0; op < 200_000; op++) {
      int i = rnd.nextInt(n);
      double s = rnd.nextInt(1_000_000);
      z.update(bytes("element:" + i), score[i], s);
      score[i] = s;
    }
    z.tree.verify();
    Set<ZTree.Leaf> after = leaves(z);
    after.removeAll(before);
    // without reuse every split made a leaf: thousands over 200k changes
    assertTrue(after.size() < before.size() / 10, after.size() + " new leaves of " + before.size());
    for (int i = 0; i < n; i++) {
      assertEquals(score[i], z.score(bytes("element:" + i)), 0.0);
    }
    // shrunk below the size that keeps spares, the tree still works (and holds no emptied leaf's members)
    for (int i = 0; i < n - 100; i++) {
      assertTrue(z.remove(bytes("element:" + i)));
    }
    z.tree.verify();
    assertEquals(100, z.size());
  }

  private static Set<ZTree.Leaf> leaves(ZSetValue z) {
    Set<ZTree.Leaf> all = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ZTree.Leaf leaf = z.tree.first(); leaf != null; leaf = leaf.next) {
      all.add(leaf);
    }
    return all;
  }

  @Test
  void listpackStoresNegativeZeroAsZero() {
    ZSetValue z = ZSetValue.create(1, 1, ZSetValue.Limits.DEFAULT);
    z.insert(bytes("a"), -0.0, ZSetValue.Limits.DEFAULT);
    assertEquals(0, Double.doubleToRawLongBits(z.score(bytes("a"))));
  }

  @Test
  void largeSequentialInsertAndDeleteKeepsTreeBalanced() {
    ZSetValue.Limits l = ZSetValue.Limits.DEFAULT;
    ZSetValue z = ZSetValue.create(0, 0, l);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      z.insert(bytes("k" + i), i, l);
    }
    z.tree.verify();
    assertEquals(n / 2, z.rank(bytes("k" + n / 2)));
    // delete every element but one in 97: leaves merge as they empty
    for (int i = 0; i < n; i++) {
      if (i % 97 != 0) {
        assertTrue(z.remove(bytes("k" + i)));
      }
    }
    z.tree.verify();
    assertEquals((n + 96) / 97, z.size());
    assertEquals(3, z.rank(bytes("k" + 3 * 97)));
  }
}
