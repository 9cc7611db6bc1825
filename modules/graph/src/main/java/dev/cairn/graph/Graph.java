package dev.cairn.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One property graph, stored column-wise: entity ids index primitive arrays (labels, endpoints, types, adjacency),
 * and each entity's properties are one flat {@code Object[]} of alternating property-key id and value, so an entity
 * costs a few array slots instead of a map. Ids are dense and reused after deletion, as RedisGraph reuses them.
 * Label, relationship type and property key ids are dense from 0 in creation order (the compact reply format and
 * {@code db.labels()} depend on that).
 */
public final class Graph {
  static final int[] NO_INTS = new int[0];
  static final Object[] NO_PROPS = new Object[0];

  final Names labels = new Names();
  final Names types = new Names();
  final Names keys = new Names();

  // nodes
  private int nodeHigh; // ids below this were allocated at some time
  private final BitSet nodeAlive = new BitSet();
  private int[][] nodeLabels = new int[16][];
  private Object[][] nodeProps = new Object[16][];
  private int[][] outAdj = new int[16][];
  private int[] outLen = new int[16];
  private int[][] inAdj = new int[16][];
  private int[] inLen = new int[16];
  private final List<BitSet> labelNodes = new ArrayList<>();
  private int nodeCount;
  /** No node id below this is free: allocation looks from here, not from 0 (a scan from 0 made a load quadratic). */
  private int nodeFree;

  // edges
  private int edgeHigh;
  private final BitSet edgeAlive = new BitSet();
  private int[] edgeSrc = new int[16];
  private int[] edgeDst = new int[16];
  private int[] edgeType = new int[16];
  private Object[][] edgeProps = new Object[16][];
  private int edgeCount;
  /** No edge id below this is free. */
  private int edgeFree;

  /** Keeps reads on reader threads apart from writes on the engine thread. */
  final ReadGate gate = new ReadGate();

  /** GRAPH.CONSTRAINT's constraints, in creation order. */
  final List<Constraints.Constraint> constraints = new ArrayList<>();

  /** Exact-match indexes: label id -> property key id -> value -> node ids. */
  final Map<Integer, Map<Integer, Map<Object, Postings>>> indexes = new HashMap<>();

  /** The running write query's undo log (null outside a query): every change below records its inverse. */
  UndoLog undo;

  /** Starts recording changes (a query begins). */
  void beginUndo() {
    undo = new UndoLog(this);
  }

  /** Forgets the recorded changes (the query succeeded). */
  void commitUndo() {
    undo = null;
  }

  /** Undoes the recorded changes (the query failed): the graph is as the query found it. */
  void rollback() {
    UndoLog u = undo;
    undo = null;
    if (u != null) {
      u.rollback(this);
    }
  }

  /** Relationship indexes: type id -> property key id -> value -> edge ids. */
  final Map<Integer, Map<Integer, Map<Object, Postings>>> edgeIndexes = new HashMap<>();

  boolean createEdgeIndex(int type, int key) {
    Map<Integer, Map<Object, Postings>> byKey = edgeIndexes.computeIfAbsent(type, k -> new HashMap<>());
    if (byKey.containsKey(key)) {
      return false;
    }
    Map<Object, Postings> idx = RangeIndex.create();
    byKey.put(key, idx);
    for (int e = edgeAlive.nextSetBit(0); e >= 0; e = edgeAlive.nextSetBit(e + 1)) {
      Object v = edgeType[e] == type ? prop(false, e, key) : null;
      if (v != null) {
        RangeIndex.add(idx, v, e);
      }
    }
    if (undo != null) {
      undo.objects.add((Runnable) () -> dropEdgeIndex(type, key));
      undo.add(0, UndoLog.INDEX_CHANGE);
    }
    return true;
  }

  boolean dropEdgeIndex(int type, int key) {
    Map<Integer, Map<Object, Postings>> byKey = edgeIndexes.get(type);
    if (byKey == null || byKey.remove(key) == null) {
      return false;
    }
    if (byKey.isEmpty()) {
      edgeIndexes.remove(type);
    }
    if (undo != null) {
      undo.objects.add((Runnable) () -> createEdgeIndex(type, key));
      undo.add(0, UndoLog.INDEX_CHANGE);
    }
    return true;
  }

