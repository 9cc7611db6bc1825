package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The document table against a map and a stack of freed ids, with random adds and removals (the seed is printed): keys
 * are found through the open-addressing slots after deletions shifted entries back, freed ids are handed out last
 * freed first, columns come back as written; and forward lists encode and decode term ids.
 */
class DocTableTest {
  private static long seed() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println(Thread.currentThread().getStackTrace()[2].getMethodName() + " seed " + seed);
    return seed;
  }

  @Test
  void keysIdsAndColumnsAgainstAModel() {
    long seed = seed();
    Random rnd = new Random(seed);
    DocTable t = new DocTable();
    Map<String, Integer> model = new HashMap<>();
    Deque<Integer> freed = new ArrayDeque<>();
    int next = 0;
    for (int step = 0; step < 20_000; step++) {
      String key = "k" + rnd.nextInt(3_000);
      Integer id = model.get(key);
      if (id != null && rnd.nextInt(3) > 0) {
        t.remove(id);
        model.remove(key);
        freed.push(id);
        assertFalse(t.isLive(id), "seed " + seed);
      } else if (id == null) {
        int expected = freed.isEmpty() ? next++ : freed.pop();
        int got = t.reserve();
        assertEquals(expected, got, "seed " + seed);
        if (rnd.nextInt(10) == 0) {
          t.release(got); // its document failed to index
          freed.push(got);
          continue;
        }
        t.score(got, got * 0.5);
        t.addToken(got, 3);
        t.bind(got, key.getBytes(StandardCharsets.UTF_8));
        model.put(key, got);
      }
      if (step % 1000 == 0) {
        for (int k = 0; k < 3_000; k++) {
          String probe = "k" + k;
          Integer want = model.get(probe);
          assertEquals(want == null ? -1 : want, t.find(probe), "seed " + seed + " key " + probe);
        }
        assertEquals(model.size(), t.live(), "seed " + seed);
      }
    }
    List<Integer> live = new ArrayList<>();
    t.forEach(live::add);
    assertEquals(model.size(), live.size(), "seed " + seed);
    for (Map.Entry<String, Integer> e : model.entrySet()) {
      int id = e.getValue();
      assertTrue(t.isLive(id));
      assertEquals(e.getKey(), new String(t.key(id), StandardCharsets.UTF_8));
      assertEquals(id * 0.5, t.score(id));
      assertEquals(1, t.length(id));
      assertEquals(3, t.docLen(id));
    }
  }

  @Test
  void columnsMadeLateCoverEveryId() {
    DocTable t = new DocTable();
    int n = 3 * 1024 + 17; // grown several times
    for (int id = 0; id < n; id++) {
      assertEquals(id, t.reserve());
      t.bind(id, ("k" + id).getBytes(StandardCharsets.UTF_8));
      t.forward(id, new int[] {id, id + 5}, 2);
      t.tags(id, new String[] {"t", "v" + id});
      t.maxFreq(id, id % 7);
    }
    // payloads and sortable values start when a document first has one: their columns cover every id then
    t.payload(n - 1, new byte[] {1});
    t.sortable(n - 1, "a", "x");
    t.payload(0, new byte[] {2});
    t.sortable(1024, "a", "y");
    int more = t.reserve();
    assertEquals(n, more);
    t.payload(more, new byte[] {3});
    for (int id = 0; id < n; id++) {
      assertEquals("k" + id, new String(t.key(id), StandardCharsets.UTF_8));
      assertEquals(id, t.find("k" + id));
      assertEquals("v" + id, t.tags(id)[1]);
      assertEquals(id % 7, t.maxFreq(id));
      List<Integer> back = new ArrayList<>();
      DocTable.decode(t.forward(id), back::add);
      assertEquals(List.of(id, id + 5), back);
    }
    assertArrayEquals(new byte[] {1}, t.payload(n - 1));
    assertArrayEquals(new byte[] {2}, t.payload(0));
    assertArrayEquals(new byte[] {3}, t.payload(more));
    assertEquals(null, t.payload(5));
    assertEquals(Map.of("a", "y"), t.sortables(1024));
    assertEquals(null, t.sortables(1));
    t.clear();
    assertEquals(0, t.size());
    assertEquals(-1, t.find("k3"));
    assertEquals(0, t.reserve());
    assertEquals(null, t.payload(0));
  }

  @Test
  void forwardListsRoundTrip() {
    long seed = seed();
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = rnd.nextInt(60);
      int[] ids = new int[n];
      int at = 0;
      for (int i = 0; i < n; i++) {
        at += rnd.nextInt(i % 7 == 0 ? 3_000_000 : 300);
        ids[i] = at;
      }
      List<Integer> back = new ArrayList<>();
      DocTable.decode(DocTable.encode(ids, n), back::add);
      assertArrayEquals(ids, back.stream().mapToInt(Integer::intValue).toArray(), "seed " + seed);
    }
  }
}
