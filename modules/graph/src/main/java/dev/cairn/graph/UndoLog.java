package dev.cairn.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * What a write query changed, so that a query that fails can be undone and leave the graph as it found it (as
 * RedisGraph's undo log does). Changes are appended as an int stream (operands first, the op code last, so it reads
 * backwards) with their object payloads (deleted entities' labels and properties, replaced property arrays) beside it;
 * creating a node or an edge costs two ints, so a query that loads a large graph keeps its log small.
 */
final class UndoLog {
  static final int CREATE_NODE = 1;
  static final int CREATE_EDGE = 2;
  static final int ADD_LABEL = 3;
  static final int REMOVE_LABEL = 4;
  static final int DELETE_NODE = 5;
  static final int DELETE_EDGE = 6;
  static final int SET_PROPS = 7;
  static final int CREATE_INDEX = 8;
  static final int DROP_INDEX = 9;
  static final int INDEX_CHANGE = 10;

  private int[] ints = new int[64];
  private int n;
  final List<Object> objects = new ArrayList<>();

  // the schema as the query found it: names are only appended, so their counts are enough to undo them
  final int labelCount;
  final int typeCount;
  final int keyCount;
  final int nodeHigh;
  final int edgeHigh;
  final List<Constraints.Constraint> constraints;

  UndoLog(Graph g) {
    labelCount = g.labels.size();
    typeCount = g.types.size();
    keyCount = g.keys.size();
    nodeHigh = g.nodeHigh();
    edgeHigh = g.edgeHigh();
    constraints = List.copyOf(g.constraints);
  }

  void add(int a, int op) {
    ensure(2);
    ints[n++] = a;
    ints[n++] = op;
  }

  void add(int a, int b, int op) {
    ensure(3);
    ints[n++] = a;
    ints[n++] = b;
    ints[n++] = op;
  }

  void add(int a, int b, int c, int op) {
    ensure(4);
    ints[n++] = a;
    ints[n++] = b;
    ints[n++] = c;
    ints[n++] = op;
  }

  void add(int a, int b, int c, int d, int e, int f, int op) {
    ensure(7);
    ints[n++] = a;
    ints[n++] = b;
    ints[n++] = c;
    ints[n++] = d;
    ints[n++] = e;
    ints[n++] = f;
    ints[n++] = op;
  }

  private void ensure(int k) {
    if (n + k > ints.length) {
      ints = java.util.Arrays.copyOf(ints, Math.max(n + k, ints.length * 2));
    }
  }

  boolean isEmpty() {
    return n == 0;
  }

  /** Undoes every change, newest first. The graph must not record while this runs. */
  void rollback(Graph g) {
    int obj = objects.size();
    int i = n;
    while (i > 0) {
      int op = ints[--i];
      switch (op) {
        case CREATE_NODE -> g.undoCreateNode(ints[--i]);
        case CREATE_EDGE -> g.undoCreateEdge(ints[--i]);
        case ADD_LABEL -> {
          int label = ints[--i];
          g.removeLabel(ints[--i], label);
        }
        case REMOVE_LABEL -> {
          int pos = ints[--i];
          int label = ints[--i];
          g.undoRemoveLabel(ints[--i], label, pos);
        }
        case DELETE_NODE -> {
          Object[] props = (Object[]) objects.get(--obj);
          int[] labels = (int[]) objects.get(--obj);
          g.undoDeleteNode(ints[--i], labels, props);
        }
        case DELETE_EDGE -> {
          int inPos = ints[--i];
          int outPos = ints[--i];
          int type = ints[--i];
          int dst = ints[--i];
          int src = ints[--i];
          g.undoDeleteEdge(ints[--i], src, dst, type, outPos, inPos, (Object[]) objects.get(--obj));
        }
        case SET_PROPS -> {
          int id = ints[--i];
          g.undoSetProps(ints[--i] == 1, id, (Object[]) objects.get(--obj));
        }
        case CREATE_INDEX -> {
          int key = ints[--i];
          g.dropIndex(ints[--i], key);
        }
        case DROP_INDEX -> {
          int key = ints[--i];
          g.createIndex(ints[--i], key);
        }
        case INDEX_CHANGE -> {
          i--;
          ((Runnable) objects.get(--obj)).run();
        }
        default -> throw new IllegalStateException("undo log op " + op);
      }
    }
    g.constraints.clear();
    g.constraints.addAll(constraints);
    g.truncateSchema(labelCount, typeCount, keyCount, nodeHigh, edgeHigh);
  }
}