  /** The index on (type, key), or null. */
  Map<Object, Postings> edgeIndex(int type, int key) {
    Map<Integer, Map<Object, Postings>> byKey = edgeIndexes.get(type);
    return byKey == null ? null : byKey.get(key);
  }

  /** The index on (label, key), or null. */
  Map<Object, Postings> nodeIndex(int label, int key) {
    Map<Integer, Map<Object, Postings>> byKey = indexes.get(label);
    return byKey == null ? null : byKey.get(key);
  }

  private void edgeIndexing(int id, boolean add) {
    Map<Integer, Map<Object, Postings>> byKey = edgeIndexes.isEmpty() ? null : edgeIndexes.get(edgeType[id]);
    if (byKey != null) {
      for (Map.Entry<Integer, Map<Object, Postings>> e : byKey.entrySet()) {
        Object v = prop(false, id, e.getKey());
        if (v != null) {
          if (add) {
            RangeIndex.add(e.getValue(), v, id);
          } else {
            RangeIndex.remove(e.getValue(), v, id);
          }
        }
      }
    }
  }

  /** Full-text indexes by label id, in creation order. */
  final Map<Integer, FullText.Index> fulltext = new java.util.LinkedHashMap<>();

  /** Adds fields to a label's full-text index (creating it); {@code before} is its definition until now. */
  void addFullText(FullText.Index idx, List<FullText.FieldDef> fields, FullText.Index before) {
    idx.fields.addAll(fields);
    idx.rebuild = true;
    fulltext.put(idx.label, idx);
    if (undo != null) {
      undo.objects.add((Runnable) () -> {
        if (before == null) {
          fulltext.remove(idx.label).close();
        } else {
          idx.fields.clear();
          idx.fields.addAll(before.fields);
          idx.close();
        }
      });
      undo.add(0, UndoLog.INDEX_CHANGE);
    }
  }

  void dropFullText(int label) {
    FullText.Index idx = fulltext.remove(label);
    idx.close();
    if (undo != null) {
      undo.objects.add((Runnable) () -> fulltext.put(label, idx));
      undo.add(0, UndoLog.INDEX_CHANGE);
    }
  }

  /** GRAPH.SLOWLOG: the 10 slowest queries, {time millis, command, query, run millis}; not persisted. */
  final List<Object[]> slowlog = new ArrayList<>();

  void slowlog(long now, String command, String query, double millis) {
    if (slowlog.size() == 10) {
      int min = 0;
      for (int i = 1; i < slowlog.size(); i++) {
        if ((Double) slowlog.get(i)[3] < (Double) slowlog.get(min)[3]) {
          min = i;
        }
      }
      if ((Double) slowlog.get(min)[3] >= millis) {
        return;
      }
      slowlog.remove(min);
    }
    slowlog.add(new Object[] {now, command, query, millis});
  }

  /** Dense name registry: id = creation order. */
  static final class Names {
    private final List<String> byId = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();

    int id(String name) {
      Integer i = ids.get(name);
      return i == null ? -1 : i;
    }

    int intern(String name) {
      Integer i = ids.get(name);
      if (i == null) {
        i = byId.size();
        byId.add(name);
        ids.put(name, i);
      }
      return i;
    }

    String name(int id) {
      return byId.get(id);
    }

    int size() {
      return byId.size();
    }

    List<String> all() {
      return byId;
    }

    void truncate(int size) {
      while (byId.size() > size) {
        ids.remove(byId.remove(byId.size() - 1));
      }
    }
  }

  /** Undo: names added by the failed query go, and the id high-water marks return. */
  void truncateSchema(int labelCount, int typeCount, int keyCount, int nodeHigh, int edgeHigh) {
    labels.truncate(labelCount);
    types.truncate(typeCount);
    keys.truncate(keyCount);
    while (labelNodes.size() > labelCount) {
      labelNodes.remove(labelNodes.size() - 1);
    }
    this.nodeHigh = nodeHigh;
    this.edgeHigh = edgeHigh;
  }

  public int nodeCount() {
    return nodeCount;
  }

  public int edgeCount() {
    return edgeCount;
  }

  int nodeHigh() {
    return nodeHigh;
  }

  int edgeHigh() {
    return edgeHigh;
  }

