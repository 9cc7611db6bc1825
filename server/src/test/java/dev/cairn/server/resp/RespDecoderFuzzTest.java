package dev.cairn.server.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated RESP fed to the decoder: it only ever returns commands or a protocol error, gives the same outcome however the
 * input is split into reads, and never holds more memory for a partial bulk than twice what arrived (or a first
 * piece of {@link RespDecoder#BIG_BULK}), whatever length was declared.
 */
class RespDecoderFuzzTest {
  private static final String[] FRAGMENTS = {"*", "$", "\r\n", "\r", "\n", "*1\r\n", "*3\r\n", "*-1\r\n", "*0\r\n",
      "$0\r\n", "$-1\r\n", "$536870000\r\n", "$536870913\r\n", "$2147483647\r\n", "$99999999999999999999\r\n",
      "$32768\r\n", "$32767\r\n", "$16385\r\n", "*2147483648\r\n", "*11\r\n", "\"", "'", "\\x4", "\\x41", " ", "\t",
      "PING", "SET", "0", "00", "-0", "+1", "\u0000"};

  private final Random rnd;
  private final long seed;
  /** Unpooled, so that its count of direct memory in use is exact: 0 once every decoder is released. */
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

  RespDecoderFuzzTest() {
    seed = Long.getLong("fuzz.seed", System.nanoTime());
    rnd = new Random(seed);
  }

  /** A few valid commands, multibulk or inline. */
  private byte[] validInput() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int commands = 1 + rnd.nextInt(3);
    for (int c = 0; c < commands; c++) {
      int n = 1 + rnd.nextInt(4);
      if (rnd.nextInt(4) == 0) {
        for (int i = 0; i < n; i++) {
          out.writeBytes(((i == 0 ? "" : " ") + "a".repeat(1 + rnd.nextInt(5))).getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(rnd.nextBoolean() ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        continue;
      }
      out.writeBytes(("*" + n + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < n; i++) {
        byte[] arg = new byte[rnd.nextInt(64) == 0 ? rnd.nextInt(40_000) : rnd.nextInt(12)];
        rnd.nextBytes(arg);
        out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(arg);
        out.writeBytes(new byte[] {'\r', '\n'});
      }
    }
    return out.toByteArray();
  }

  /** One to four edits: a byte changed, a fragment inserted, a range deleted or repeated, the end cut off. */
  private byte[] mutate(byte[] in) {
    byte[] b = in;
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(5)) {
        case 0 -> b[at] = (byte) rnd.nextInt(256);
        case 1 -> {
          byte[] f = FRAGMENTS[rnd.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.ISO_8859_1);
          b = splice(b, at, at, f);
        }
        case 2 -> b = splice(b, at, Math.min(b.length, at + 1 + rnd.nextInt(8)), new byte[0]);
        case 3 -> {
          int end = Math.min(b.length, at + 1 + rnd.nextInt(16));
          byte[] copy = java.util.Arrays.copyOfRange(b, at, end);
          b = splice(b, end, end, copy);
        }
        default -> b = java.util.Arrays.copyOf(b, at);
      }
    }
    return b;
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] with) {
    byte[] r = new byte[b.length - (to - from) + with.length];
    System.arraycopy(b, 0, r, 0, from);
    System.arraycopy(with, 0, r, from, with.length);
    System.arraycopy(b, to, r, from + with.length, b.length - to);
    return r;
  }

  /**
   * Decodes {@code input} in reads of random sizes (all of it at once when {@code whole}); returns the commands, hex
   * encoded, then the protocol error or what is left pending. Checks the memory bound after every read. With
   * {@code scanning}, as the connection decodes: complete commands found by a scan of each read ({@link Lookahead}).
   */
  private List<String> outcome(byte[] input, boolean whole, boolean scanning) {
    RespDecoder d = new RespDecoder(new RespDecoder.Limits() {
      @Override
      public long maxBulkLength() {
        return 512L * 1024 * 1024;
      }

      @Override
      public boolean authenticated() {
        return true;
      }
    }, alloc);
    // scanned from a direct buffer: the scan reads its memory at the buffer's address
    ByteBuf buf = scanning ? Unpooled.directBuffer() : Unpooled.buffer();
    Lookahead ahead = scanning ? new Lookahead(null) : null;
    List<String> out = new ArrayList<>();
    int pos = 0;
    try {
      while (pos < input.length) {
        int n = whole ? input.length : Math.min(input.length - pos, 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 70_000));
        buf.writeBytes(input, pos, n);
        pos += n;
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
              sb.append(i == 0 ? "" : "|").append(HexFormat.of().formatHex(d.arg(i)));
            }
            out.add(sb.toString());
          }
        }
        long held = d.partialBulkBytes() + d.partialBulkFree();
        assertTrue(held <= Math.max(RespDecoder.BIG_BULK, 2L * pos),
            "seed " + seed + ": holds " + held + " after " + pos + " bytes");
        buf.discardReadBytes();
      }
      out.add("pending " + d.midCommand() + " " + d.partialBulkBytes());
    } catch (RespDecoder.ProtocolException e) {
      out.add("error " + e.getMessage());
    } finally {
      d.release();
      buf.release();
    }
    return out;
  }

  private static boolean tooBig(List<String> outcome) {
    return outcome.get(outcome.size() - 1).startsWith("error too big");
  }

  @Test
  void mutatedInputGivesCommandsOrAProtocolErrorHoweverItIsSplit() {
    int count = Integer.getInteger("fuzz.count", 200_000);
    System.out.println("RespDecoderFuzzTest seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    int errors = 0;
    for (int i = 0; i < count; i++) {
      byte[] input = mutate(validInput());
      List<String> whole = outcome(input, true, false);
      // as the connection reads: through a scan of each read
      assertEquals(whole, outcome(input, true, true), "seed " + seed + " input " + i + " scanned: "
          + HexFormat.of().formatHex(input, 0, Math.min(input.length, 200)));
      List<String> split = outcome(input, false, true);
      // a line past 64 KB is refused only if its end has not come yet (as in Redis), which depends on the reads
      if (!tooBig(whole) && !tooBig(split)) {
        assertEquals(whole, split,
            "seed " + seed + " input " + i + ": " + HexFormat.of().formatHex(input, 0, Math.min(input.length, 200)));
      }
      if (whole.get(whole.size() - 1).startsWith("error")) {
        errors++;
      }
    }
    assertEquals(0, alloc.metric().usedDirectMemory(), "chunks left unreleased");
    // the mutations reach the error paths, and not only them
    assertTrue(errors > count / 20 && errors < count * 19 / 20, errors + " errors in " + count);
  }
}
