package dev.cairn.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GlobTest {
  private static boolean m(String pattern, String s) {
    return Glob.matches(pattern, s, false);
  }

  @Test
  void basics() {
    assertTrue(m("*", ""));
    assertTrue(m("h?llo", "hello"));
    assertTrue(m("h*llo", "heeeello"));
    assertTrue(m("h[ae]llo", "hallo"));
    assertFalse(m("h[ae]llo", "hillo"));
    assertTrue(m("h[^e]llo", "hallo"));
    assertFalse(m("h[^e]llo", "hello"));
    assertTrue(m("h[a-b]llo", "hbllo"));
    assertTrue(m("h[b-a]llo", "hallo"));
    assertTrue(m("h\\*llo", "h*llo"));
    assertFalse(m("h\\*llo", "hello"));
    assertTrue(m("a*", "a"));
    assertFalse(m("a?", "a"));
    assertTrue(Glob.matches("HELLO*", "hello world", true));
    assertFalse(Glob.matches("HELLO*", "hello world", false));
  }

  @Test
  void nestedStarsStayPolynomial() {
    String key = "a".repeat(50000);
    assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> assertFalse(m("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", key)));
  }

  /** Random patterns over a small alphabet agree with the same glob translated into a regular expression. */
  @Test
  void agreesWithRegexModel() {
    long seed = System.nanoTime();
    System.out.println("GlobTest seed " + seed);
    Random r = new Random(seed);
    String[] atoms = {"a", "b", "?", "*", "[ab]", "[^a]", "[a-b]"};
    for (int i = 0; i < 20000; i++) {
      StringBuilder glob = new StringBuilder();
      StringBuilder regex = new StringBuilder();
      for (int k = r.nextInt(6); k >= 0; k--) {
        String atom = atoms[r.nextInt(atoms.length)];
        glob.append(atom);
        regex.append(switch (atom) {
          case "?" -> ".";
          case "*" -> ".*";
          default -> atom;
        });
      }
      StringBuilder s = new StringBuilder();
      for (int k = r.nextInt(7); k > 0; k--) {
        s.append("abc".charAt(r.nextInt(3)));
      }
      boolean expected = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(s).matches();
      assertEquals(expected, m(glob.toString(), s.toString()), "seed " + seed + ": " + glob + " vs " + s);
    }
  }
}
