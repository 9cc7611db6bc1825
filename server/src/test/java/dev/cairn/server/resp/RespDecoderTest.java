package dev.cairn.server.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoding fed one byte at a time must give the same commands as fed all at once. */
class RespDecoderTest {
  private boolean authenticated = true;
  private long maxBulk = 512L * 1024 * 1024;

  private RespDecoder decoder() {
    return new RespDecoder(new RespDecoder.Limits() {
      @Override
      public long maxBulkLength() {
        return maxBulk;
      }

      @Override
      public boolean authenticated() {
        return authenticated;
      }
    });
  }

  /** Feeds {@code input} in chunks of {@code chunk} bytes; returns each command's arguments joined by '|'. */
  private List<String> decode(byte[] input, int chunk) throws RespDecoder.ProtocolException {
    RespDecoder d = decoder();
    ByteBuf buf = Unpooled.buffer();
    List<String> out = new ArrayList<>();
    for (int pos = 0; pos < input.length; pos += chunk) {
      buf.writeBytes(input, pos, Math.min(chunk, input.length - pos));
      while (true) {
        RespDecoder.Result r = d.decode(buf);
        if (r == RespDecoder.Result.NEED_MORE) {
          break;
        }
        if (r == RespDecoder.Result.COMMAND) {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < d.argc(); i++) {
            sb.append(i == 0 ? "" : "|").append(new String(d.argv()[i], StandardCharsets.ISO_8859_1));
          }
          out.add(sb.toString());
        }
      }
    }
    return out;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void multibulkByteByByteEqualsWhole() throws Exception {
    byte[] in = b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\r\nl\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
    List<String> whole = decode(in, in.length);
    assertEquals(List.of("SET|k|va\r\nl", "PING", "ECHO|"), whole);
    for (int chunk = 1; chunk < 8; chunk++) {
      assertEquals(whole, decode(in, chunk), "chunk " + chunk);
    }
  }

  @Test
  void inlineByteByByte() throws Exception {
    byte[] in = b("PING\r\nset k \"a b\\x41\\n\"\n  echo 'c d'  \r\n\r\n\n");
    List<String> expected = List.of("PING", "set|k|a bA\n", "echo|c d");
    assertEquals(expected, decode(in, in.length));
    assertEquals(expected, decode(in, 1));
  }

  @Test
  void emptyAndNegativeMultibulkAreSkipped() throws Exception {
    assertEquals(List.of("PING"), decode(b("*0\r\n*-1\r\n*-10\r\n*1\r\n$4\r\nPING\r\n"), 1));
  }

  @Test
  void bigBulkArrivesInPieces() throws Exception {
    byte[] value = new byte[100_000];
    new Random(1).nextBytes(value);
    byte[] head = b("*2\r\n$4\r\nECHO\r\n$100000\r\n");
    byte[] in = new byte[head.length + value.length + 2];
    System.arraycopy(head, 0, in, 0, head.length);
    System.arraycopy(value, 0, in, head.length, value.length);
    in[in.length - 2] = '\r';
    in[in.length - 1] = '\n';
    RespDecoder d = decoder();
    ByteBuf buf = Unpooled.buffer();
    int commands = 0;
    for (int pos = 0; pos < in.length; pos += 997) {
      buf.writeBytes(in, pos, Math.min(997, in.length - pos));
      if (d.decode(buf) == RespDecoder.Result.COMMAND) {
        commands++;
        assertArrayEquals(value, d.argv()[1]);
      }
      buf.discardReadBytes();
    }
    assertEquals(1, commands);
  }

  private String error(String input) {
    return assertThrows(RespDecoder.ProtocolException.class, () -> decode(b(input), 1)).getMessage();
  }

  @Test
  void protocolErrorsMatchRedis() {
    assertEquals("invalid multibulk length", error("*20000000000\r\n"));
    assertEquals("invalid multibulk length", error("*abc\r\n"));
    assertEquals("invalid multibulk length", error("*01\r\n"));
    assertEquals("invalid multibulk length", error("*+1\r\n"));
    assertEquals("invalid bulk length", error("*1\r\n$-1\r\n"));
    assertEquals("invalid bulk length", error("*1\r\n$blabla\r\n"));
    assertEquals("invalid bulk length", error("*1\r\n$04\r\n"));
    assertEquals("invalid bulk length", error("*1\r\n$2000000000\r\n"));
    assertEquals("expected '$', got 'f'", error("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"));
    assertEquals("unbalanced quotes in request", error("set \"\"\"k\"\"\" v\r\n"));
    assertEquals("unbalanced quotes in request", error("echo 'a'b\r\n"));
    assertEquals("too big inline request", error("x".repeat(70_000)));
    assertEquals("too big mbulk count string", error("*" + "1".repeat(70_000)));
    assertEquals("too big bulk count string", error("*1\r\n$" + "1".repeat(70_000)));
  }

  @Test
  void bulkLengthLimitIsProtoMaxBulkLen() {
    maxBulk = 1024 * 1024;
    assertEquals("invalid bulk length", error("*1\r\n$1048577\r\n"));
    assertEquals(List.of(), assertDoesNotThrow("*1\r\n$1048576\r\n"));
  }

  private List<String> assertDoesNotThrow(String s) {
    try {
      return decode(b(s), 1);
    } catch (RespDecoder.ProtocolException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void unauthenticatedClientsGetSmallLimits() throws Exception {
    authenticated = false;
    assertEquals("unauthenticated multibulk length", error("*11\r\n"));
    assertEquals("unauthenticated bulk length", error("*1\r\n$16385\r\n"));
    assertEquals(List.of("a|b|c|d|e|f|g|h|i|j"),
        decode(b("*10\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n"
            + "$1\r\ni\r\n$1\r\nj\r\n"), 1));
  }

  @Test
  void randomSplitsOfRandomCommandsDecodeTheSame() throws Exception {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int c = 0; c < 200; c++) {
      int n = 1 + rnd.nextInt(5);
      sb.append('*').append(n).append("\r\n");
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < n; i++) {
        char[] arg = new char[rnd.nextInt(40)];
        for (int j = 0; j < arg.length; j++) {
          arg[j] = (char) rnd.nextInt(256);
        }
        String a = new String(arg);
        sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        joined.append(i == 0 ? "" : "|").append(a);
      }
      expected.add(joined.toString());
    }
    byte[] in = b(sb.toString());
    int chunk = 1 + rnd.nextInt(50);
    assertEquals(expected, decode(in, chunk), "seed " + seed + " chunk " + chunk);
  }
}
