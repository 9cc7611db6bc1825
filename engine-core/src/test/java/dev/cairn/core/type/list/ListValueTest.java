package dev.cairn.core.type.list;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The list structure alone: the listpack entry codec, and random operations against an ArrayList model. */
class ListValueTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] v) {
    return new String(v, StandardCharsets.UTF_8);
  }

  @Test
  void entryCodecRoundTripsAndWalksBothWays() {
    List<String> values = new ArrayList<>(List.of("0", "1", "127", "128", "-1", "-4096", "4095", "4096", "-4097",
        "32767", "-32768", "32768", "8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648",
        "9223372036854775807", "-9223372036854775807", "-9223372036854775808", "9223372036854775808", "007", "-0",
        "+1", "1 ", "", "a", "hello"));
    for (int len : new int[] {63, 64, 127, 128, 4095, 4096, 16383, 16384, 70000}) {
      values.add("x".repeat(len));
    }
    byte[] buf = new byte[1 << 20];
    int p = 0;
    List<Integer> starts = new ArrayList<>();
    for (String v : values) {
      starts.add(p);
      int end = ListPack.write(buf, p, b(v));
      assertEquals(ListPack.entrySize(b(v)), end - p, v);
      assertEquals(end - p, ListPack.entryLen(buf, p), v);
      assertEquals(v, s(ListPack.bytesAt(buf, p)));
      assertTrue(new ListPack.Needle(b(v)).matches(buf, p), v);
      p = end;
    }
    // walking backwards finds each entry's start
    int q = p;
    for (int i = values.size() - 1; i >= 0; i--) {
      q = ListPack.prev(buf, q);
      assertEquals(starts.get(i), q, values.get(i));
    }
    // integers take Redis's compact sizes; other strings do not
    assertEquals(2, ListPack.entrySize(b("127")));
    assertEquals(3, ListPack.entrySize(b("4095")));
    assertEquals(4, ListPack.entrySize(b("32767")));
    assertEquals(10, ListPack.entrySize(b("9223372036854775807")));
    assertEquals(5, ListPack.entrySize(b("007")));
    assertFalse(new ListPack.Needle(b("007")).matches(buf, starts.get(0)));
  }

  @Test
  void encodingFollowsTheLimitBothWays() {
    ListValue l = new ListValue();
    for (int i = 0; i < 100; i++) {
      l.convertForAdd(5, 1, 128);
      l.push(b("value" + i), false, 128);
    }
    assertEquals("listpack", l.encoding());
    l.convertForAdd(5, 1, 128);
    assertFalse(l.isQuicklist()); // 101 entries: still within 128
    for (int i = 100; i < 129; i++) {
      l.convertForAdd(5, 1, 128);
      l.push(b("value" + i), false, 128);
    }
    assertEquals("quicklist", l.encoding());
    assertEquals(2, l.nodeCount());
    while (l.size() > 65) {
      l.pop(false); // from the tail: the second node goes first, then the list is one node
      l.tryShrink(128);
    }
    assertEquals("quicklist", l.encoding()); // 65 > half the limit
    l.pop(false);
    l.tryShrink(128);
    assertEquals("listpack", l.encoding());
  }

  @Test
  void elementsPushedFromARangeEqualThosePushedAsArrays() {
    // LPUSH/RPUSH push their elements straight from the connection's argument arena: an element is any range of it
    List<String> values = new ArrayList<>(List.of("0", "127", "-4097", "9223372036854775807", "9223372036854775808",
        "007", "", "hello"));
    values.add("x".repeat(5000)); // a plain node of its own under the default fill
    for (int fill : new int[] {-2, 128}) {
      ListValue fromArrays = new ListValue();
      ListValue fromRanges = new ListValue();
      for (int round = 0; round < 300; round++) {
        String v = values.get(round % values.size());
        boolean head = round % 3 == 0;
        byte[] arena = b("<<" + v + ">>");
        fromArrays.convertForAdd(v.length(), 1, fill);
        fromArrays.push(b(v), head, fill);
        fromRanges.convertForAdd(v.length(), 1, fill);
        fromRanges.push(arena, 2, v.length(), head, fill);
        Arrays.fill(arena, (byte) '?'); // the arena is reused by the next command
      }
      assertEquals(fromArrays.size(), fromRanges.size());
      for (int i = 0; i < fromArrays.size(); i++) {
        assertArrayEquals(fromArrays.get(i), fromRanges.get(i), "fill " + fill + " index " + i);
      }
    }
  }

  @Test
  void bigElementsGetTheirOwnNode() {
    ListValue l = new ListValue();
    l.convertForAdd(3, 1, -2);
    l.push(b("abc"), false, -2);
    byte[] big = new byte[10000];
    Arrays.fill(big, (byte) 'z');
    l.convertForAdd(big.length, 1, -2);
    assertTrue(l.isQuicklist());
    l.push(big, false, -2);
    l.push(b("tail"), false, -2);
    assertEquals(3, l.size());
    assertArrayEquals(big, l.get(1));
    assertEquals("tail", s(l.get(2)));
  }

  @ParameterizedTest
  @ValueSource(ints = {-5, -2, -1, 0, 1, 3, 16, 128})
  void randomOperationsAgreeWithAModel(int fill) {
    long seed = System.nanoTime() ^ fill;
    System.out.println("ListValueTest seed " + seed + " fill " + fill);
    Random rnd = new Random(seed);
    ListValue l = new ListValue();
    List<String> model = new ArrayList<>();
    for (int step = 0; step < 20000; step++) {
      int op = rnd.nextInt(100);
      String ctx = "seed " + seed + " step " + step + " op " + op;
      if (op < 30) {
        String v = randomValue(rnd);
        boolean head = rnd.nextBoolean();
        l.convertForAdd(v.length(), 1, fill);
        l.push(b(v), head, fill);
        if (head) {
          model.add(0, v);
        } else {
          model.add(v);
        }
      } else if (op < 45) {
        if (model.isEmpty()) {
          continue;
        }
        boolean head = rnd.nextBoolean();
        String expected = head ? model.remove(0) : model.remove(model.size() - 1);
        assertEquals(expected, s(l.pop(head)), ctx);
        l.tryShrink(fill);
      } else if (op < 55) {
        if (model.isEmpty()) {
          continue;
        }
        int i = rnd.nextInt(model.size());
        assertEquals(model.get(i), s(l.get(i)), ctx);
      } else if (op < 62) {
        if (model.isEmpty()) {
          continue;
        }
        int i = rnd.nextInt(model.size());
        String v = randomValue(rnd);
        l.convertForAdd(v.length(), 1, fill);
        l.set(i, b(v), fill);
        l.tryShrink(fill);
        model.set(i, v);
      } else if (op < 70) {
        String pivot = model.isEmpty() || rnd.nextInt(5) == 0 ? "missing" : model.get(rnd.nextInt(model.size()));
        String v = randomValue(rnd);
        boolean after = rnd.nextBoolean();
        l.convertForAdd(v.length(), 1, fill);
        boolean done = l.insert(b(pivot), b(v), after, fill);
        int at = model.indexOf(pivot);
        assertEquals(at >= 0, done, ctx);
        if (at >= 0) {
          model.add(after ? at + 1 : at, v);
        }
      } else if (op < 77) {
        String v = model.isEmpty() ? "x" : model.get(rnd.nextInt(model.size()));
        long count = rnd.nextInt(5) - 2;
        assertEquals(removeFromModel(model, v, count), l.remove(b(v), count), ctx);
        l.tryShrink(fill);
      } else if (op < 80) {
        int n = model.isEmpty() ? 0 : rnd.nextInt(model.size() + 1);
        boolean head = rnd.nextBoolean();
        if (head) {
          l.trimHead(n);
          model.subList(0, n).clear();
        } else {
          l.trimTail(n);
          model.subList(model.size() - n, model.size()).clear();
        }
        l.tryShrink(fill);
      } else if (op < 85) {
        if (model.isEmpty()) {
          continue;
        }
        int from = rnd.nextInt(model.size());
        boolean reverse = rnd.nextBoolean();
        ListValue.Cursor c = l.cursor(from, reverse);
        int i = from;
        for (int k = 0; k < 50 && c.valid(); k++, c.advance()) {
          assertEquals(model.get(i), s(c.value()), ctx);
          i += reverse ? -1 : 1;
        }
        if (!c.valid()) {
          assertTrue(i == -1 || i == model.size(), ctx);
        }
      } else {
        assertEquals(model.size(), l.size(), ctx);
        assertEquals(model, toStrings(l), ctx);
      }
      assertEquals(model.size(), l.size(), ctx);
      if (!l.isQuicklist()) {
        assertTrue(l.nodeCount() <= 1, ctx);
      }
    }
    assertEquals(model, toStrings(l));
  }

  private static long removeFromModel(List<String> model, String v, long count) {
    long removed = 0;
    long max = count == 0 ? Long.MAX_VALUE : Math.abs(count);
    if (count >= 0) {
      for (Iterator<String> it = model.iterator(); it.hasNext() && removed < max; ) {
        if (it.next().equals(v)) {
          it.remove();
          removed++;
        }
      }
    } else {
      for (ListIterator<String> it = model.listIterator(model.size()); it.hasPrevious() && removed < max; ) {
        if (it.previous().equals(v)) {
          it.remove();
          removed++;
        }
      }
    }
    return removed;
  }

  private static List<String> toStrings(ListValue l) {
    List<String> out = new ArrayList<>();
    for (byte[] v : l.toArray()) {
      out.add(s(v));
    }
    return out;
  }

  private static String randomValue(Random rnd) {
    return switch (rnd.nextInt(8)) {
      case 0 -> Integer.toString(rnd.nextInt(200) - 100);
      case 1 -> Long.toString(rnd.nextLong());
      case 2 -> Integer.toString(rnd.nextInt());
      case 3 -> "x".repeat(rnd.nextInt(100));
      case 4 -> "big" + "y".repeat(rnd.nextInt(12000));
      default -> "v" + rnd.nextInt(30);
    };
  }

  @Test
  void aPlainNodeWhoseElementBecomesSmallLetsTheListShrinkBackToListpack() {
    int fill = -1; // 4 KB nodes
    ListValue l = new ListValue();
    byte[] big = b("x".repeat(9000));
    l.convertForAdd(big.length, 1, fill);
    l.push(big, false, fill);
    for (String v : new String[] {"a", "b"}) {
      l.convertForAdd(1, 1, fill);
      l.push(b(v), false, fill);
    }
    l.pop(false);
    l.pop(false);
    l.tryShrink(fill);
    assertEquals("quicklist", l.encoding()); // the one node is plain: it holds a large element
    l.set(0, b("c"), fill);
    l.tryShrink(fill);
    assertEquals("listpack", l.encoding());
    assertEquals("c", s(l.get(0)));
  }
}