  boolean nodeExists(int id) {
    return id >= 0 && nodeAlive.get(id);
  }

  boolean edgeExists(int id) {
    return id >= 0 && edgeAlive.get(id);
  }

  BitSet nodesAlive() {
    return nodeAlive;
  }

  /** Nodes with a label (live view; copy before mutating the graph while iterating). */
  BitSet nodesWithLabel(int label) {
    return label < 0 || label >= labelNodes.size() ? new BitSet() : labelNodes.get(label);
  }

  BitSet edgesAlive() {
    return edgeAlive;
  }

  // ---- nodes

  int createNode() {
    int id = nodeAlive.nextClearBit(nodeFree);
    nodeFree = id + 1;
    if (id >= nodeLabels.length) {
      int n = Math.max(id + 1, nodeLabels.length * 2);
      nodeLabels = Arrays.copyOf(nodeLabels, n);
      nodeProps = Arrays.copyOf(nodeProps, n);
      outAdj = Arrays.copyOf(outAdj, n);
      outLen = Arrays.copyOf(outLen, n);
      inAdj = Arrays.copyOf(inAdj, n);
      inLen = Arrays.copyOf(inLen, n);
    }
    nodeAlive.set(id);
    nodeLabels[id] = NO_INTS;
    nodeProps[id] = NO_PROPS;
    outAdj[id] = NO_INTS;
    inAdj[id] = NO_INTS;
    outLen[id] = 0;
    inLen[id] = 0;
    nodeHigh = Math.max(nodeHigh, id + 1);
    nodeCount++;
    if (undo != null) {
      undo.add(id, UndoLog.CREATE_NODE);
    }
    return id;
  }

  /** Undo of createNode: the node has no labels, properties or edges left by now. */
  void undoCreateNode(int id) {
    nodeAlive.clear(id);
    nodeFree = Math.min(nodeFree, id);
    nodeLabels[id] = null;
    nodeProps[id] = null;
    outAdj[id] = null;
    inAdj[id] = null;
    nodeCount--;
  }

  /** Undo of deleteNode: the node again, with its id, labels and properties (its edges follow). */
  void undoDeleteNode(int id, int[] labels, Object[] props) {
    nodeAlive.set(id);
    nodeLabels[id] = labels;
    nodeProps[id] = props;
    outAdj[id] = NO_INTS;
    inAdj[id] = NO_INTS;
    outLen[id] = 0;
    inLen[id] = 0;
    nodeCount++;
    for (int l : labels) {
      labelNodes.get(l).set(id);
    }
    indexNode(id);
  }

  /** Deletes a node; its edges must be gone already. */
  void deleteNode(int id) {
    if (undo != null) {
      undo.objects.add(nodeLabels[id]);
      undo.objects.add(nodeProps[id]);
      undo.add(id, UndoLog.DELETE_NODE);
    }
    for (int l : nodeLabels[id]) {
      labelNodes.get(l).clear(id);
    }
    unindexNode(id);
    nodeAlive.clear(id);
    nodeFree = Math.min(nodeFree, id);
    nodeLabels[id] = null;
    nodeProps[id] = null;
    outAdj[id] = null;
    inAdj[id] = null;
    nodeCount--;
  }

  int[] labels(int node) {
    return nodeLabels[node];
  }

  boolean hasLabel(int node, int label) {
    for (int l : nodeLabels[node]) {
      if (l == label) {
        return true;
      }
    }
    return false;
  }

  /** Adds a label; false if the node had it. */
  boolean addLabel(int node, int label) {
    if (hasLabel(node, label)) {
      return false;
    }
    unindexNode(node);
    int[] ls = Arrays.copyOf(nodeLabels[node], nodeLabels[node].length + 1);
    ls[ls.length - 1] = label;
    nodeLabels[node] = ls;
    while (labelNodes.size() <= label) {
      labelNodes.add(new BitSet());
    }
    labelNodes.get(label).set(node);
    indexNode(node);
    if (undo != null) {
      undo.add(node, label, UndoLog.ADD_LABEL);
    }
    return true;
  }

