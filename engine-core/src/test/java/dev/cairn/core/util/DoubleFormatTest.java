package dev.cairn.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Doubles as Redis 7.2 prints them: values checked against its fpconv_dtoa. */
class DoubleFormatTest {
  @Test
  void shortestIsFpconvDtoa() {
    double[] in = {1e-7, 1.5e-7, 1e20, 1e21, 123456789012345678.0, 0.1, 1e100, -2.5e-10, 100.0, 1e7, 12345678.0,
        0.0001, 0.00001};
    String[] out = {"1e-7", "1.5e-7", "1e+20", "1e+21", "123456789012345680", "0.1", "1e+100", "-2.5e-10", "100",
        "10000000", "12345678", "0.0001", "0.00001"};
    for (int i = 0; i < in.length; i++) {
      assertEquals(out[i], DoubleFormat.shortest(in[i]), Double.toString(in[i]));
    }
    assertEquals("-0", DoubleFormat.shortest(-0.0));
    assertEquals("-inf", DoubleFormat.shortest(Double.NEGATIVE_INFINITY));
    assertEquals("nan", DoubleFormat.shortest(Double.NaN));
  }

  @Test
  void formatPrintsIntegersAsIntegers() {
    assertEquals("1e+20", DoubleFormat.format(1e20)); // beyond long range: no integer shortcut
    assertEquals("123456789012", DoubleFormat.format(123456789012.0));
    assertEquals("1.5", DoubleFormat.format(1.5));
    assertEquals("1e-7", DoubleFormat.format(1e-7));
  }
}
