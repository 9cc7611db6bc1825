package dev.cairn.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Formats a MONITOR line: {@code +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"}, arguments quoted as Redis does. */
final class MonitorLine {
  private MonitorLine() {}

  static byte[] format(long micros, int db, String peer, byte[][] argv, int argc) {
    StringBuilder sb = new StringBuilder(64);
    sb.append('+').append(micros / 1_000_000).append('.');
    String frac = Long.toString(micros % 1_000_000);
    sb.append("0".repeat(6 - frac.length())).append(frac);
    sb.append(" [").append(db).append(' ').append(peer).append(']');
    ByteArrayOutputStream out = new ByteArrayOutputStream(sb.length() + 32);
    out.writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < argc; i++) {
      out.write(' ');
      Quoting.appendQuoted(out, argv[i]);
    }
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }
}
