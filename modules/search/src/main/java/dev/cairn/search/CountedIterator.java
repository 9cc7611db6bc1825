package dev.cairn.search;

/**
 * FT.PROFILE's view of one iterator, as RediSearch's profile iterator: the documents it stopped at (its "Counter")
 * and the time its calls took (children's time included), counted while the query runs. {@link QueryEval} puts one
 * around every query node's iterator only when profiling, so a search that is not profiled runs without it. The
 * node's own iterator stays on the node ({@link QueryNode#iterator}) for the scorer and the phrase checks, which read
 * its current entry; the parent holds the wrapper, so the counts are what the parent pulled.
 */
final class CountedIterator extends DocIterator {
  /** The counts of one query node's iterator. */
  static final class Stats {
    long counter;
    long nanos;
    /** A term's words' or a tag query's values' readers: the documents each stopped at. */
    long[] parts;
  }

  private final DocIterator inner;
  final Stats stats;

  CountedIterator(DocIterator inner, Stats stats) {
    this.inner = inner;
    this.stats = stats;
  }

  @Override
  int advance(int target) {
    if (doc >= target) {
      return doc;
    }
    long t0 = System.nanoTime();
    int d = inner.advance(target);
    stats.nanos += System.nanoTime() - t0;
    if (d != END) {
      stats.counter++; // a new document: the call moved past the last one (advance never stays behind the target)
    }
    return doc = d;
  }

  @Override
  long cost() {
    return inner.cost();
  }

  /** One reader of a union counted in its own slot (a tag query's values). */
  static final class Part extends DocIterator {
    private final DocIterator inner;
    private final long[] counts;
    private final int slot;

    Part(DocIterator inner, long[] counts, int slot) {
      this.inner = inner;
      this.counts = counts;
      this.slot = slot;
    }

    @Override
    int advance(int target) {
      if (doc >= target) {
        return doc;
      }
      int d = inner.advance(target);
      if (d != END) {
        counts[slot]++;
      }
      return doc = d;
    }

    @Override
    long cost() {
      return inner.cost();
    }
  }
}
