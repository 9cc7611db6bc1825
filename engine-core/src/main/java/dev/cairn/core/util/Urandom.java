package dev.cairn.core.util;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Random bytes from the kernel's /dev/urandom, as Redis takes its run ids and hash seeds. A SecureRandom would read
 * the same source, but making the first one loads the security providers: tens of milliseconds of every start. Where
 * there is no /dev/urandom, a SecureRandom it is.
 */
public final class Urandom {
  private Urandom() {}

  /** Fills {@code b} with random bytes. */
  public static void fill(byte[] b) {
    try (InputStream in = new FileInputStream("/dev/urandom")) {
      int n = 0;
      while (n < b.length) {
        int r = in.read(b, n, b.length - n);
        if (r < 0) {
          throw new IOException("end of /dev/urandom");
        }
        n += r;
      }
    } catch (IOException e) {
      new java.security.SecureRandom().nextBytes(b);
    }
  }

  /** A random long. */
  public static long nextLong() {
    byte[] b = new byte[8];
    fill(b);
    long v = 0;
    for (byte x : b) {
      v = v << 8 | (x & 0xFF);
    }
    return v;
  }

  /** {@code n} random lower-case hex characters. */
  public static String hex(int n) {
    byte[] b = new byte[(n + 1) / 2];
    fill(b);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int nibble = i % 2 == 0 ? (b[i / 2] >> 4) & 15 : b[i / 2] & 15;
      sb.append(Character.forDigit(nibble, 16));
    }
    return sb.toString();
  }
}
