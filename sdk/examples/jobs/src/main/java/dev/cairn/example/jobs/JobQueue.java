package dev.cairn.example.jobs;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/** A queue of job payloads, first in first out: the value a {@code JobQueueType} key holds. */
public final class JobQueue implements Iterable<byte[]> {
  private final ArrayDeque<byte[]> jobs = new ArrayDeque<>();

  public void push(byte[] payload) {
    jobs.addLast(payload);
  }

  /** The oldest job, removed; null when empty. */
  public byte[] pop() {
    return jobs.pollFirst();
  }

  public int size() {
    return jobs.size();
  }

  public boolean isEmpty() {
    return jobs.isEmpty();
  }

  @Override
  public Iterator<byte[]> iterator() {
    return jobs.iterator();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof JobQueue q) || q.size() != size()) {
      return false;
    }
    Iterator<byte[]> a = iterator();
    Iterator<byte[]> b = q.iterator();
    while (a.hasNext()) {
      if (!Arrays.equals(a.next(), b.next())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (byte[] j : jobs) {
      h = 31 * h + Arrays.hashCode(j);
    }
    return h;
  }
}
