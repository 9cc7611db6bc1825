package dev.cairn.core.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespWriterTest {
  private final ByteBuf out = Unpooled.buffer();
  private final RespWriter w = new RespWriter(out);

  private String take() {
    String s = out.toString(StandardCharsets.US_ASCII);
    out.clear();
    return s;
  }

  @Test
  void integersAndBulkHeadersInAndBeyondThePreparedTables() {
    for (long n : new long[] {0, 1, 9, 10, 99, 100, 999, 1000, 1023, 1024, 1025, 4096, -1, -1024, Long.MAX_VALUE,
        Long.MIN_VALUE}) {
      w.integer(n);
      assertEquals(":" + n + "\r\n", take());
    }
    for (int len : new int[] {0, 1, 9, 10, 512, 1024, 1025, 70000}) {
      byte[] v = new byte[len];
      java.util.Arrays.fill(v, (byte) 'x');
      w.bulk(v);
      assertEquals("$" + len + "\r\n" + "x".repeat(len) + "\r\n", take());
    }
    w.array(3);
    w.nullBulk();
    assertEquals("*3\r\n$-1\r\n", take());
  }
}