  /** Undo of removeLabel: the label back at its place in the node's label list. */
  void undoRemoveLabel(int node, int label, int pos) {
    unindexNode(node);
    int[] ls = nodeLabels[node];
    int[] n = new int[ls.length + 1];
    System.arraycopy(ls, 0, n, 0, pos);
    n[pos] = label;
    System.arraycopy(ls, pos, n, pos + 1, ls.length - pos);
    nodeLabels[node] = n;
    labelNodes.get(label).set(node);
    indexNode(node);
  }

  boolean removeLabel(int node, int label) {
    int[] ls = nodeLabels[node];
    for (int i = 0; i < ls.length; i++) {
      if (ls[i] == label) {
        unindexNode(node);
        int[] n = new int[ls.length - 1];
        System.arraycopy(ls, 0, n, 0, i);
        System.arraycopy(ls, i + 1, n, i, ls.length - i - 1);
        nodeLabels[node] = n;
        labelNodes.get(label).clear(node);
        indexNode(node);
        if (undo != null) {
          undo.add(node, label, i, UndoLog.REMOVE_LABEL);
        }
        return true;
      }
    }
    return false;
  }

  int outDegree(int node) {
    return outLen[node];
  }

  int inDegree(int node) {
    return inLen[node];
  }

  int[] outEdges(int node) {
    return outAdj[node];
  }

  int[] inEdges(int node) {
    return inAdj[node];
  }

  /** A snapshot of the node's edges (out then in, a self loop once). */
  int[] edgesOf(int node) {
    int[] r = new int[outLen[node] + inLen[node]];
    int n = 0;
    for (int i = 0; i < outLen[node]; i++) {
      r[n++] = outAdj[node][i];
    }
    for (int i = 0; i < inLen[node]; i++) {
      int e = inAdj[node][i];
      if (edgeSrc[e] != node) {
        r[n++] = e;
      }
    }
    return Arrays.copyOf(r, n);
  }

  // ---- edges

  int createEdge(int src, int dst, int type) {
    int id = edgeAlive.nextClearBit(edgeFree);
    edgeFree = id + 1;
    if (id >= edgeSrc.length) {
      int n = Math.max(id + 1, edgeSrc.length * 2);
      edgeSrc = Arrays.copyOf(edgeSrc, n);
      edgeDst = Arrays.copyOf(edgeDst, n);
      edgeType = Arrays.copyOf(edgeType, n);
      edgeProps = Arrays.copyOf(edgeProps, n);
    }
    edgeAlive.set(id);
    edgeSrc[id] = src;
    edgeDst[id] = dst;
    edgeType[id] = type;
    edgeProps[id] = NO_PROPS;
    edgeHigh = Math.max(edgeHigh, id + 1);
    edgeCount++;
    outAdj[src] = append(outAdj[src], outLen[src]++, id);
    inAdj[dst] = append(inAdj[dst], inLen[dst]++, id);
    if (undo != null) {
      undo.add(id, UndoLog.CREATE_EDGE);
    }
    return id;
  }

  /** Undo of createEdge: the edge is the last of its endpoints' lists by now. */
  void undoCreateEdge(int id) {
    int s = edgeSrc[id];
    int d = edgeDst[id];
    outLen[s] = remove(outAdj[s], outLen[s], id);
    inLen[d] = remove(inAdj[d], inLen[d], id);
    edgeAlive.clear(id);
    edgeFree = Math.min(edgeFree, id);
    edgeProps[id] = null;
    edgeCount--;
  }

  /** Undo of deleteEdge: the edge with its id, at its places in its endpoints' lists (traversal order kept). */
  void undoDeleteEdge(int id, int src, int dst, int type, int outPos, int inPos, Object[] props) {
    edgeAlive.set(id);
    edgeSrc[id] = src;
    edgeDst[id] = dst;
    edgeType[id] = type;
    edgeProps[id] = props;
    edgeCount++;
    outAdj[src] = insert(outAdj[src], outLen[src]++, outPos, id);
    inAdj[dst] = insert(inAdj[dst], inLen[dst]++, inPos, id);
    edgeIndexing(id, true);
  }

  private static int[] insert(int[] a, int len, int at, int v) {
    if (len == a.length) {
      a = Arrays.copyOf(a, Math.max(4, a.length * 2));
    }
    System.arraycopy(a, at, a, at + 1, len - at);
    a[at] = v;
    return a;
  }

