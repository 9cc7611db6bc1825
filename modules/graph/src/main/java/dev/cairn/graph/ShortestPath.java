package dev.cairn.graph;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * shortestPath between two distinct nodes as a bidirectional breadth-first search: each step expands the smaller
 * frontier by one level, so in a graph of degree d a path of length k costs about 2 d^(k/2) visits instead of d^k
 * (a search from one side reached most of a million-node graph for a path of six hops). The visited nodes are kept
 * in primitive open-addressing maps (node to its parent node and edge), so a search allocates a few arrays.
 *
 * <p>Why the first meeting is a shortest path: before a level is expanded no node is in both maps, and each map
 * holds exactly the nodes within its depth, so the distance exceeds the sum of the depths; a node met while expanding
 * one side by a level is within the new sum, which is therefore the distance.
 */
final class ShortestPath {
  private ShortestPath() {}

  /**
   * A shortest path from {@code from} to {@code to} ({@code from != to}) of at most {@code max} edges, each edge
   * passing {@code edgeOk}, following {@code dir} (1 outgoing, -1 incoming, 0 either): nodes and edges alternating,
   * {@code n0 e0 n1 ... nk}; null if there is none. {@code tick} runs per edge looked at (timeout, preemption).
   */
  static int[] find(Graph g, int from, int to, int dir, int max, IntPredicate edgeOk, Runnable tick) {
    Visited fwd = new Visited();
    Visited bwd = new Visited();
    fwd.put(from, -1, -1);
    bwd.put(to, -1, -1);
    int[] fFront = {from};
    int fLen = 1;
    int[] bFront = {to};
    int bLen = 1;
    int depth = 0;
    while (fLen > 0 && bLen > 0 && depth < max) {
      boolean forward = fLen <= bLen;
      Visited own = forward ? fwd : bwd;
      Visited other = forward ? bwd : fwd;
      int[] front = forward ? fFront : bFront;
      int len = forward ? fLen : bLen;
      int[] next = new int[Math.max(16, len * 2)];
      int nLen = 0;
      int stepDir = forward ? dir : -dir;
      depth++;
      for (int i = 0; i < len; i++) {
        int n = front[i];
        int out = stepDir >= 0 ? g.outDegree(n) : 0;
        int in = stepDir <= 0 ? g.inDegree(n) : 0;
        int[] outs = g.outEdges(n);
        int[] ins = g.inEdges(n);
        for (int k = 0; k < out + in; k++) {
          tick.run();
          int e = k < out ? outs[k] : ins[k - out];
          int o = k < out ? g.dst(e) : g.src(e);
          if (own.contains(o) || !edgeOk.test(e)) {
            continue;
          }
          own.put(o, n, e);
          if (other.contains(o)) {
            return path(fwd, bwd, o);
          }
          if (nLen == next.length) {
            next = Arrays.copyOf(next, nLen * 2);
          }
          next[nLen++] = o;
        }
      }
      if (forward) {
        fFront = next;
        fLen = nLen;
      } else {
        bFront = next;
        bLen = nLen;
      }
    }
    return null;
  }

  /** The path through {@code meet}: its forward parents back to the source, its backward ones on to the target. */
  private static int[] path(Visited fwd, Visited bwd, int meet) {
    int[] head = new int[16];
    int h = 0;
    for (int n = meet; ; ) { // meet e_k-1 n_k-1 ... e0 n0, reversed below
      if (h + 2 > head.length) {
        head = Arrays.copyOf(head, head.length * 2);
      }
      head[h++] = n;
      int edge = fwd.edge(n);
      if (edge < 0) {
        break;
      }
      head[h++] = edge;
      n = fwd.parent(n);
    }
    int[] r = new int[h + 2 * 16];
    int k = 0;
    for (int i = h - 1; i >= 0; i--) {
      r[k++] = head[i];
    }
    for (int n = meet; bwd.edge(n) >= 0; ) {
      if (k + 2 > r.length) {
        r = Arrays.copyOf(r, r.length * 2);
      }
      r[k++] = bwd.edge(n);
      n = bwd.parent(n);
      r[k++] = n;
    }
    return Arrays.copyOf(r, k);
  }

  /** Node id to (parent node, edge): open addressing over int keys, linear probing. */
  private static final class Visited {
    private int[] keys = new int[64];
    private long[] vals = new long[64];
    private int size;

    Visited() {
      Arrays.fill(keys, -1);
    }

    private int slot(int key, int[] ks) {
      int mask = ks.length - 1;
      int i = (key * 0x9E3779B9) >>> 7 & mask;
      while (ks[i] != -1 && ks[i] != key) {
        i = (i + 1) & mask;
      }
      return i;
    }

    boolean contains(int key) {
      return keys[slot(key, keys)] == key;
    }

    void put(int key, int parent, int edge) {
      if ((size + 1) * 2 > keys.length) {
        int[] oldK = keys;
        long[] oldV = vals;
        keys = new int[oldK.length * 2];
        vals = new long[oldK.length * 2];
        Arrays.fill(keys, -1);
        for (int i = 0; i < oldK.length; i++) {
          if (oldK[i] != -1) {
            int s = slot(oldK[i], keys);
            keys[s] = oldK[i];
            vals[s] = oldV[i];
          }
        }
      }
      int s = slot(key, keys);
      if (keys[s] != key) {
        keys[s] = key;
        size++;
      }
      vals[s] = (long) parent << 32 | (edge & 0xFFFFFFFFL);
    }

    int parent(int key) {
      return (int) (vals[slot(key, keys)] >> 32);
    }

    int edge(int key) {
      return (int) vals[slot(key, keys)];
    }
  }
}
