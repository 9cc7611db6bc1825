package dev.cairn.server.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
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
  /** Unpooled, so that its count of direct memory in use is exact. */
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

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
    }, alloc);
  }

  /**
   * Feeds {@code input} in chunks of {@code chunk} bytes; returns each command's arguments joined by '|'. Decodes it
   * twice, as the connection does (through a scan of each read, {@link Lookahead}) and without a scan, and checks that
   * both give the same commands, or the same protocol error.
   */
  private List<String> decode(byte[] input, int chunk) throws RespDecoder.ProtocolException {
    List<String> plain;
    try {
      plain = decode(input, chunk, false);
    } catch (RespDecoder.ProtocolException e) {
      RespDecoder.ProtocolException scanned =
          assertThrows(RespDecoder.ProtocolException.class, () -> decode(input, chunk, true));
      assertEquals(e.getMessage(), scanned.getMessage(), "through a scan");
      throw e;
    }
    assertEquals(plain, decode(input, chunk, true), "through a scan");
    return plain;
  }

  private List<String> decode(byte[] input, int chunk, boolean scanning) throws RespDecoder.ProtocolException {
    RespDecoder d = decoder();
    ByteBuf buf = Unpooled.buffer();
    List<String> out = new ArrayList<>();
    try {
      decodeInto(d, buf, input, chunk, out, scanning ? new Lookahead(null) : null);
    } finally {
      d.release();
    }
    return out;
  }

  private static void decodeInto(RespDecoder d, ByteBuf buf, byte[] input, int chunk, List<String> out, Lookahead ahead)
      throws RespDecoder.ProtocolException {
    for (int pos = 0; pos < input.length; pos += chunk) {
      buf.writeBytes(input, pos, Math.min(chunk, input.length - pos));
      if (ahead != null) {
        ahead.clear();
      }
      while (true) {
        RespDecoder.Result r = ahead != null ? d.decode(buf, ahead) : d.decode(buf);
        if (r == RespDecoder.Result.NEED_MORE) {
          break;
        }
        if (r == RespDecoder.Result.COMMAND) {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < d.argc(); i++) {
            sb.append(i == 0 ? "" : "|").append(new String(d.arg(i), StandardCharsets.ISO_8859_1));
          }
          out.add(sb.toString());
        }
      }
    }
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

  /**
   * Inline lines of words, blanks and now and then a quote, NUL, vertical tab or form feed: the decoder splits a line
   * without those itself, and must split every line as {@code SplitArgs} does (reusing the name's array changes nothing).
   */
  @Test
  void inlineLinesSplitAsSplitArgsDoes() throws Exception {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    String[] pieces = {"ping", "PING", "get", "k", "a", "xyz", " ", "  ", "\t", "\r", "\013", "\014", "\000", "\"",
        "'", "\\"};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder line = new StringBuilder();
      int n = rnd.nextInt(8);
      for (int k = 0; k < n; k++) {
        line.append(pieces[rnd.nextInt(rnd.nextInt(4) == 0 ? pieces.length : 8)]);
      }
      if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
        line.append('a'); // a CR before the LF is the line's end, not part of it
      }
      byte[] bytes = b(line.toString());
      List<byte[]> split = dev.cairn.core.util.SplitArgs.split(bytes, 0, bytes.length);
      byte[] input = b(line + "\r\n" + line + "\n");
      List<String> expected = new ArrayList<>();
      if (split == null) {
        RespDecoder.ProtocolException e = assertThrows(RespDecoder.ProtocolException.class, () -> decode(input, 1));
        assertEquals("unbalanced quotes in request", e.getMessage(), line + " (seed " + seed + ")");
        continue;
      }
      if (!split.isEmpty()) {
        List<String> words = new ArrayList<>();
        for (byte[] word : split) {
          words.add(new String(word, StandardCharsets.ISO_8859_1));
        }
        expected.add(String.join("|", words));
        expected.add(String.join("|", words));
      }
      assertEquals(expected, decode(input, input.length), line + " (seed " + seed + ")");
      assertEquals(expected, decode(input, 1 + rnd.nextInt(4)), line + " (seed " + seed + ")");
    }
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
        assertArrayEquals(value, d.arg(1));
      }
      buf.discardReadBytes();
    }
    assertEquals(1, commands);
  }

  /** What the decoder holds for an incomplete bulk: the bytes received plus the room allocated beyond them. */
  private static long held(RespDecoder d) {
    return d.partialBulkBytes() + d.partialBulkFree();
  }

  @Test
  void aDeclaredButUnsentBulkHoldsOnlyAFirstPiece() throws Exception {
    RespDecoder d = decoder();
    ByteBuf buf = Unpooled.buffer();
    buf.writeBytes(b("*2\r\n$3\r\nSET\r\n$536870000\r\n"));
    assertEquals(RespDecoder.Result.NEED_MORE, d.decode(buf));
    assertEquals(0, held(d));
    buf.writeBytes(b("abc"));
    assertEquals(RespDecoder.Result.NEED_MORE, d.decode(buf));
    assertEquals(3, d.partialBulkBytes());
    assertEquals(RespDecoder.BIG_BULK, held(d));
    assertEquals(RespDecoder.BIG_BULK, alloc.metric().usedDirectMemory());
    d.release();
    assertEquals(0, alloc.metric().usedDirectMemory());
    // a bulk under the threshold is allocated at its length at once, as before
    RespDecoder small = decoder();
    assertEquals(RespDecoder.Result.NEED_MORE, small.decode(Unpooled.wrappedBuffer(b("*1\r\n$30000\r\nab"))));
    assertEquals(30_000, held(small));
  }

  @Test
  void aBigBulkHoldsAtMostTwiceWhatCame() throws Exception {
    int len = 100 * 1024 * 1024;
    RespDecoder d = decoder();
    ByteBuf buf = Unpooled.buffer();
    buf.writeBytes(b("*2\r\n$4\r\nECHO\r\n$" + len + "\r\n"));
    assertEquals(RespDecoder.Result.NEED_MORE, d.decode(buf));
    byte[] piece = new byte[64 * 1024];
    long sent = 0;
    RespDecoder.Result r = RespDecoder.Result.NEED_MORE;
    while (sent < len) {
      // trickle the first megabyte in small pieces, then socket-sized reads
      int n = (int) Math.min(sent < (1 << 20) ? 1000 : piece.length, len - sent);
      for (int i = 0; i < n; i++) {
        piece[i] = (byte) (sent + i);
      }
      buf.clear().writeBytes(piece, 0, n);
      sent += n;
      if (sent == len) {
        buf.writeBytes(b("\r\n"));
      }
      r = d.decode(buf);
      if (r == RespDecoder.Result.COMMAND) {
        break;
      }
      long h = held(d);
      assertEquals(sent, d.partialBulkBytes());
      assertTrue(h <= Math.max(RespDecoder.BIG_BULK, 2 * sent), "holds " + h + " after " + sent + " bytes");
      if (sent < len / 2) {
        // before half has come, no more than a chunk beyond what came
        assertTrue(h - sent <= RespDecoder.CHUNK_MAX, "holds " + h + " after " + sent + " bytes");
      } else {
        assertEquals(len, h, "the argument's own array once half has come");
        assertEquals(0, alloc.metric().usedDirectMemory(), "chunks released once copied");
      }
    }
    assertEquals(RespDecoder.Result.COMMAND, r);
    byte[] arg = d.arg(1);
    assertEquals(len, arg.length);
    for (int i = 0; i < len; i += 4093) {
      assertEquals((byte) i, arg[i], "byte " + i);
    }
    assertEquals(0, held(d));
  }

  @Test
  void aBulkThatArrivedWholeIsTakenWithWhatFollows() throws Exception {
    byte[] value = new byte[200_000];
    new Random(2).nextBytes(value);
    ByteBuf buf = Unpooled.buffer();
    buf.writeBytes(b("*2\r\n$4\r\nECHO\r\n$200000\r\n")).writeBytes(value).writeBytes(b("\r\n*1\r\n$4\r\nPING\r\n"));
    RespDecoder d = decoder();
    assertEquals(RespDecoder.Result.COMMAND, d.decode(buf));
    assertArrayEquals(value, d.arg(1));
    assertEquals(RespDecoder.Result.COMMAND, d.decode(buf));
    assertEquals("PING", new String(d.arg(0), StandardCharsets.US_ASCII));
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

  /** A command name sent again reuses its array; names that look alike (length, first and last byte) stay apart. */
  @Test
  void repeatedCommandNamesShareTheirArrayAndLookAlikesDoNot() throws Exception {
    RespDecoder d = decoder();
    ByteBuf buf = Unpooled.buffer();
    try {
      List<byte[]> names = new ArrayList<>();
      for (String cmd : new String[] {"GET", "SET", "SAT", "GET", "set", "SET", "SET"}) {
        buf.writeBytes(b("*2\r\n$3\r\n" + cmd + "\r\n$1\r\nk\r\n"));
        assertEquals(RespDecoder.Result.COMMAND, d.decode(buf));
        names.add(d.arg(0));
        assertEquals(cmd, new String(d.arg(0), StandardCharsets.ISO_8859_1));
        assertEquals("k", new String(d.arg(1), StandardCharsets.ISO_8859_1));
      }
      assertTrue(names.get(0) == names.get(3), "GET again: the same array");
      assertTrue(names.get(1) != names.get(2), "SAT is not SET");
      assertTrue(names.get(5) == names.get(6), "SET again: the same array");
      assertArrayEquals(b("SET"), names.get(6));
      // a name split across reads is read as usual
      buf.writeBytes(b("*1\r\n$3\r\nGE"));
      assertEquals(RespDecoder.Result.NEED_MORE, d.decode(buf));
      buf.writeBytes(b("T\r\n"));
      assertEquals(RespDecoder.Result.COMMAND, d.decode(buf));
      assertArrayEquals(b("GET"), d.arg(0));
    } finally {
      d.release();
    }
  }
  /**
   * Arguments after the name up to SLICE_MAX bytes lie in the connection's arena (no array each), longer ones and those
   * past ARENA_MAX get arrays of their own; a copy made by {@code Args.get} outlives the next command, which overwrites
   * the arena. Through a scan and without.
   */
  @Test
  void smallArgumentsLieInTheArenaAndCopiesOutliveIt() throws Exception {
    for (boolean scanning : new boolean[] {false, true}) {
      RespDecoder d = decoder();
      Lookahead ahead = scanning ? new Lookahead(null) : null;
      ByteBuf buf = Unpooled.buffer();
      try {
        String big = "v".repeat(RespDecoder.SLICE_MAX + 1);
        String fits = "w".repeat(RespDecoder.SLICE_MAX);
        StringBuilder cmd = new StringBuilder("*" + (4 + RespDecoder.ARENA_MAX / RespDecoder.SLICE_MAX) + "\r\n");
        cmd.append("$3\r\nSET\r\n$3\r\nkey\r\n$").append(big.length()).append("\r\n").append(big).append("\r\n");
        for (int i = 0; i <= RespDecoder.ARENA_MAX / RespDecoder.SLICE_MAX; i++) {
          cmd.append("$").append(fits.length()).append("\r\n").append(fits).append("\r\n");
        }
        buf.writeBytes(b(cmd.toString()));
        buf.writeBytes(b("*2\r\n$3\r\nGET\r\n$3\r\nxyz\r\n"));
        dev.cairn.api.command.Args args = new dev.cairn.api.command.Args(new byte[0][], 0);
        assertEquals(RespDecoder.Result.COMMAND, scanning ? d.decode(buf, ahead) : d.decode(buf));
        d.fill(args);
        assertEquals(4 + RespDecoder.ARENA_MAX / RespDecoder.SLICE_MAX, args.size());
        assertTrue(args.detached(0), "the name");
        assertTrue(!args.detached(1), "a short key lies in the arena");
        assertTrue(args.detached(2), "past SLICE_MAX: an array of its own");
        assertTrue(!args.detached(3), "fits");
        assertTrue(args.detached(args.size() - 1), "past ARENA_MAX: an array of its own");
        assertEquals(3, args.length(1));
        byte[] key = args.get(1);
        assertTrue(args.detached(1) && key == args.get(1), "copied out once");
        byte[][] all = args.toArray();
        assertEquals(RespDecoder.Result.COMMAND, scanning ? d.decode(buf, ahead) : d.decode(buf));
        d.fill(args);
        assertArrayEquals(b("xyz"), args.get(1));
        assertArrayEquals(b("key"), key, "a copy outlives the arena's next command");
        assertArrayEquals(b(fits), all[3]);
        assertArrayEquals(b(big), all[2]);
      } finally {
        buf.release();
        d.release();
      }
    }
  }
}
