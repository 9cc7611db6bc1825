package dev.cairn.core.cluster;

import java.util.Iterator;
import java.util.Map;

/** Failure reports: which masters said a node is unreachable, and when; reports older than twice the timeout lapse. */
final class Failures {
  private Failures() {}

  static long validity(Cluster c) {
    return c.params.nodeTimeout.value * 2;
  }

  /** Drops lapsed reports and counts the rest. */
  static int count(Cluster c, ClusterNode n) {
    long oldest = c.now() - validity(c);
    Iterator<Map.Entry<ClusterNode, Long>> it = n.failReports.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() < oldest) {
        it.remove();
      }
    }
    return n.failReports.size();
  }

  /** Records (or refreshes) {@code sender}'s report that {@code n} is failing; true if it is a new report. */
  static boolean add(Cluster c, ClusterNode n, ClusterNode sender) {
    return n.failReports.put(sender, c.now()) == null;
  }

  static boolean remove(ClusterNode n, ClusterNode sender) {
    return n.failReports.remove(sender) != null;
  }
}
