package dev.cairn.api.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
