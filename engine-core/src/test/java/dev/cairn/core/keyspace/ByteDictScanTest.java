package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SCAN's guarantee over a table that grows, shrinks and rehashes between the calls of a scan. */
class ByteDictScanTest {
  static final class Node extends ByteDict.Node<Node> {
    Node(byte[] key) {
      super(key);
    }
  }

  /** A node without a cached hash (as a set's members): chains compare keys and resizing hashes them again. */
  static final class Bare extends ByteDict.Link<Bare> {
    Bare(byte[] key) {
      super(key);
    }
  }

  static byte[] key(int i) {
    return ("k" + i).getBytes(StandardCharsets.US_ASCII);
  }

  private static String name(ByteDict.Link<?> n) {
    return new String(n.key, StandardCharsets.US_ASCII);
  }

  @Test
  void everyElementPresentForTheWholeScanIsReturned() {
    scanGuarantee(Node::new);
  }

  @Test
  void everyElementPresentForTheWholeScanIsReturnedWithoutCachedHashes() {
    scanGuarantee(Bare::new);
  }

  /** A table under test, keyed by {@link #key}: what {@link #scanGuarantee} needs of it. */
  interface ScannedTable {
    void add(byte[] key);

    void remove(byte[] key);

    boolean contains(byte[] key);

    /** One SCAN call: visits names (as {@link #key} spells them) and returns the next cursor. */
    long scan(long cursor, java.util.function.Consumer<String> visitor);

    void rehashStep();

    int size();
  }

  private static <N extends ByteDict.Link<N>> void scanGuarantee(java.util.function.Function<byte[], N> node) {
    scanGuarantee("ByteDictScanTest", () -> {
      ByteDict<N> d = new ByteDict<>();
      return new ScannedTable() {
        public void add(byte[] key) {
          d.addNew(node.apply(key));
        }

        public void remove(byte[] key) {
          d.remove(key);
        }

        public boolean contains(byte[] key) {
          return d.get(key) != null && java.util.Arrays.equals(key, d.get(key).key);
        }

        public long scan(long cursor, java.util.function.Consumer<String> visitor) {
          return d.scan(cursor, n -> visitor.accept(name(n)));
        }

        public void rehashStep() {
          d.rehash(1);
        }

        public int size() {
          return d.size();
        }
      };
    });
  }

  /**
   * SCAN's guarantee (every element present from a scan's start to its end is returned) for tables from {@code tables},
   * with bursts of growth, heavy deletion (shrinking) and idle rehash steps between the calls of each scan.
   */
  static void scanGuarantee(String name, java.util.function.Supplier<ScannedTable> tables) {
    long seed = System.nanoTime();
    System.out.println(name + " seed " + seed);
    Random r = new Random(seed);
    for (int round = 0; round < 60; round++) {
      ScannedTable d = tables.get();
      List<Integer> present = new ArrayList<>(); // removal swaps the last in: O(1) random victims
      int next = 0;
      int initial = r.nextInt(2000);
      for (; next < initial; next++) {
        d.add(key(next));
        present.add(next);
      }
      Set<Integer> stable = new HashSet<>(present); // never removed during the scan
      Set<String> seen = new HashSet<>();
      long cursor = 0;
      int calls = 0;
      do {
        cursor = d.scan(cursor, seen::add);
        calls++;
        int mode = r.nextInt(4);
        int burst = r.nextInt(200);
        for (int k = 0; k < burst; k++) {
          if ((mode == 0 || mode == 3 && r.nextBoolean()) && present.size() < 5000) {
            d.add(key(next));
            present.add(next++);
          } else if (mode == 1 && !present.isEmpty()) {
            int at = r.nextInt(present.size());
            int victim = present.get(at);
            present.set(at, present.get(present.size() - 1));
            present.remove(present.size() - 1);
            d.remove(key(victim));
            stable.remove(victim);
          } else {
            d.rehashStep();
          }
        }
        assertTrue(calls < 1_000_000, "seed " + seed + ": scan does not terminate");
      } while (cursor != 0);
      for (int k : stable) {
        assertTrue(seen.contains("k" + k), "seed " + seed + " round " + round + ": missed k" + k);
      }
      for (int k : present) {
        assertTrue(d.contains(key(k)), "seed " + seed + " round " + round + ": lost k" + k);
      }
      assertTrue(!d.contains(key(next)), "seed " + seed);
      assertEquals(present.size(), d.size(), "seed " + seed);
    }
  }

  @Test
  void aScanOfAQuietTableVisitsEachElementOnce() {
    ByteDict<Node> d = new ByteDict<>();
    for (int i = 0; i < 5000; i++) {
      d.addNew(new Node(key(i)));
    }
    d.rehash(Integer.MAX_VALUE);
    List<String> seen = new ArrayList<>();
    long cursor = 0;
    do {
      cursor = d.scan(cursor, n -> seen.add(name(n)));
    } while (cursor != 0);
    assertEquals(5000, seen.size());
    assertEquals(5000, new HashSet<>(seen).size());
  }

  @Test
  void aScanCanStartWhileTheTableIsRehashing() {
    ByteDict<Node> d = new ByteDict<>();
    for (int i = 0; i < 1024; i++) {
      d.addNew(new Node(key(i)));
    }
    d.rehash(Integer.MAX_VALUE);
    d.addNew(new Node(key(1024))); // starts growing to 2048 buckets
    assertTrue(d.isRehashing());
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    do {
      cursor = d.scan(cursor, n -> seen.add(name(n)));
    } while (cursor != 0);
    assertEquals(1025, seen.size());
  }
}