  private static int indexOf(int[] a, int len, int v) {
    for (int i = 0; i < len; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static int[] append(int[] a, int at, int v) {
    if (at == a.length) {
      a = Arrays.copyOf(a, Math.max(4, a.length * 2));
    }
    a[at] = v;
    return a;
  }

  void deleteEdge(int id) {
    int s = edgeSrc[id];
    int d = edgeDst[id];
    if (undo != null) {
      undo.objects.add(edgeProps[id]);
      undo.add(id, s, d, edgeType[id], indexOf(outAdj[s], outLen[s], id), indexOf(inAdj[d], inLen[d], id),
          UndoLog.DELETE_EDGE);
    }
    edgeIndexing(id, false);
    outLen[s] = remove(outAdj[s], outLen[s], id);
    inLen[d] = remove(inAdj[d], inLen[d], id);
    edgeAlive.clear(id);
    edgeFree = Math.min(edgeFree, id);
    edgeProps[id] = null;
    edgeCount--;
  }

  /** Removes {@code v} keeping the order (traversal order stays creation order). */
  private static int remove(int[] a, int len, int v) {
    for (int i = 0; i < len; i++) {
      if (a[i] == v) {
        System.arraycopy(a, i + 1, a, i, len - i - 1);
        return len - 1;
      }
    }
    return len;
  }

  int src(int edge) {
    return edgeSrc[edge];
  }

  int dst(int edge) {
    return edgeDst[edge];
  }

  int type(int edge) {
    return edgeType[edge];
  }

  // ---- properties: {@code Object[]} of (Integer key, value) pairs

  Object[] props(boolean node, int id) {
    return node ? nodeProps[id] : edgeProps[id];
  }

  Object prop(boolean node, int id, int key) {
    Object[] p = node ? nodeProps[id] : edgeProps[id];
    for (int i = 0; i < p.length; i += 2) {
      if ((Integer) p[i] == key) {
        return p[i + 1];
      }
    }
    return null;
  }

  /** Sets (value null: removes) one property; returns the old value. */
  Object setProp(boolean node, int id, int key, Object value) {
    Object[] p = node ? nodeProps[id] : edgeProps[id];
    if (undo != null) {
      undo.objects.add(p.clone()); // the array may change in place below
      undo.add(node ? 1 : 0, id, UndoLog.SET_PROPS);
    }
    if (node) {
      unindexNode(id);
    } else {
      edgeIndexing(id, false);
    }
    Object old = null;
    int at = -1;
    for (int i = 0; i < p.length; i += 2) {
      if ((Integer) p[i] == key) {
        at = i;
        old = p[i + 1];
        break;
      }
    }
    if (value == null) {
      if (at >= 0) {
        Object[] n = new Object[p.length - 2];
        System.arraycopy(p, 0, n, 0, at);
        System.arraycopy(p, at + 2, n, at, p.length - at - 2);
        p = n;
      }
    } else if (at >= 0) {
      p[at + 1] = value;
    } else {
      p = Arrays.copyOf(p, p.length + 2);
      p[p.length - 2] = key;
      p[p.length - 1] = value;
    }
    if (node) {
      nodeProps[id] = p;
      indexNode(id);
    } else {
      edgeProps[id] = p;
      edgeIndexing(id, true);
    }
    return old;
  }

  /** Undo of setProp: the entity's property array as it was. */
  void undoSetProps(boolean node, int id, Object[] props) {
    if (node) {
      unindexNode(id);
      nodeProps[id] = props;
      indexNode(id);
    } else {
      edgeIndexing(id, false);
      edgeProps[id] = props;
      edgeIndexing(id, true);
    }
  }

  // ---- exact-match indexes on (label, property)

  boolean createIndex(int label, int key) {
    Map<Integer, Map<Object, Postings>> byKey = indexes.computeIfAbsent(label, k -> new HashMap<>());
    if (byKey.containsKey(key)) {
      return false;
    }
    Map<Object, Postings> idx = RangeIndex.create();
    byKey.put(key, idx);
    BitSet nodes = nodesWithLabel(label);
    for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
      Object v = prop(true, n, key);
      if (v != null) {
        RangeIndex.add(idx, v, n);
      }
    }
    if (undo != null) {
      undo.add(label, key, UndoLog.CREATE_INDEX);
    }
    return true;
  }

  boolean dropIndex(int label, int key) {
    Map<Integer, Map<Object, Postings>> byKey = indexes.get(label);
    if (byKey == null || byKey.remove(key) == null) {
      return false;
    }
    if (byKey.isEmpty()) {
      indexes.remove(label);
    }
    if (undo != null) {
      undo.add(label, key, UndoLog.DROP_INDEX);
    }
    return true;
  }

  /** Node ids with {@code label} whose {@code key} equals {@code value}, or null when no index covers it. */
  /** The edges of the type whose indexed property equals {@code value}; null when (type, key) has no index. */
  Postings edgeIndexLookup(int type, int key, Object value) {
    Map<Object, Postings> idx = edgeIndex(type, key);
    if (idx == null) {
      return null;
    }
    Postings b = idx.get(Values.indexKey(value));
    return b == null ? Postings.EMPTY : b;
  }

  Postings indexLookup(int label, int key, Object value) {
    Map<Integer, Map<Object, Postings>> byKey = indexes.get(label);
    Map<Object, Postings> idx = byKey == null ? null : byKey.get(key);
    if (idx == null) {
      return null;
    }
    Postings b = idx.get(Values.indexKey(value));
    return b == null ? Postings.EMPTY : b;
  }

  private void unindexNode(int id) {
    markFullText(id);
    if (indexes.isEmpty()) {
      return;
    }
    for (int l : nodeLabels[id]) {
      Map<Integer, Map<Object, Postings>> byKey = indexes.get(l);
      if (byKey != null) {
        for (Map.Entry<Integer, Map<Object, Postings>> e : byKey.entrySet()) {
          Object v = prop(true, id, e.getKey());
          if (v != null) {
            RangeIndex.remove(e.getValue(), v, id);
          }
        }
      }
    }
  }

  private void markFullText(int id) {
    if (!fulltext.isEmpty()) {
      for (FullText.Index f : fulltext.values()) {
        f.dirty.set(id);
      }
    }
  }

  private void indexNode(int id) {
    markFullText(id);
    if (indexes.isEmpty()) {
      return;
    }
    for (int l : nodeLabels[id]) {
      Map<Integer, Map<Object, Postings>> byKey = indexes.get(l);
      if (byKey != null) {
        for (Map.Entry<Integer, Map<Object, Postings>> e : byKey.entrySet()) {
          Object v = prop(true, id, e.getKey());
          if (v != null) {
            RangeIndex.add(e.getValue(), v, id);
          }
        }
      }
    }
  }

  /** Entities measured one by one by {@link #memoryUsage}; beyond this many, a spread sample of them. */
  static final int MEMORY_SAMPLES = 4096;

  /**
   * Estimated bytes held, for MEMORY USAGE and GRAPH.INFO. The keyspace measures a value after each write to it, so
   * this costs O(samples), not O(graph): up to {@link #MEMORY_SAMPLES} nodes and edges, spread over the id range,
   * stand for the rest (as Redis's MEMORY USAGE samples a collection). A full walk after each batch of a bulk load
   * made the load quadratic.
   */
  long memoryUsage() {
    return memoryUsage(MEMORY_SAMPLES);
  }

  /** As {@link #memoryUsage()}, measuring each entity when there are at most {@code samples} of a kind. */
  long memoryUsage(int samples) {
    long bytes = 64L + nodeLabels.length * (4L * 8 + 8) + edgeSrc.length * (3L * 4 + 8);
    bytes += sampled(samples, nodeAlive, nodeHigh, nodeCount, n -> 16 + nodeLabels[n].length * 4L + 16
        + outAdj[n].length * 4L + 16 + inAdj[n].length * 4L + propBytes(nodeProps[n]));
    bytes += sampled(samples, edgeAlive, edgeHigh, edgeCount, e -> propBytes(edgeProps[e]));
    for (Map<Integer, Map<Object, Postings>> byKey : indexes.values()) {
      bytes += indexBytes(byKey);
    }
    for (Map<Integer, Map<Object, Postings>> byKey : edgeIndexes.values()) {
      bytes += indexBytes(byKey);
    }
    for (FullText.Index f : fulltext.values()) {
      bytes += f.bytes();
    }
    return bytes;
  }

  /** The bytes of the live ids of {@code alive}: each measured when few, else a sample spread over [0, high). */
  private static long sampled(int samples, BitSet alive, int high, int count,
      java.util.function.IntToLongFunction bytesOf) {
    long sum = 0;
    if (count <= samples) {
      for (int id = alive.nextSetBit(0); id >= 0; id = alive.nextSetBit(id + 1)) {
        sum += bytesOf.applyAsLong(id);
      }
      return sum;
    }
    int taken = 0;
    for (int k = 0; k < samples; k++) {
      int id = alive.nextSetBit((int) ((long) k * high / samples));
      if (id >= 0) {
        sum += bytesOf.applyAsLong(id);
        taken++;
      }
    }
    return taken == 0 ? 0 : sum * count / taken;
  }

  /** A TreeMap entry, its key and its postings per value (sampled), and the indexed ids. */
  private static long indexBytes(Map<Integer, Map<Object, Postings>> byKey) {
    long bytes = 0;
    for (Map<Object, Postings> idx : byKey.values()) {
      long ids = 0;
      int seen = 0;
      for (Postings p : idx.values()) {
        ids += p.bytes();
        if (++seen == 64) {
          break;
        }
      }
      bytes += 48 + (seen == 0 ? 0 : idx.size() * (40L + 16 + ids / seen));
    }
    return bytes;
  }

  private static long propBytes(Object[] p) {
    long b = p.length == 0 ? 0 : 16 + p.length * 4L;
    for (int i = 1; i < p.length; i += 2) {
      b += p[i] instanceof String s ? 40 + s.length() : 16;
    }
    return b;
  }

  /** A deep copy (COPY): the same ids, names and indexes. */
  Graph copy() {
    Graph g = new Graph();
    for (String s : labels.all()) {
      g.labels.intern(s);
    }
    for (String s : types.all()) {
      g.types.intern(s);
    }
    for (String s : keys.all()) {
      g.keys.intern(s);
    }
    g.restoreFrom(this);
    return g;
  }

  private void restoreFrom(Graph o) {
    BitSet liveNodes = new BitSet();
    BitSet liveEdges = new BitSet();
    for (int n = 0; n < o.nodeHigh; n++) {
      loadNode(n);
      if (o.nodeExists(n)) {
        liveNodes.set(n);
        for (int l : o.nodeLabels[n]) {
          addLabel(n, l);
        }
        nodeProps[n] = o.nodeProps[n].clone();
      }
    }
    for (int e = 0; e < o.edgeHigh; e++) {
      if (o.edgeExists(e)) {
        liveEdges.set(e);
        loadEdge(e, o.edgeSrc[e], o.edgeDst[e], o.edgeType[e], o.edgeProps[e].clone());
      }
    }
    endLoad(liveNodes, liveEdges);
    for (Map.Entry<Integer, Map<Integer, Map<Object, Postings>>> e : o.indexes.entrySet()) {
      for (Integer k : e.getValue().keySet()) {
        createIndex(e.getKey(), k);
      }
    }
    constraints.addAll(o.constraints); // immutable records
    o.fulltext.forEach((l, f) -> fulltext.put(l, f.copyDefinition())); // built at the first query
    o.edgeIndexes.forEach((t, byKey) -> byKey.keySet().forEach(k -> createEdgeIndex(t, k)));
  }

  /** Loading: recreate a node with a given id (ids below it that stay unused are freed by {@link #endLoad}). */
  int loadNode(int id) {
    while (nodeHigh <= id) {
      createNode();
    }
    return id;
  }

  void loadEdge(int id, int src, int dst, int type, Object[] props) {
    while (edgeHigh < id) {
      createEdge(src, dst, type);
    }
    createEdge(src, dst, type);
    edgeProps[id] = props;
  }

  void setNodeProps(int id, Object[] props) {
    nodeProps[id] = props;
  }

  /** Frees the placeholder ids a load created. */
  void endLoad(BitSet liveNodes, BitSet liveEdges) {
    for (int e = 0; e < edgeHigh; e++) {
      if (edgeExists(e) && !liveEdges.get(e)) {
        deleteEdge(e);
      }
    }
    for (int n = 0; n < nodeHigh; n++) {
      if (nodeExists(n) && !liveNodes.get(n)) {
        deleteNode(n);
      }
    }
  }
}
