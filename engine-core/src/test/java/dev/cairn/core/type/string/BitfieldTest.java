package dev.cairn.core.type.string;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.type.string.Bitfield.Overflow;
import org.junit.jupiter.api.Test;

/** BITFIELD's field access and overflow rules. */
class BitfieldTest {
  private final Bitfield.Result r = new Bitfield.Result();

  @Test
  void fieldsAreBigEndianFromTheMostSignificantBit() {
    byte[] b = new byte[3];
    Bitfield.set(b, 4, 8, 0xab);
    assertArrayEquals(new byte[] {0x0a, (byte) 0xb0, 0}, b);
    assertEquals(0xab, Bitfield.getUnsigned(b, 3, 4, 8));
    assertEquals(-85, Bitfield.getSigned(b, 3, 4, 8));
    assertEquals(0, Bitfield.getUnsigned(b, 3, 20, 16)); // past the end reads zeros
    Bitfield.set(b, 0, 24, -1);
    assertEquals(-1, Bitfield.getSigned(b, 3, 0, 24));
    byte[] w = new byte[8];
    Bitfield.set(w, 0, 64, Long.MIN_VALUE);
    assertEquals(Long.MIN_VALUE, Bitfield.getSigned(w, 8, 0, 64));
  }

  @Test
  void unsignedOverflow() {
    Bitfield.addUnsigned(250, 10, 8, Overflow.WRAP, r);
    assertEquals(4, r.stored);
    Bitfield.addUnsigned(250, 10, 8, Overflow.SAT, r);
    assertEquals(255, r.stored);
    Bitfield.addUnsigned(5, -10, 8, Overflow.SAT, r);
    assertEquals(0, r.stored);
    Bitfield.addUnsigned(5, -10, 8, Overflow.WRAP, r);
    assertEquals(251, r.stored);
    Bitfield.addUnsigned(5, -10, 8, Overflow.FAIL, r);
    assertTrue(r.failed);
    Bitfield.addUnsigned(0, Long.MAX_VALUE, 63, Overflow.SAT, r);
    assertEquals(Long.MAX_VALUE, r.stored);
    Bitfield.setUnsigned(-1, 8, Overflow.SAT, r); // a negative value is a huge unsigned one
    assertEquals(255, r.stored);
    Bitfield.setUnsigned(-1, 8, Overflow.WRAP, r);
    assertEquals(255, r.stored);
    Bitfield.setUnsigned(256, 8, Overflow.WRAP, r);
    assertEquals(0, r.stored);
  }

  @Test
  void signedOverflow() {
    Bitfield.addSigned(100, 100, 8, Overflow.WRAP, r);
    assertEquals(-56, r.stored);
    Bitfield.addSigned(100, 100, 8, Overflow.SAT, r);
    assertEquals(127, r.stored);
    Bitfield.addSigned(-100, -100, 8, Overflow.SAT, r);
    assertEquals(-128, r.stored);
    Bitfield.addSigned(-100, -100, 8, Overflow.FAIL, r);
    assertTrue(r.failed);
    Bitfield.addSigned(Long.MAX_VALUE, 1, 64, Overflow.WRAP, r);
    assertEquals(Long.MIN_VALUE, r.stored);
    Bitfield.addSigned(Long.MIN_VALUE, -1, 64, Overflow.SAT, r);
    assertEquals(Long.MIN_VALUE, r.stored);
    Bitfield.addSigned(1, Long.MAX_VALUE, 8, Overflow.SAT, r);
    assertEquals(127, r.stored);
    Bitfield.addSigned(-300, 0, 8, Overflow.SAT, r); // SET of a value below the range
    assertEquals(-128, r.stored);
    // Redis's headroom check wraps for values near Long.MIN_VALUE: SAT stores the maximum
    Bitfield.addSigned(Long.MIN_VALUE, 0, 17, Overflow.SAT, r);
    assertEquals(65535, r.stored);
    Bitfield.addSigned(Long.MIN_VALUE, 0, 17, Overflow.WRAP, r);
    assertEquals(0, r.stored);
  }
}
