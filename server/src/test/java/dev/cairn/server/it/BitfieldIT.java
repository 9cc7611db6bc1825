package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BITFIELD and BITFIELD_RO over the network. */
class BitfieldIT extends ServerTestBase {
  @Test
  void setGetIncrby() {
    assertEquals(List.of(0L), jedis.bitfield("bf", "SET", "i8", "0", "100"));
    assertEquals(List.of(100L), jedis.bitfield("bf", "GET", "i8", "0"));
    assertEquals(List.of(-56L), jedis.bitfield("bf", "INCRBY", "i8", "0", "100")); // WRAP by default
    assertEquals(List.of(44L), jedis.bitfield("bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100"));
    assertEquals(List.of(127L), jedis.bitfield("bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100"));
    assertEquals(Arrays.asList(null, 127L),
        jedis.bitfield("bf", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "1", "GET", "i8", "0"));
    // SET answers the old value; #1 is the second 8-bit field
    assertEquals(List.of(127L, 0L), jedis.bitfield("bf", "GET", "u8", "0", "SET", "u8", "#1", "255"));
    assertArrayEquals(new byte[] {0x7f, (byte) 0xff}, jedis.get("bf".getBytes()));
    assertEquals(List.of(32767L, 32767L), jedis.bitfield("bf", "GET", "i16", "#0", "GET", "u16", "0"));
    assertEquals(List.of(-1L), jedis.bitfield("bf", "GET", "i8", "8"));
  }

  @Test
  void fieldsAcrossBytesAndPastTheEnd() {
    jedis.bitfield("f", "SET", "u4", "6", "15");
    assertArrayEquals(new byte[] {0x03, (byte) 0xc0}, jedis.get("f".getBytes()));
    assertEquals(List.of(15L, 0L), jedis.bitfield("f", "GET", "u4", "6", "GET", "u32", "100"));
    assertEquals(List.of(0L), jedis.bitfield("nokey", "GET", "i64", "0"));
    assertFalse(jedis.exists("nokey"));
    assertEquals(List.of(), jedis.bitfield("f"));
  }

  @Test
  void errorsAreRedisBytes() throws Exception {
    RawClient r = raw();
    String badType = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64"
        + " is.\r\n";
    assertEquals(badType, r.command("BITFIELD", "k", "GET", "u64", "0").readReply());
    assertEquals(badType, r.command("BITFIELD", "k", "GET", "i65", "0").readReply());
    assertEquals(badType, r.command("BITFIELD", "k", "GET", "I8", "0").readReply());
    assertEquals("-ERR Invalid OVERFLOW type specified\r\n",
        r.command("BITFIELD", "k", "OVERFLOW", "CLAMP", "GET", "u8", "0").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("BITFIELD", "k", "GET", "u8").readReply());
    assertEquals("-ERR bit offset is not an integer or out of range\r\n",
        r.command("BITFIELD", "k", "GET", "u8", "-1").readReply());
    assertEquals("-ERR bit offset is not an integer or out of range\r\n",
        r.command("BITFIELD", "k", "GET", "u8", "4294967296").readReply());
    assertEquals("-ERR value is not an integer or out of range\r\n",
        r.command("BITFIELD", "k", "SET", "u8", "0", "x").readReply());
    assertEquals("-ERR BITFIELD_RO only supports the GET subcommand\r\n",
        r.command("BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "1").readReply());
    assertEquals("*1\r\n$-1\r\n", r.command("BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u2", "0", "7").readReply());
    assertTrue(jedis.exists("k")); // the write created the key even though nothing was stored
  }

  @Test
  void readOnlyVariant() {
    jedis.bitfield("k", "SET", "u8", "0", "200");
    assertEquals(List.of(200L, -56L), jedis.bitfieldReadonly("k", "GET", "u8", "0", "GET", "i8", "0"));
  }
}
