package dev.cairn.core.type.stream;

import dev.cairn.core.server.DatasetDigest;
import java.nio.charset.StandardCharsets;

/**
 * A stream's share of DEBUG DIGEST, as Redis computes it: each entry's ID as {@code ms.seq}, then its fields and
 * values, mixed in order. Consumer groups do not count (Redis leaves them out too).
 */
public final class StreamDigest implements DatasetDigest.TypeDigest {
  @Override
  public boolean handles(Object value) {
    return value instanceof StreamValue;
  }

  @Override
  public int objectType() {
    return 6;
  }

  @Override
  public void digest(byte[] digest, Object value) {
    StreamIterator it = new StreamIterator((StreamValue) value, false);
    while (it.next()) {
      byte[] id = (Long.toUnsignedString(it.ms) + "." + Long.toUnsignedString(it.seq))
          .getBytes(StandardCharsets.US_ASCII);
      DatasetDigest.mix(digest, id, 0, id.length);
      it.forEachFieldBytes(b -> DatasetDigest.mix(digest, b, 0, b.length));
    }
  }
}
