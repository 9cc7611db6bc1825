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
