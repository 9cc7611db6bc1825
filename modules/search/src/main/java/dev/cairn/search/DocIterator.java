package dev.cairn.search;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A query node's matching documents in ascending doc id order, produced on demand: {@link #next} and
 * {@link #advance} return the new current doc id ({@link #END} when exhausted) and never go backwards. Intersections
 * leapfrog their children (the cheapest leads), unions take the least child, negations walk the live documents past
 * the child's matches: nothing is materialised per query node. A new kind of query node plugs in by returning any
 * iterator from {@link QueryEval} (a node that computes its matches at once, as a vector search does, wraps its sorted
 * ids in {@link Ids}).
 */
abstract class DocIterator {
  static final int END = Integer.MAX_VALUE;
  /**
   * Children from which a union keeps them in a heap by current doc (each step moves only the children behind the
   * target, in log time) instead of looking at every child per document.
   */
  static final int HEAP_MIN = 3;
  /**
   * The same for a term's words (a prefix's expansions): their cursors are cheap to compare, and a dense prefix moves
   * most of them at every document, so a scan of up to 15 beats the heap's reordering (a prefix matching all 20,000
   * documents of bench/search-compare.py through 10 words: 4.1 -> 3.5 ms).
   */
  static final int TERMS_HEAP_MIN = 16;

  /** The current doc id: -1 before the first call, {@link #END} after the last. */
  int doc = -1;

  /** Moves to the next matching document. */
  int next() {
    return advance(doc + 1);
  }

  /** Moves to the first matching document at or after {@code target}; stays when already there. */
  abstract int advance(int target);

  /** An upper bound of the matches, to order an intersection's children. */
  abstract long cost();

  /** Whether the iterator matches {@code d}, moving forward to it when behind (calls must not go backwards). */
  final boolean at(int d) {
    if (doc < d) {
      advance(d);
    }
    return doc == d;
  }

  /** Matches nothing. */
  static final class Empty extends DocIterator {
    @Override
    int advance(int target) {
      return doc = END;
    }

    @Override
    long cost() {
      return 0;
    }
  }

  /** Sorted doc ids (tag values, numeric ranges, precomputed sets). */
  static final class Ids extends DocIterator {
    private final int[] ids;
    private final int size;
    private int i = -1;

    Ids(int[] ids, int size) {
      this.ids = ids;
      this.size = size;
    }

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      int j = i + 1;
      if (j < size && ids[j] < target) { // gallop, then binary search
        int step = 1;
        int hi = j;
        while (hi < size && ids[hi] < target) {
          j = hi;
          hi += step;
          step <<= 1;
        }
        int k = Arrays.binarySearch(ids, j, Math.min(hi, size), target);
        j = k >= 0 ? k : -k - 1;
      }
      i = j;
      return doc = j < size ? ids[j] : END;
    }

    @Override
    long cost() {
      return size;
    }
  }

  /** Doc ids set in a bit map (a dense numeric range: no array of ids to sort). */
  static final class Bits extends DocIterator {
    private final long[] words;
    private final int count;

    Bits(long[] words, int count) {
      this.words = words;
      this.count = count;
    }

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      int w = target >>> 6;
      if (w >= words.length) {
        return doc = END;
      }
      long x = words[w] & (-1L << target);
      while (x == 0) {
        if (++w == words.length) {
          return doc = END;
        }
        x = words[w];
      }
      return doc = (w << 6) + Long.numberOfTrailingZeros(x);
    }

    @Override
    long cost() {
      return count;
    }
  }

  /** Every live document of the index. */
  static final class All extends DocIterator {
    private final DocTable docs;

    All(DocTable docs) {
      this.docs = docs;
    }

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      for (int d = Math.max(target, 0); d < docs.size(); d++) {
        if (docs.isLive(d)) {
          return doc = d;
        }
      }
      return doc = END;
    }

    @Override
    long cost() {
      return docs.size();
    }
  }

  /** Documents the child matches, that also pass a test. */
  static final class Filtered extends DocIterator {
    private final DocIterator child;
    private final IntPredicate test;

    Filtered(DocIterator child, IntPredicate test) {
      this.child = child;
      this.test = test;
    }

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      int d = child.advance(target);
      while (d != END && !test.test(d)) {
        d = child.next();
      }
      return doc = d;
    }

    @Override
    long cost() {
      return child.cost();
    }
  }

  /** Documents at least one child matches: the least current child. */
  static final class Union extends DocIterator {
    final DocIterator[] children;

    Union(DocIterator[] children) {
      this.children = children;
    }

    /** With {@value #HEAP_MIN} children or more: child indexes in a min-heap by their current doc, once built. */
    private int[] heap;

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      if (children.length < HEAP_MIN) {
        int min = END;
        for (DocIterator c : children) {
          int d = c.doc < target ? c.advance(target) : c.doc;
          if (d < min) {
            min = d;
          }
        }
        return doc = min;
      }
      if (heap == null) {
        heap = new int[children.length];
        for (int i = 0; i < heap.length; i++) {
          children[i].advance(target);
          heap[i] = i;
        }
        for (int i = heap.length / 2 - 1; i >= 0; i--) {
          down(i);
        }
      }
      DocIterator top;
      while ((top = children[heap[0]]).doc < target) { // only the children behind the target move
        top.advance(target);
        down(0);
      }
      return doc = top.doc;
    }

    private void down(int i) {
      int n = heap.length;
      int h = heap[i];
      int d = children[h].doc;
      while (true) {
        int l = 2 * i + 1;
        if (l >= n) {
          break;
        }
        int r = l + 1;
        int m = r < n && children[heap[r]].doc < children[heap[l]].doc ? r : l;
        if (children[heap[m]].doc >= d) {
          break;
        }
        heap[i] = heap[m];
        i = m;
      }
      heap[i] = h;
    }

    @Override
    long cost() {
      long s = 0;
      for (DocIterator c : children) {
        s += c.cost();
      }
      return s;
    }
  }

  /**
   * Documents every child matches (leapfrog from the cheapest child), that also pass {@code check} when given (a
   * phrase's or slop's positions).
   */
  static final class Intersect extends DocIterator {
    private final DocIterator[] children;
    private final IntPredicate check;

    Intersect(DocIterator[] children, IntPredicate check) {
      this.children = children.clone();
      Arrays.sort(this.children, (a, b) -> Long.compare(a.cost(), b.cost()));
      this.check = check;
    }

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      DocIterator lead = children[0];
      int d = lead.advance(target);
      outer:
      while (d != END) {
        for (int i = 1; i < children.length; i++) {
          int x = children[i].advance(d);
          if (x > d) {
            d = lead.advance(x);
            continue outer;
          }
        }
        if (check == null || check.test(d)) {
          return doc = d;
        }
        d = lead.advance(d + 1);
      }
      return doc = END;
    }

    @Override
    long cost() {
      return children[0].cost();
    }
  }

  /** Live documents the child does not match. */
  static final class Not extends DocIterator {
    private final DocIterator all;
    private final DocIterator child;

    Not(DocIterator all, DocIterator child) {
      this.all = all;
      this.child = child;
    }

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      int d = all.advance(target);
      while (d != END && child.at(d)) {
        d = all.next();
      }
      return doc = d;
    }

    @Override
    long cost() {
      return all.cost();
    }
  }

  /** A term's words (the word, its stem, phonetic codes, synonyms, or a pattern's expansions) restricted to fields. */
  static final class Terms extends DocIterator {
    final String[] words;
    final PostingList[] lists; // null where the word has no postings
    final PostingList.Cursor[] cursors;
    private final long[] mask;
    /** Scratch of the phrase check: how many positions it read for the current document. */
    int npos;
    /** FT.PROFILE: the documents each word's cursor stopped at (null when not profiling). */
    long[] reads;

    Terms(String[] words, PostingList[] lists, long[] mask) {
      this.words = words;
      this.lists = lists;
      this.mask = mask;
      cursors = new PostingList.Cursor[lists.length];
      int n = 0;
      for (int i = 0; i < lists.length; i++) {
        cursors[i] = lists[i] == null ? null : lists[i].cursor();
        n += lists[i] == null ? 0 : 1;
      }
      live = n;
    }

    /** Words with postings (cursors not null). */
    private final int live;

    /** With {@link #TERMS_HEAP_MIN} words with postings or more: their cursors in a min-heap by doc, once built. */
    private PostingList.Cursor[] heap;

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      if (heap == null) {
        if (live < TERMS_HEAP_MIN) {
          int min = END;
          for (PostingList.Cursor c : cursors) {
            if (c == null) {
              continue;
            }
            int d = c.doc < target ? seek(c, target) : c.doc;
            if (d < min) {
              min = d;
            }
          }
          return doc = min;
        }
        heap = new PostingList.Cursor[live];
        int n = 0;
        for (PostingList.Cursor c : cursors) {
          if (c != null) {
            if (c.doc < target) {
              seek(c, target);
            }
            heap[n++] = c;
          }
        }
        for (int i = n / 2 - 1; i >= 0; i--) {
          down(i);
        }
      }
      PostingList.Cursor top;
      while ((top = heap[0]).doc < target) { // a prefix's many words: only the cursors behind the target move
        seek(top, target);
        down(0);
      }
      return doc = top.doc;
    }

    private void down(int i) {
      PostingList.Cursor[] h = heap;
      int n = h.length;
      PostingList.Cursor c = h[i];
      int d = c.doc;
      while (true) {
        int l = 2 * i + 1;
        if (l >= n) {
          break;
        }
        int r = l + 1;
        int m = r < n && h[r].doc < h[l].doc ? r : l;
        if (h[m].doc >= d) {
          break;
        }
        h[i] = h[m];
        i = m;
      }
      h[i] = c;
    }

    private int seek(PostingList.Cursor c, int target) {
      int d = c.advance(target);
      while (d != END && mask != null && !c.inFields(mask)) {
        d = c.next();
      }
      if (reads != null && d != END) {
        count(c);
      }
      return d;
    }

    private void count(PostingList.Cursor c) {
      for (int i = 0; i < cursors.length; i++) {
        if (cursors[i] == c) {
          reads[i]++;
          return;
        }
      }
    }

    /** Whether word {@code i} occurs in {@code d} within the fields (moving its cursor forward to d). */
    boolean on(int i, int d) {
      PostingList.Cursor c = cursors[i];
      if (c == null) {
        return false;
      }
      if (c.doc < d) {
        seek(c, d);
      }
      return c.doc == d;
    }

    @Override
    long cost() {
      long s = 0;
      for (PostingList l : lists) {
        s += l == null ? 0 : l.size();
      }
      return s;
    }
  }

  /** A tag query's values (prefixes expanded), each with its documents. */
  static final class Tags extends DocIterator {
    final String[] values;
    final DocIdSet[] sets;
    final DocIterator[] its;
    private final Union union;

    /** {@code reads}: FT.PROFILE's count per value (null when not profiling). */
    Tags(String[] values, DocIdSet[] sets, long[] reads) {
      this.values = values;
      this.sets = sets;
      its = new DocIterator[sets.length];
      for (int i = 0; i < sets.length; i++) {
        its[i] = reads == null ? sets[i].iterator() : new CountedIterator.Part(sets[i].iterator(), reads, i);
      }
      union = new Union(its);
    }

    @Override
    int advance(int target) {
      return doc = union.advance(target);
    }

    @Override
    long cost() {
      return union.cost();
    }
  }
}
