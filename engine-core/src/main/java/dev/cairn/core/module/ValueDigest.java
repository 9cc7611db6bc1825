package dev.cairn.core.module;

import dev.cairn.api.type.Digest;
import dev.cairn.core.server.DatasetDigest;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG DIGEST-VALUE for module values, as RedisModuleDigest computes it: each element added is mixed into the open
 * sequence ({@code o = SHA1(o xor SHA1(element))}), so order within a sequence matters; {@link #endSequence()} XORs
 * the sequence's SHA1 into the result and starts a new one, so the order of sequences does not (unordered
 * collections add each member as its own sequence). Elements of an unfinished sequence do not count, as in Redis.
 */
public final class ValueDigest implements Digest {
  private final byte[] open = new byte[20];
  private final byte[] result = new byte[20];
  private boolean pending;

  @Override
  public void add(byte[] bytes) {
    DatasetDigest.mix(open, bytes, 0, bytes.length);
    pending = true;
  }

  @Override
  public void add(long value) {
    add(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void endSequence() {
    DatasetDigest.xor(result, open, 0, open.length);
    java.util.Arrays.fill(open, (byte) 0);
    pending = false;
  }

  /** The closed sequences' digest, as Redis folds a module value into DEBUG DIGEST. */
  public byte[] result() {
    return result.clone();
  }

  /** The digest as 40 hex digits, closing an open sequence first (for a type's own tests). */
  public String hex() {
    if (pending) {
      endSequence();
    }
    return DatasetDigest.hex(result);
  }
}
