package dev.cairn.core.type.string;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** INCRBYFLOAT's 80-bit arithmetic; expected strings are what Redis 7.2 on x86-64 answers. */
class LongDoubleTest {
  private static BigDecimal parse(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return LongDouble.parse(b, b.length);
  }

  private static String sum(String a, String b) {
    return LongDouble.format(LongDouble.add(parse(a), parse(b)));
  }

  @Test
  void sumsRoundInExtendedPrecision() {
    assertEquals("0.3", sum("0.1", "0.2"));
    assertEquals("10.6", sum("10.5", "0.1"));
    assertEquals("-4989.39999999999999991", sum("10.6", "-5.0e3"));
    assertEquals("3", sum("0", "3.0"));
    assertEquals("5200", sum("5.0e3", "200"));
    assertEquals("0", sum("0.1", "-0.1"));
  }

  @Test
  void formatsAsPercent17LfTrimmed() {
    assertEquals("1.23456789012345679", LongDouble.format(parse("1.23456789012345678901234567890")));
    // 64 significant bits: the nearest long double, printed in full
    assertEquals("123456789012345678899921813504", LongDouble.format(parse("123456789012345678901234567890")));
    assertEquals("0", LongDouble.format(parse("-0.0000000000000000001"))); // never "-0"
    assertEquals("0.5", LongDouble.format(parse(".5")));
    assertEquals("5", LongDouble.format(parse("5.")));
    assertEquals("16", LongDouble.format(parse("0x10")));
    assertEquals("0.125", LongDouble.format(parse("0x1p-3")));
    assertEquals("-3", LongDouble.format(parse("-0x1.8p1")));
  }

  @Test
  void parseFollowsStrtoldAndRedisChecks() {
    for (String bad : new String[] {"", "abc", " 1", "1 ", "nan", "-nan", "1e", "1e+", "0x", "1p3", "1.5f", "1d",
        "1e5000", "-1e5000", "1e-5000", "--1", "+-1", ".", "0x.p1"}) {
      assertNull(parse(bad), "'" + bad + "'");
    }
    assertTrue(LongDouble.isInfinite(parse("inf")));
    assertTrue(LongDouble.isInfinite(parse("-Infinity")));
    assertEquals(0, parse("+3").compareTo(BigDecimal.valueOf(3)));
    assertEquals(0, parse("0e99999").signum());
    // subnormals are accepted, values rounding to zero are not
    assertTrue(parse("3e-4951").signum() > 0);
    assertNull(parse("1e-4955"));
  }

  @Test
  void overflowIsInfinite() {
    BigDecimal big = parse("1.1e4932");
    assertTrue(LongDouble.isInfinite(LongDouble.add(big, big)));
    assertTrue(LongDouble.isInfinite(LongDouble.add(big.negate(), big.negate())));
    assertEquals(0, LongDouble.add(big, big.negate()).signum());
  }

  @Test
  void roundsHalfToEvenAtSixtyFourBits() {
    // 2^64 + 1 is halfway between 2^64 and 2^64 + 2: ties to the even significand, 2^64
    assertEquals("18446744073709551616", LongDouble.format(parse("18446744073709551617")));
    // 2^64 + 3 is halfway between 2^64 + 2 and 2^64 + 4: ties to even, 2^64 + 4
    assertEquals("18446744073709551620", LongDouble.format(parse("18446744073709551619")));
    // 2^63 + 1 still fits 64 significant bits
    assertEquals("9223372036854775809", LongDouble.format(parse("9223372036854775809")));
  }
}
