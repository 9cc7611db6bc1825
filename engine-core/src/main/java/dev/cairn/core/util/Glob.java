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

  private static boolean matches(byte[] p, int pi, int pe, byte[] s, int si, int se, boolean nocase, int depth) {
    // nesting is bounded like Redis (which gives up past 1000 levels) so that hostile patterns cannot overflow the stack
    if (depth > 1000) {
      return false;
    }
    while (pi < pe && si <= se) {
      byte c = p[pi];
      switch (c) {
        case '*' -> {
          while (pi + 1 < pe && p[pi + 1] == '*') {
            pi++;
          }
          if (pi + 1 == pe) {
            return true;
          }
          for (int k = si; k <= se; k++) {
            if (matches(p, pi + 1, pe, s, k, se, nocase, depth + 1)) {
              return true;
            }
          }
          return false;
        }
        case '?' -> {
          if (si >= se) {
            return false;
          }
          si++;
        }
        case '[' -> {
          if (si >= se) {
            return false;
          }
          pi++;
          boolean not = pi < pe && p[pi] == '^';
          if (not) {
            pi++;
          }
          boolean match = false;
          while (true) {
            if (pi >= pe) {
              pi--; // unterminated class: Redis treats the end as closing it
              break;
            }
            if (p[pi] == '\\' && pi + 1 < pe) {
              pi++;
              if (eq(p[pi], s[si], nocase)) {
                match = true;
              }
            } else if (p[pi] == ']') {
              break;
            } else if (pi + 2 < pe && p[pi + 1] == '-') {
              int start = p[pi] & 0xFF;
              int end = p[pi + 2] & 0xFF;
              int ch = s[si] & 0xFF;
              if (start > end) {
                int t = start;
                start = end;
                end = t;
              }
              if (nocase) {
                start = lower(start);
                end = lower(end);
                ch = lower(ch);
              }
              pi += 2;
              if (ch >= start && ch <= end) {
                match = true;
              }
            } else if (eq(p[pi], s[si], nocase)) {
              match = true;
            }
            pi++;
          }
          if (not) {
            match = !match;
          }
          if (!match) {
            return false;
          }
          si++;
        }
        case '\\' -> {
          if (pi + 1 < pe) {
            pi++;
          }
          if (si >= se || !eq(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
        }
        default -> {
          if (si >= se || !eq(c, s[si], nocase)) {
            return false;
          }
          si++;
        }
      }
      pi++;
      if (si == se) {
        while (pi < pe && p[pi] == '*') {
          pi++;
        }
        break;
      }
    }
    return pi == pe && si == se;
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    return a == b || nocase && lower(a & 0xFF) == lower(b & 0xFF);
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }
}
