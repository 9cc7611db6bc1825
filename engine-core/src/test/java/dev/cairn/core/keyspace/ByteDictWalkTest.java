package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A snapshot's walk in bucket order: no node moves while it runs, unless the table is far over full. */
class ByteDictWalkTest {
  static final class Node extends ByteDict.Node<Node> {
    Node(byte[] key) {
      super(key);
    }
  }

  private static byte[] key(int i) {
    return ("k" + i).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aWalkVisitsEveryElementPresentThroughoutExactlyOnce() {
    long seed = System.nanoTime();
    System.out.println("ByteDictWalkTest seed " + seed);
    Random r = new Random(seed);
    for (int round = 0; round < 60; round++) {
      ByteDict<Node> d = ByteDict.forKeyspace();
      List<Integer> present = new ArrayList<>();
      int next = 0;
      int initial = 1 + r.nextInt(3000);
      for (; next < initial; next++) {
        d.addNew(new Node(key(next)));
        present.add(next);
      }
      if (r.nextBoolean()) {
        d.rehash(Integer.MAX_VALUE);
      } // else the walk may start while the table is rehashing
      Set<Integer> stable = new HashSet<>(present);
      Map<String, Integer> seen = new HashMap<>();
      d.beginWalk();
      int layout = d.layout();
      int buckets = d.buckets();
      long index = 0;
      ByteDict.NodeBlock<Node> block = new ByteDict.NodeBlock<>();
      do {
        index = d.gather(index, 1 + r.nextInt(64), block);
        for (int i = 0; i < block.size(); i++) {
          seen.merge(new String(block.get(i).key, StandardCharsets.US_ASCII), 1, Integer::sum);
        }
        // growth up to three times the size, deletions, lookups and the cron's rehash steps: none moves a node
        for (int k = r.nextInt(20); k > 0; k--) {
          switch (r.nextInt(4)) {
            case 0 -> {
              if (d.size() < 3 * buckets) {
                d.addNew(new Node(key(next)));
                present.add(next++);
              }
            }
            case 1 -> {
              if (!present.isEmpty()) {
                int at = r.nextInt(present.size());
                int victim = present.get(at);
                present.set(at, present.get(present.size() - 1));
                present.remove(present.size() - 1);
                d.remove(key(victim));
                stable.remove(victim);
              }
            }
            case 2 -> d.get(key(r.nextInt(next)));
            default -> d.rehash(10);
          }
        }
      } while (index >= 0);
      assertEquals(layout, d.layout(), "seed " + seed + ": nodes moved during the walk");
      for (int k : stable) {
        assertEquals(1, seen.getOrDefault("k" + k, 0), "seed " + seed + " round " + round + ": k" + k);
      }
      d.endWalk();
      assertEquals(present.size(), d.size());
    }
  }

  @Test
  void aTableFarOverFullResizesAnywayAndSaysSo() {
    ByteDict<Node> d = ByteDict.forKeyspace();
    for (int i = 0; i < 64; i++) {
      d.addNew(new Node(key(i)));
    }
    d.rehash(Integer.MAX_VALUE);
    int buckets = d.buckets();
    d.beginWalk();
    int layout = d.layout();
    int i = 64;
    for (; i < 4 * buckets; i++) {
      d.addNew(new Node(key(i)));
    }
    assertFalse(d.isRehashing(), "grew while a walk was on");
    assertEquals(layout, d.layout());
    for (; i < 5 * buckets + 1; i++) {
      d.addNew(new Node(key(i)));
    }
    assertNotEquals(layout, d.layout(), "five times over full: the table grows and the walk must know");
    d.rehash(Integer.MAX_VALUE);
    assertFalse(d.isRehashing(), "a forced resize rehashes to the end");
    d.endWalk();
    for (int k = 0; k < i; k++) {
      assertTrue(d.get(key(k)) != null, "k" + k);
    }
  }
}
