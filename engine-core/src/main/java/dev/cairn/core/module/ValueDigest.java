package dev.cairn.core.module;

import dev.cairn.api.type.Digest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST-VALUE for module values, after Redis's scheme: elements of a sequence are mixed in order; each closed
 * sequence is XORed into the result, so the order of sequences does not matter (unordered collections) while the
 * order within one does.
 */
public final class ValueDigest implements Digest {
  private final byte[] result = new byte[20];
  private final MessageDigest sequence;
  private boolean open;

  public ValueDigest() {
    try {
      sequence = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-1
    }
  }

  @Override
  public void add(byte[] bytes) {
    sequence.update(bytes);
    sequence.update((byte) 0); // separator: ("ab","c") differs from ("a","bc")
    open = true;
  }

  @Override
  public void add(long value) {
    add(Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Override
  public void endSequence() {
    open = false;
    byte[] d = sequence.digest();
    for (int i = 0; i < result.length; i++) {
      result[i] ^= d[i];
    }
  }

  /** The digest as 40 hex digits (closing an open sequence first). */
  public String hex() {
    if (open) {
      endSequence();
    }
    StringBuilder sb = new StringBuilder();
    for (byte b : result) {
      sb.append(String.format("%02x", b & 0xff));
    }
    return sb.toString();
  }
}
