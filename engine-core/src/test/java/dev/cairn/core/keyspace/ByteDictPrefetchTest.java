package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.util.Hashing;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Prefetching and probing by hash find what a lookup finds and change nothing, not even a rehashing step. */
class ByteDictPrefetchTest {
  static final class Node extends ByteDict.Node<Node> {
    Node(byte[] key) {
      super(key);
    }
  }

  private static byte[] key(int i) {
    return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void probeFindsTheNodeOfEveryKeyWhileRehashingAndMovesNothing() {
    ByteDict<Node> d = ByteDict.forKeyspace();
    int n = 0;
    while (!d.isRehashing() || n < 1000) {
      d.addNew(new Node(key(n++)));
    }
    assertTrue(d.isRehashing());
    int layout = d.layout();
    int buckets = d.buckets();
    java.util.Map<Integer, Integer> sharing = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      sharing.merge(Hashing.hash(key(i)), 1, Integer::sum);
    }
    Node[] probed = new Node[n];
    for (int i = 0; i < n; i++) {
      int h = Hashing.hash(key(i));
      probed[i] = d.probe(h);
      assertEquals(h, probed[i].hash);
      // the bucket read is the one holding the key (old or new table while rehashing): never empty
      assertEquals(1, d.prefetchBucket(h));
      assertTrue(d.prefetch(h) > 0);
    }
    assertEquals(layout, d.layout());
    assertEquals(buckets, d.buckets());
    assertTrue(d.isRehashing());
    for (int i = 0; i < n; i++) {
      if (sharing.get(Hashing.hash(key(i))) == 1) { // else the probe may give the other key of that hash
        assertSame(d.get(key(i)), probed[i]);
      }
    }
  }

  @Test
  void anEmptyOrMissingSlotGivesNothing() {
    ByteDict<Node> d = new ByteDict<>();
    assertNull(d.probe(12345));
    assertEquals(0, d.prefetch(12345));
    assertEquals(0, d.prefetchBucket(12345));
    d.addNew(new Node(key(1)));
    int other = Hashing.hash(key(1)) + 1;
    assertNull(d.probe(other));
  }
}
