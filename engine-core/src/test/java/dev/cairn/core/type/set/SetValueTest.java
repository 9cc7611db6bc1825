package dev.cairn.core.type.set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.command.Args;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SetValue against a HashSet model through random operations and encoding changes (the seed is printed). */
class SetValueTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Set<String> members(SetValue s) {
    Set<String> out = new HashSet<>();
    s.forEach(m -> out.add(new String(m, StandardCharsets.UTF_8)));
    return out;
  }

  /** Arguments as the decoder leaves them: every one in one arena array, none an array of its own yet. */
  private static Args inArena(String... words) {
    byte[] arena = new byte[64 * words.length];
    Arrays.fill(arena, (byte) '#');
    int[] offsets = new int[words.length];
    int[] lengths = new int[words.length];
    int at = 3;
    for (int i = 0; i < words.length; i++) {
      byte[] w = b(words[i]);
      System.arraycopy(w, 0, arena, at, w.length);
      offsets[i] = at;
      lengths[i] = w.length;
      at += w.length + 2;
    }
    Args a = new Args(new byte[0][], 0);
    a.reset(new byte[words.length][], words.length, arena, offsets, lengths);
    return a;
  }

  @Test
  void theSmallestLongReadInPlaceIsAnIntsetMember() {
    SetValue s = SetValue.create(b("1"), 1, SetValue.Limits.DEFAULT);
    String min = Long.toString(Long.MIN_VALUE);
    assertTrue(s.add(inArena("sadd", "k", min), 2, SetValue.Limits.DEFAULT));
    assertFalse(s.add(inArena("sadd", "k", min), 2, SetValue.Limits.DEFAULT));
    assertEquals("intset", s.encoding());
    assertEquals(Set.of(min), members(s));
  }

  @Test
  void randomOperationsMatchModel() {
    long seed = System.nanoTime();
    System.out.println("SetValueTest seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 40; round++) {
      SetValue.Limits l = new SetValue.Limits(1 + rnd.nextInt(40), 1 + rnd.nextInt(30), 4 + rnd.nextInt(10));
      boolean intsOnly = rnd.nextBoolean();
      int universe = 1 + rnd.nextInt(round < 20 ? 60 : 2000);
      String first = intsOnly ? "1" : "x";
      SetValue s = SetValue.create(b(first), 1, l);
      Set<String> model = new HashSet<>();
      String ctx = "seed " + seed + " round " + round;
      for (int op = 0; op < 3000; op++) {
        String m = intsOnly || rnd.nextInt(4) > 0 ? Integer.toString(rnd.nextInt(universe) - universe / 2)
            : "s" + rnd.nextInt(universe) + (rnd.nextInt(20) == 0 ? "-long-member" : "");
        switch (rnd.nextInt(6)) {
          case 0 -> assertEquals(model.add(m), s.add(b(m), l), ctx);
          case 1, 2 -> {
            // read in place from an argument arena, which the connection's next command overwrites
            Args a = inArena("sadd", "key", m);
            byte[] arena = a.bytes(2);
            assertEquals(model.add(m), s.add(a, 2, l), ctx);
            Arrays.fill(arena, (byte) '#');
          }
          case 3 -> assertEquals(model.remove(m), s.remove(b(m)), ctx);
          case 4 -> assertEquals(model.contains(m), s.contains(b(m)), ctx);
          default -> {
            if (model.size() > 0) {
              String popped = new String(s.pop(), StandardCharsets.UTF_8);
              assertTrue(model.remove(popped), ctx);
            }
          }
        }
        assertEquals(model.size(), s.size(), ctx);
        if (op % 250 == 0) {
          assertEquals(model, members(s), ctx);
        }
      }
      assertEquals(model, members(s), ctx);
      // encodings only grow: a set that ever held a non-integer is not an intset
      if (!intsOnly && s.size() > l.listpackEntries()) {
        assertEquals("hashtable", s.encoding(), ctx);
      }
    }
  }

  @Test
  void encodingConversions() {
    SetValue.Limits l = new SetValue.Limits(4, 3, 5);
    SetValue s = SetValue.create(b("1"), 1, l);
    assertEquals("intset", s.encoding());
    s.add(b("1"), l);
    s.add(b("3"), l);
    s.add(b("-2"), l);
    assertEquals(Set.of("-2", "1", "3"), members(s));
    s.add(b("abc"), l);
    assertEquals("hashtable", s.encoding()); // three integers plus one: past set-max-listpack-entries
    SetValue t = SetValue.create(b("1"), 1, l);
    t.add(b("ab"), l);
    assertEquals("listpack", t.encoding());
    t.add(b("abcdef"), l); // longer than set-max-listpack-value
    assertEquals("hashtable", t.encoding());
    SetValue u = SetValue.create(b("1"), 1, l);
    for (int i = 0; i < 5; i++) {
      u.add(b(Integer.toString(i)), l);
    }
    assertEquals("hashtable", u.encoding()); // past set-max-intset-entries
    // the first SADD's size decides the starting encoding
    assertEquals("intset", SetValue.create(b("7"), 4, l).encoding());
    assertEquals("hashtable", SetValue.create(b("7"), 5, l).encoding());
    assertEquals("listpack", SetValue.create(b("x"), 3, l).encoding());
    assertEquals("hashtable", SetValue.create(b("x"), 4, l).encoding());
    // "01" and "+1" are not canonical integers
    SetValue v = SetValue.create(b("01"), 1, l);
    assertEquals("listpack", v.encoding());
  }

  @Test
  void everyMemberIsEventuallyDrawn() {
    SetValue.Limits l = SetValue.Limits.DEFAULT;
    for (int size : new int[] {50, 129, 1000}) {
      SetValue s = SetValue.create(b("x"), 1000, l);
      for (int i = 0; i < size; i++) {
        s.add(b("k" + i), l);
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < size * 200 && seen.size() < size; i++) {
        seen.add(new String(s.random(), StandardCharsets.UTF_8));
      }
      assertEquals(size, seen.size(), "members drawn out of " + size);
    }
  }

  @Test
  void randomIsRoughlyUniformOnHashtable() {
    SetValue.Limits l = SetValue.Limits.DEFAULT;
    SetValue s = SetValue.create(b("x"), 1000, l);
    for (int i = 0; i < 200; i++) {
      s.add(b("m" + i), l);
    }
    Map<String, Integer> hits = new HashMap<>();
    int draws = 200_000;
    for (int i = 0; i < draws; i++) {
      hits.merge(new String(s.random(), StandardCharsets.UTF_8), 1, Integer::sum);
    }
    double expected = draws / 200.0;
    double chi = 0;
    for (int c : hits.values()) {
      chi += (c - expected) * (c - expected) / expected;
    }
    // 199 degrees of freedom: a fair picker stays far below 400
    assertTrue(chi < 400, "chi-square " + chi);
  }
}
