package dev.cairn.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UrandomTest {
  @Test
  void hexHasTheLengthAndUsesEveryDigit() {
    Set<Character> seen = new HashSet<>();
    for (int len : new int[] {0, 1, 7, 40}) {
      String h = Urandom.hex(len);
      assertEquals(len, h.length());
      assertTrue(h.matches("[0-9a-f]*"), h);
    }
    for (int i = 0; i < 50; i++) {
      for (char c : Urandom.hex(40).toCharArray()) {
        seen.add(c);
      }
    }
    assertEquals(16, seen.size(), "2000 random digits cover all sixteen: " + seen);
    assertNotEquals(Urandom.hex(40), Urandom.hex(40));
  }

  @Test
  void bytesAndLongsVary() {
    byte[] a = new byte[64];
    byte[] b = new byte[64];
    Urandom.fill(a);
    Urandom.fill(b);
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    Set<Long> longs = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      longs.add(Urandom.nextLong());
    }
    assertEquals(100, longs.size());
  }
}
