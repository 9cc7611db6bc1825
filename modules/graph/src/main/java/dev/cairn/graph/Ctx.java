package dev.cairn.graph;

import java.util.HashMap;
import java.util.Map;

/** Per-execution state: the graph, parameters, the statistics the reply reports, the deadline. */
final class Ctx {
  final Graph graph;
  final Map<String, Object> params;
  final Stats stats = new Stats();
  final long deadlineNanos;
  int steps;
  /** Set when the query runs on a worker: a waiting write preempts it at a tick. */
  ReadGate gate;
  private java.time.Instant clock;

  Ctx(Graph graph, Map<String, Object> params, long timeoutMillis) {
    this(graph, params, timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : Long.MAX_VALUE, null);
  }

  /** A run with an absolute deadline ({@code System.nanoTime()}), preempted through {@code gate} when not null. */
  Ctx(Graph graph, Map<String, Object> params, long deadlineNanos, ReadGate gate) {
    this.graph = graph;
    this.params = params == null ? new HashMap<>() : params;
    this.deadlineNanos = deadlineNanos;
    this.gate = gate;
  }

  /** The statement clock: the instant the query first asked for the time (date(), datetime(), ...). */
  java.time.Instant clock() {
    if (clock == null) {
      clock = java.time.Instant.now();
    }
    return clock;
  }

  /**
   * Steps a read run inline on the engine thread may take before it gives way to a reader thread
   * ({@link OverBudget}); unlimited elsewhere.
   */
  long budget = Long.MAX_VALUE;

  /** Thrown by {@link #tick} when an inline read spent its budget: it is abandoned and runs again on a reader. */
  static final class OverBudget extends RuntimeException {
    OverBudget() {
      super(null, null, false, false);
    }
  }

  static final OverBudget OVER_BUDGET = new OverBudget();

  /**
   * Called in loops; every 256 steps checks the budget, and every 4096 the timeout (and, on a worker, whether a
   * write waits).
   */
  void tick() {
    if ((++steps & 255) == 0) {
      if (steps > budget) {
        throw OVER_BUDGET;
      }
      if ((steps & 4095) == 0) {
        if (System.nanoTime() > deadlineNanos) {
          throw new CypherException("Timeout", "Query timed out");
        }
        if (gate != null) {
          gate.check();
        }
      }
    }
  }

  /** RedisGraph's statistics, in its order. */
  static final class Stats {
    long labelsAdded;
    long labelsRemoved;
    long nodesCreated;
    long nodesDeleted;
    long propertiesSet;
    long propertiesRemoved;
    long relationshipsCreated;
    long relationshipsDeleted;
    long indicesCreated;
    long indicesDeleted;
    /** Constraints created by db.createConstraint (RedisGraph has no statistics line for them). */
    long constraintsChanged;

    boolean wrote() {
      return labelsAdded + labelsRemoved + nodesCreated + nodesDeleted + propertiesSet + propertiesRemoved
          + relationshipsCreated + relationshipsDeleted + indicesCreated + indicesDeleted + constraintsChanged > 0;
    }
  }
}
