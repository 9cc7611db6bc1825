package dev.cairn.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LongDoubleTest {
  private static BigDecimal p(String s) {
    return LongDouble.parse(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String add(String a, String b) {
    return LongDouble.format(LongDouble.add(p(a), p(b)));
  }

  /** Expected strings are redis-server 7.2.4's HINCRBYFLOAT/INCRBYFLOAT replies. */
  @Test
  void matchesRedisFormatting() {
    assertEquals("11.6", add("11.5", "0.1"));
    assertEquals("100000000000000000008", add("8", "1e20"));
    assertEquals("8", add("100000000000000000008", "-1e20"));
    assertEquals("1.23456789012345679", add("0", "1.23456789012345678901"));
    assertEquals("0.0001000001", add("0.0001", "1e-10"));
    assertEquals("3002", add("2", "3.0e3"));
    assertEquals("0", add("-1.5", "1.5"));
  }

  @Test
  void parsesAsStrtold() {
    assertNull(p(" 1"));
    assertNull(p("1 "));
    assertNull(p("nan"));
    assertNull(p(""));
    assertNull(p("1e99999"));
    assertNull(p("abc"));
    assertTrue(LongDouble.isInfinite(p("inf")));
    assertTrue(LongDouble.isInfinite(p("-Infinity")));
    assertEquals(0, p("+.5").compareTo(new BigDecimal("0.5")));
  }
}
