package dev.cairn.core.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The master's stream split into commands, fed whole and byte by byte; the raw bytes come back unchanged. */
class StreamParserTest {
  private static final String STREAM = "*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\r\nb\0\r\n"
      + "PING\r\n*1\r\n$4\r\nEXEC\r\n";

  private static List<String> parse(byte[] in, int step, StringBuilder raw) throws Exception {
    StreamParser p = new StreamParser();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < in.length; i += step) {
      int n = Math.min(step, in.length - i);
      byte[] chunk = new byte[n];
      System.arraycopy(in, i, chunk, 0, n);
      p.add(chunk, n);
      int start = p.consumedMark();
      byte[][] cmd;
      while ((cmd = p.next()) != null) {
        if (cmd == StreamParser.BLANK) {
          out.add("<blank>");
          continue;
        }
        StringBuilder sb = new StringBuilder();
        for (byte[] a : cmd) {
          sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
        }
        out.add(sb.toString());
      }
      raw.append(new String(p.takeConsumed(start), StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  @Test
  void splitsCommandsWholeAndByteByByte() throws Exception {
    byte[] in = STREAM.getBytes(StandardCharsets.ISO_8859_1);
    for (int step : new int[] {in.length, 1, 3, 7}) {
      StringBuilder raw = new StringBuilder();
      assertEquals(List.of("SELECT 9", "<blank>", "SET k a\r\nb\0", "PING", "EXEC"), parse(in, step, raw));
      assertEquals(STREAM, raw.toString()); // what is passed on to sub-replicas is exactly what came
    }
  }

  @Test
  void anIncompleteCommandWaits() throws Exception {
    StreamParser p = new StreamParser();
    byte[] part = "*2\r\n$4\r\nECHO\r\n$3\r\nab".getBytes(StandardCharsets.US_ASCII);
    p.add(part, part.length);
    assertNull(p.next());
    assertEquals(0, p.consumedMark());
    byte[] rest = "c\r\n".getBytes(StandardCharsets.US_ASCII);
    p.add(rest, rest.length);
    byte[][] cmd = p.next();
    assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), cmd[1]);
    assertEquals(part.length + rest.length, p.consumedMark());
    assertSame(null, p.next());
  }
}
