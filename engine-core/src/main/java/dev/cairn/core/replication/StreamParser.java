package dev.cairn.core.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits the master's stream into commands (RESP multibulk; a bare newline, which a master sends as a keepalive, is
 * {@link #BLANK}; an inline command is split on spaces), keeping the raw bytes of what was parsed so that they can be
 * passed on to this server's own replicas unchanged.
 */
final class StreamParser {
  static final byte[][] BLANK = new byte[0][];

  private byte[] data = new byte[1 << 16];
  private int len;
  private int pos;

  void add(byte[] buf, int n) {
    if (len + n > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, len + n));
    }
    System.arraycopy(buf, 0, data, len, n);
    len += n;
  }

  /** The parse position: commands before it are complete. */
  int consumedMark() {
    return pos;
  }

  /** The bytes from {@code start} to the parse position, which are then dropped from the buffer. */
  byte[] takeConsumed(int start) {
    byte[] raw = Arrays.copyOfRange(data, start, pos);
    System.arraycopy(data, pos, data, 0, len - pos);
    len -= pos;
    pos = 0;
    if (data.length > (1 << 20) && len < (1 << 16)) {
      data = Arrays.copyOf(data, 1 << 16);
    }
    return raw;
  }

  /** The next complete command, {@link #BLANK}, or null when the buffer holds only part of one. */
  byte[][] next() throws IOException {
    if (pos >= len) {
      return null;
    }
    byte first = data[pos];
    if (first == '\n') {
      pos++;
      return BLANK;
    }
    if (first == '\r') {
      if (pos + 1 >= len) {
        return null;
      }
      pos += 2;
      return BLANK;
    }
    if (first != '*') {
      int eol = indexOf(pos, '\n');
      if (eol < 0) {
        return null;
      }
      String line = new String(data, pos, eol - pos, StandardCharsets.ISO_8859_1).trim();
      pos = eol + 1;
      if (line.isEmpty()) {
        return BLANK;
      }
      String[] w = line.split(" +");
      byte[][] argv = new byte[w.length][];
      for (int i = 0; i < w.length; i++) {
        argv[i] = w[i].getBytes(StandardCharsets.ISO_8859_1);
      }
      return argv;
    }
    int p = pos;
    long[] num = new long[1];
    p = number(p + 1, num);
    if (p < 0) {
      return null;
    }
    int argc = (int) num[0];
    if (argc <= 0) {
      pos = p;
      return BLANK;
    }
    byte[][] argv = new byte[argc][];
    for (int i = 0; i < argc; i++) {
      if (p >= len) {
        return null;
      }
      if (data[p] != '$') {
        throw new IOException("Protocol error in the master's stream: expected '$'");
      }
      p = number(p + 1, num);
      if (p < 0) {
        return null;
      }
      int n = (int) num[0];
      if (p + n + 2 > len) {
        return null;
      }
      argv[i] = Arrays.copyOfRange(data, p, p + n);
      p += n + 2;
    }
    pos = p;
    return argv;
  }

  private int indexOf(int from, char c) {
    for (int i = from; i < len; i++) {
      if (data[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Parses a decimal number ending in CRLF at {@code p}; returns the position after the CRLF, or -1 if incomplete. */
  private int number(int p, long[] out) throws IOException {
    int eol = indexOf(p, '\n');
    if (eol < 0) {
      return -1;
    }
    long v = 0;
    boolean neg = false;
    for (int i = p; i < eol - 1; i++) {
      byte b = data[i];
      if (b == '-' && i == p) {
        neg = true;
      } else if (b >= '0' && b <= '9') {
        v = v * 10 + (b - '0');
      } else {
        throw new IOException("Protocol error in the master's stream: bad number");
      }
    }
    out[0] = neg ? -v : v;
    return eol + 1;
  }
}
