package dev.cairn.api.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArgsTest {
  @Test
  void wordMatchingIgnoresCaseOnBothSides() {
    Args a = Args.of("topk.list", "WithCount", "withcount", "WITHCOUNT");
    for (int i = 1; i <= 3; i++) {
      assertTrue(a.is(i, "WITHCOUNT"), "arg " + i + " vs upper case");
      assertTrue(a.is(i, "withcount"), "arg " + i + " vs lower case");
      assertTrue(a.is(i, "WithCount"), "arg " + i + " vs mixed case");
    }
    assertFalse(a.is(1, "WITHCOUN"));
    assertFalse(a.is(1, "WITHCOUNTS"));
    assertFalse(a.is(4, "WITHCOUNT"), "past the end");
    // only ASCII letters fold: '@' (0x40) and '`' (0x60) differ by 32 but are not the same character
    assertFalse(Args.of("x", "@").is(1, "`"));
    assertFalse(Args.of("x", "[").is(1, "{"));
  }

  private static final RedisException NOT_FLOAT = RedisException.err("not a float");

  private static double parse(String s) {
    return Args.parseDouble(s.getBytes(StandardCharsets.US_ASCII), NOT_FLOAT);
  }

  /** Plain decimals take a shorter path than the rest: both must give exactly what Java's correctly rounded parser gives. */
  @Test
  void plainDecimalsParseAsTheGeneralPathDoes() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder sb = new StringBuilder();
      if (random.nextBoolean()) {
        sb.append('-');
      }
      int digits = 1 + random.nextInt(17);
      int point = random.nextInt(digits + 2) - 1; // -1: no point; digits: a trailing point
      for (int d = 0; d < digits; d++) {
        if (d == point) {
          sb.append('.');
        }
        sb.append((char) ('0' + random.nextInt(10)));
      }
      if (point == digits) {
        sb.append('.');
      }
      String s = sb.toString();
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(parse(s)),
          s + " (seed " + seed + ")");
    }
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(parse("-0")));
    assertEquals(0.1, parse(".1"));
    assertEquals(5.0, parse("5."));
    assertEquals(Double.POSITIVE_INFINITY, parse("inf"));
    assertEquals(1e300, parse("1e300"));
    assertEquals(0.30000000000000004, parse("0.30000000000000004"));
    for (String bad : new String[] {"", ".", "-", "-.", "1.2.3", "1-", " 1", "1 ", "nan", "1d", "--1", "1,5"}) {
      assertThrows(RedisException.class, () -> parse(bad), bad);
    }
  }
  /** Arguments in an arena read in place as arrays of their own would be; get and toArray copy them out. */
  @Test
  void argumentsInAnArenaReadAsArrays() {
    byte[] arena = "xx-42WithCount2.5key".getBytes(StandardCharsets.US_ASCII);
    Args a = new Args(new byte[0][], 0);
    byte[][] argv = {"cmd".getBytes(StandardCharsets.US_ASCII), null, null, null, null};
    a.reset(argv, 5, arena, new int[] {0, 2, 5, 14, 17}, new int[] {0, 3, 9, 3, 3});
    assertEquals(-42, a.longArg(1));
    assertTrue(a.is(2, "WITHCOUNT"));
    assertEquals(2.5, a.doubleArg(3));
    assertThrows(RedisException.class, () -> a.longArg(2));
    assertFalse(a.detached(4));
    assertEquals(3, a.length(4));
    byte[][] copy = a.toArray();
    assertTrue(a.detached(4), "toArray copies every argument out");
    java.util.Arrays.fill(arena, (byte) 'z'); // the connection's next command
    assertEquals("key", new String(copy[4], StandardCharsets.US_ASCII));
    assertEquals("key", a.string(4));
  }
}
