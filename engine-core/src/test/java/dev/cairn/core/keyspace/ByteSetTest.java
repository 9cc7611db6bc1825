package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** ByteSet against a HashSet model, SCAN's guarantee through growth, shrinking and rehash steps, and fair picks. */
class ByteSetTest {
  private static byte[] key(int i) {
    return ByteDictScanTest.key(i);
  }

  private static String name(byte[] m) {
    return new String(m, StandardCharsets.US_ASCII);
  }

  private static Set<String> members(ByteSet s) {
    Set<String> out = new HashSet<>();
    s.forEach(m -> assertTrue(out.add(name(m)), "visited twice: " + name(m)));
    return out;
  }

  @Test
  void randomOperationsMatchModel() {
    long seed = System.nanoTime();
    System.out.println("ByteSetTest seed " + seed);
    Random r = new Random(seed);
    for (int round = 0; round < 30; round++) {
      ByteSet s = new ByteSet();
      Set<String> model = new HashSet<>();
      int universe = 1 + r.nextInt(round < 10 ? 50 : 5000);
      String ctx = "seed " + seed + " round " + round;
      for (int op = 0; op < 20_000; op++) {
        int k = r.nextInt(universe);
        // phases of growth and of deletion, so that the table both grows and shrinks while rehashing
        boolean growing = (op / 2000) % 2 == 0;
        switch (r.nextInt(growing ? 4 : 6)) {
          case 0, 1 -> assertEquals(model.add("k" + k), s.add(key(k)), ctx);
          case 2 -> assertEquals(model.contains("k" + k), s.contains(key(k)), ctx);
          case 3 -> {
            if (model.isEmpty()) {
              continue;
            }
            byte[] m = s.fairRandom();
            assertTrue(model.contains(name(m)), ctx);
            assertTrue(s.remove(m), ctx);
            model.remove(name(m));
          }
          default -> assertEquals(model.remove("k" + k), s.remove(key(k)), ctx);
        }
        assertEquals(model.size(), s.size(), ctx);
        if (op % 1000 == 0) {
          assertEquals(model, members(s), ctx);
        }
      }
      assertEquals(model, members(s), ctx);
    }
  }

  @Test
  void everyMemberPresentForTheWholeScanIsReturned() {
    ByteDictScanTest.scanGuarantee("ByteSetTest", () -> {
      ByteSet s = new ByteSet();
      return new ByteDictScanTest.ScannedTable() {
        public void add(byte[] key) {
          s.addNew(key);
        }

        public void remove(byte[] key) {
          assertTrue(s.remove(key));
        }

        public boolean contains(byte[] key) {
          return s.contains(key);
        }

        public long scan(long cursor, java.util.function.Consumer<String> visitor) {
          return s.scan(cursor, m -> visitor.accept(name(m)));
        }

        public void rehashStep() {
          s.rehash(1);
        }

        public int size() {
          return s.size();
        }
      };
    });
  }

  @Test
  void aScanOfAQuietSetVisitsEachMemberOnce() {
    ByteSet s = new ByteSet();
    for (int i = 0; i < 5000; i++) {
      s.addNew(key(i));
    }
    s.rehash(Integer.MAX_VALUE);
    List<String> seen = new ArrayList<>();
    long cursor = 0;
    do {
      cursor = s.scan(cursor, m -> seen.add(name(m)));
    } while (cursor != 0);
    assertEquals(5000, seen.size());
    assertEquals(5000, new HashSet<>(seen).size());
  }

  @Test
  void aScanCanStartWhileTheSetIsRehashing() {
    ByteSet s = new ByteSet();
    for (int i = 0; i < 1024; i++) {
      s.addNew(key(i));
    }
    s.rehash(Integer.MAX_VALUE);
    s.addNew(key(1024)); // starts growing to 2048 buckets
    assertTrue(s.isRehashing());
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    do {
      cursor = s.scan(cursor, m -> seen.add(name(m)));
    } while (cursor != 0);
    assertEquals(1025, seen.size());
  }

  /** Members sharing a bucket with others are picked as often as members alone in theirs (SPOP, SRANDMEMBER). */
  @Test
  void randomPicksAreUniform() {
    ByteSet s = new ByteSet();
    int n = 200;
    for (int i = 0; i < n; i++) {
      s.addNew(key(i));
    }
    s.rehash(Integer.MAX_VALUE);
    int draws = 400_000;
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < draws; i++) {
      counts.merge(name(s.fairRandom()), 1, Integer::sum);
    }
    assertEquals(n, counts.size());
    double expected = (double) draws / n;
    double chi2 = 0;
    for (int c : counts.values()) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // 199 degrees of freedom: the 99.99th percentile is about 290; a bias toward lone members is far above it
    assertTrue(chi2 < 290, "chi-square " + chi2);
  }
}
