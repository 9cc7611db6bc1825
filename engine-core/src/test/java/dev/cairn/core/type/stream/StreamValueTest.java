package dev.cairn.core.type.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The stream structure against a plain sorted map, under random appends, deletions and trims. */
class StreamValueTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Appends fields and values given as strings. */
  private static void add(StreamValue s, long ms, long seq, long maxBytes, long maxEntries, String... fv) {
    byte[][] argv = new byte[fv.length][];
    for (int i = 0; i < fv.length; i++) {
      argv[i] = b(fv[i]);
    }
    s.append(ms, seq, argv, 0, fv.length / 2, maxBytes, maxEntries);
  }

  /** The stream's entries as "id f v f v" strings, in order (or reversed). */
  private static List<String> entries(StreamValue s, StreamId from, StreamId to, boolean rev) {
    List<String> out = new ArrayList<>();
    StreamIterator it = new StreamIterator(s, from.ms(), from.seq(), to.ms(), to.seq(), rev);
    while (it.next()) {
      StringBuilder sb = new StringBuilder(new StreamId(it.ms, it.seq).toString());
      it.forEachFieldBytes(x -> sb.append(' ').append(new String(x, StandardCharsets.UTF_8)));
      out.add(sb.toString());
    }
    return out;
  }

  private static List<String> model(TreeMap<StreamId, String> m, StreamId from, StreamId to, boolean rev) {
    List<String> out = new ArrayList<>();
    if (from.compareTo(to) > 0) {
      return out;
    }
    for (var e : m.subMap(from, true, to, true).entrySet()) {
      out.add(e.getKey() + " " + e.getValue());
    }
    if (rev) {
      java.util.Collections.reverse(out);
    }
    return out;
  }

  @Test
  void randomizedAgainstSortedMap() {
    long seed = System.nanoTime();
    System.out.println("StreamValueTest seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 20; round++) {
      StreamValue s = new StreamValue();
      TreeMap<StreamId, String> m = new TreeMap<>();
      long maxEntries = 1 + rnd.nextInt(20);
      long maxBytes = rnd.nextBoolean() ? 0 : 60 + rnd.nextInt(300);
      long ms = rnd.nextInt(3);
      long seq = 0;
      for (int op = 0; op < 600; op++) {
        int kind = rnd.nextInt(10);
        if (kind < 6) {
          if (rnd.nextInt(4) == 0) {
            ms += 1 + rnd.nextInt(1000);
            seq = 0;
          } else {
            seq += 1 + rnd.nextInt(3);
          }
          String[] fv = rnd.nextBoolean() ? new String[] {"f", "v" + op, "g", Integer.toString(op * 7919)}
              : new String[] {"other" + rnd.nextInt(3), "x".repeat(rnd.nextInt(80))};
          add(s, ms, seq, maxBytes, maxEntries, fv);
          m.put(new StreamId(ms, seq), String.join(" ", fv));
        } else if (kind < 8 && !m.isEmpty()) {
          StreamId victim = rnd.nextBoolean() ? new ArrayList<>(m.keySet()).get(rnd.nextInt(m.size()))
              : new StreamId(ms, seq + 1);
          assertEquals(m.remove(victim) != null, s.delete(victim.ms(), victim.seq()), "seed " + seed);
        } else if (kind == 8) {
          long target = rnd.nextInt(Math.max(1, m.size() + 2));
          long removed = s.trim(target, null, false, 0);
          long expect = Math.max(0, m.size() - target);
          assertEquals(expect, removed, "seed " + seed);
          while (m.size() > target) {
            m.pollFirstEntry();
          }
        } else if (!m.isEmpty()) {
          StreamId min = new ArrayList<>(m.keySet()).get(rnd.nextInt(m.size()));
          long before = m.size();
          s.trim(0, min, false, 0);
          m.headMap(min, false).clear();
          assertEquals(m.size(), s.length, "seed " + seed);
          assertTrue(before >= m.size());
        }
        assertEquals(m.size(), s.length, "seed " + seed);
      }
      StreamId lo = StreamId.MIN;
      StreamId hi = StreamId.MAX;
      assertEquals(model(m, lo, hi, false), entries(s, lo, hi, false), "seed " + seed);
      assertEquals(model(m, lo, hi, true), entries(s, lo, hi, true), "seed " + seed);
      for (int q = 0; q < 30; q++) {
        StreamId a = new StreamId(rnd.nextInt((int) ms + 2), rnd.nextInt(8));
        StreamId z = new StreamId(rnd.nextInt((int) ms + 2), rnd.nextInt(8));
        assertEquals(model(m, a, z, false), entries(s, a, z, false), "seed " + seed);
        assertEquals(model(m, a, z, true), entries(s, a, z, true), "seed " + seed);
      }
      if (!m.isEmpty()) {
        assertEquals(m.firstKey(), s.firstId(), "seed " + seed);
        assertEquals(m.lastKey(), s.lastValidId(), "seed " + seed);
      }
      StreamValue copy = s.copy();
      assertEquals(entries(s, lo, hi, false), entries(copy, lo, hi, false));
    }
  }

  @Test
  void nodesCloseAtTheEntryLimitAndTheByteLimit() {
    StreamValue s = new StreamValue();
    for (int i = 1; i <= 250; i++) {
      add(s, i, 0, 4096, 100, "f", "v");
    }
    assertEquals(3, s.nodeCount());
    assertEquals(100, StreamNode.count(s.nodeLp(0)));
    // closed nodes keep no spare room
    assertEquals(StreamNode.bytes(s.nodeLp(0)), s.nodeLp(0).length);
    StreamValue big = new StreamValue();
    for (int i = 1; i <= 10; i++) {
      add(big, i, 0, 100, 0, "f", "x".repeat(40));
    }
    assertTrue(big.nodeCount() >= 4, "a 100-byte node takes two 40-byte entries at most");
  }

  @Test
  void approximateTrimRemovesWholeNodesOnly() {
    StreamValue s = new StreamValue();
    for (int i = 1; i <= 1000; i++) {
      add(s, i, 0, 4096, 100, "f", "v");
    }
    assertEquals(400, s.trim(555, null, true, 10000));
    assertEquals(600, s.length);
    assertEquals(new StreamId(401, 0), s.firstId());
    // LIMIT caps the work: one node of 100 is more than 50
    assertEquals(0, s.trim(0, null, true, 50));
    assertEquals(0, s.trim(0, new StreamId(450, 0), true, 10000));
    assertEquals(100, s.trim(0, new StreamId(550, 0), true, 10000));
  }

  @Test
  void deletingTheLastLiveEntryOfANodeDropsTheNode() {
    StreamValue s = new StreamValue();
    for (int i = 1; i <= 3; i++) {
      add(s, i, 0, 4096, 2, "f", "v");
    }
    assertEquals(2, s.nodeCount());
    assertTrue(s.delete(3, 0));
    assertEquals(1, s.nodeCount());
    assertTrue(s.delete(1, 0));
    assertFalse(s.delete(1, 0));
    assertEquals(1, s.nodeCount(), "a node with a live entry stays");
    assertEquals(1, StreamNode.deleted(s.nodeLp(0)));
  }

  @Test
  void radixNodeCountFollowsTheTrie() {
    assertEquals(1, RadixCount.nodes(new byte[0][]));
    assertEquals(2, RadixCount.nodes(new byte[][] {b("abcd")}));
    // root "ab" (compressed), branch at 2, then for each side a node at 3 and the key
    assertEquals(6, RadixCount.nodes(new byte[][] {b("abcd"), b("abxd")}));
    // branching at the root: the root is the branch node
    assertEquals(3, RadixCount.nodes(new byte[][] {b("a"), b("b")}));
    byte[][] keys = {b("aaa"), b("aab"), b("abc")};
    Arrays.sort(keys, Arrays::compareUnsigned);
    // root -> "a" compressed? no: root compressed "a", branch at 1 {a,b}; "a"-child at 2 is a branch {a,b} with two
    // keys; "b"-child at 2 leads to "abc" through one more node
    assertEquals(1 + 1 + 1 + 2 + 2, RadixCount.nodes(keys));
  }
}
