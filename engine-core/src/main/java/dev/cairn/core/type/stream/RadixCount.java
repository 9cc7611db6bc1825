package dev.cairn.core.type.stream;

/**
 * Counts the nodes a Redis radix tree (rax) would have for a set of equal-length keys: a compressed trie with a node
 * at the root, at every key, at every branching point, and at every child of a branching point (a chain of single
 * children is one compressed node). XINFO STREAM reports this as radix-tree-nodes.
 */
final class RadixCount {
  private RadixCount() {}

  /** Nodes for {@code keys}, sorted ascending (unsigned) and distinct, all of the same length. */
  static long nodes(byte[][] keys) {
    if (keys.length == 0) {
      return 1;
    }
    return at(keys, 0, keys.length - 1, 0);
  }

  /** Nodes from the node at depth {@code d} down, for keys[lo..hi] that share their first d bytes. */
  private static long at(byte[][] keys, int lo, int hi, int d) {
    int len = keys[lo].length;
    if (lo == hi) {
      return d == len ? 1 : 2; // the key itself, or a compressed node leading to it
    }
    int common = commonPrefix(keys[lo], keys[hi]);
    return (common > d ? 1 : 0) + branch(keys, lo, hi, common);
  }

  /** A branching node at depth {@code d} and its subtrees (one per distinct byte at position d). */
  private static long branch(byte[][] keys, int lo, int hi, int d) {
    long n = 1;
    int i = lo;
    while (i <= hi) {
      int j = i;
      while (j < hi && keys[j + 1][d] == keys[i][d]) {
        j++;
      }
      n += at(keys, i, j, d + 1);
      i = j + 1;
    }
    return n;
  }

  private static int commonPrefix(byte[] a, byte[] b) {
    int i = 0;
    while (i < a.length && a[i] == b[i]) {
      i++;
    }
    return i;
  }
}
