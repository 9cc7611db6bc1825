package dev.cairn.core.util;

/**
 * Glob-style matching as Redis's KEYS, SCAN MATCH, CONFIG GET and PSUBSCRIBE do it: {@code *}, {@code ?},
 * {@code [abc]}, {@code [^a-z]}, {@code \} escapes; over bytes, optionally ignoring ASCII case.
 */
public final class Glob {
  private Glob() {}

  public static boolean matches(byte[] pattern, byte[] s) {
    return matches(pattern, 0, pattern.length, s, 0, s.length, false, 0);
  }

  public static boolean matches(String pattern, String s, boolean nocase) {
    return matches(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        s.getBytes(java.nio.charset.StandardCharsets.UTF_8), nocase);
  }

  public static boolean matches(byte[] pattern, byte[] s, boolean nocase) {
    return matches(pattern, 0, pattern.length, s, 0, s.length, nocase, 0);
  }

  /** True if the pattern is a single {@code *}, which matches everything (a fast path for scans). */
  public static boolean matchesAll(byte[] pattern) {
    return pattern.length == 1 && pattern[0] == '*';
  }

  /**
   * Iterative matching with one backtrack point (the last {@code *} seen): O(pattern x subject) at worst, so patterns
   * such as {@code a*a*a*a*a*b} cannot make a KEYS or SCAN take exponential time.
   */
  private static boolean matches(byte[] p, int pi, int pe, byte[] s, int si, int se, boolean nocase, int unused) {
    int starP = -1;
    int starS = -1;
    while (si < se) {
      if (pi < pe) {
        byte c = p[pi];
        if (c == '*') {
          while (pi + 1 < pe && p[pi + 1] == '*') {
            pi++;
          }
          starP = pi++;
          starS = si;
          continue;
        }
        int next = matchOne(p, pi, pe, s[si], nocase);
        if (next >= 0) {
          pi = next;
          si++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      // let the last star swallow one more character and retry from just after it
      pi = starP + 1;
      si = ++starS;
    }
    while (pi < pe && p[pi] == '*') {
      pi++;
    }
    return pi == pe;
  }

  /**
   * Matches the single pattern element at {@code pi} ({@code ?}, a class, an escape or a literal) against {@code ch};
   * returns the index after the element, or -1 if it does not match.
   */
  private static int matchOne(byte[] p, int pi, int pe, byte ch, boolean nocase) {
    byte c = p[pi];
    switch (c) {
      case '?' -> {
        return pi + 1;
      }
      case '[' -> {
        pi++;
        boolean not = pi < pe && p[pi] == '^';
        if (not) {
          pi++;
        }
        boolean match = false;
        while (true) {
          if (pi >= pe) {
            break; // an unterminated class ends with the pattern, as in Redis
          }
          if (p[pi] == '\\' && pi + 1 < pe) {
            pi++;
            if (eq(p[pi], ch, nocase)) {
              match = true;
            }
          } else if (p[pi] == ']') {
            break;
          } else if (pi + 2 < pe && p[pi + 1] == '-') {
            int start = p[pi] & 0xFF;
            int end = p[pi + 2] & 0xFF;
            int x = ch & 0xFF;
            if (start > end) {
              int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              x = lower(x);
            }
            pi += 2;
            if (x >= start && x <= end) {
              match = true;
            }
          } else if (eq(p[pi], ch, nocase)) {
            match = true;
          }
          pi++;
        }
        if (not) {
          match = !match;
        }
        return match ? Math.min(pi + 1, pe) : -1;
      }
      case '\\' -> {
        if (pi + 1 < pe) {
          pi++;
        }
        return eq(p[pi], ch, nocase) ? pi + 1 : -1;
      }
      default -> {
        return eq(c, ch, nocase) ? pi + 1 : -1;
      }
    }
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    return a == b || nocase && lower(a & 0xFF) == lower(b & 0xFF);
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }
}
