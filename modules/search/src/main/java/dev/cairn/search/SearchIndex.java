package dev.cairn.search;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One index's data, held in memory and changed in place on the engine thread, so a write is searchable before the
 * next command runs: a document table (key to doc id), a sorted term dictionary of text postings ({@link PostingList}:
 * doc ids in order with frequency, field mask, positions), tag value sets ({@link DocIdSet}), numeric columns per field
 * and their sorted form for ranges ({@link NumericIndex}).
 *
 * <p>Positions run on across a document's text fields, as RediSearch counts them (a JSON array's elements are
 * {@value #ARRAY_GAP} apart, RediSearch's default multi-value slop).
 */
final class SearchIndex {
  /** Gap between the positions of a JSON array's elements. */
  static final int ARRAY_GAP = 100;

  final IndexDefinition def;
  private Filter.Expr filter;
  final Analyzer analyzer;
  /** The documents, by doc id. */
  final DocTable table = new DocTable();
  /** The term dictionary in order (prefixes, automata, FT.INFO); {@link #postings} finds a term in O(1). */
  final TreeMap<String, PostingList> terms = new TreeMap<>();
  private final HashMap<String, PostingList> termLookup = new HashMap<>();
  /** Postings by term id (documents' forward lists hold term ids); ids of dropped terms are reused. */
  private PostingList[] termsById = new PostingList[64];
  private int termIds;
  private int[] freeTermIds = new int[8];
  private int freeTermCount;
  final Map<String, TreeMap<String, DocIdSet>> tags = new HashMap<>(); // per attribute: value -> docs
  final Map<String, double[]> numerics = new HashMap<>(); // per attribute: value by doc id (NaN: none)
  /** Per numeric column: its (value, doc) pairs in order, for ranges. */
  final Map<String, NumericIndex> ranges = new HashMap<>();
  /** Per numeric column: all values of the documents that have more than one (JSON arrays); the column has the first. */
  final Map<String, Map<Integer, double[]>> multi = new HashMap<>();
  final Map<String, List<String>> synonyms = new TreeMap<>(); // group id -> terms
  long liveDocs;
  long totalLength;
  /** Sum of the documents' {@code docLen}: RediSearch's average document length is this over the documents. */
  long totalDocLen;
  long termOccurrences;
  long indexingFailures;
  String lastIndexingError;
  String lastIndexingErrorKey;
  /** FT.INFO: queries run (number_of_uses), dialects used (bit d), time spent indexing. */
  long uses;
  int dialectsUsed;
  long indexingNanos;
  /** The key whose "new" event just failed to index (its command's own event follows). */
  private String failedOnNew;
  boolean indexing;
  double percentIndexed = 1;
  long scanned;

  SearchIndex(IndexDefinition def) {
    this.def = def;
    this.analyzer = new Analyzer(def.language);
    this.filter = def.filter == null ? null : Filter.parse(def.filter);
  }

  /**
   * A document's handle, read through to the {@link DocTable}: made when asked for (a page of results, an aggregation
   * row, EXPLAINSCORE), never kept by the index.
   */
  static final class Doc {
    final SearchIndex index;
    final int id;

    Doc(SearchIndex index, int id) {
      this.index = index;
      this.id = id;
    }

    byte[] keyBytes() {
      return index.table.key(id);
    }

    String key() {
      return new String(keyBytes(), StandardCharsets.UTF_8);
    }

    double score() {
      return index.table.score(id);
    }

    int maxFreq() {
      return index.table.maxFreq(id);
    }

    int docLen() {
      return index.table.docLen(id);
    }

    /** The PAYLOAD_FIELD's value (HAMMING), or null. */
    byte[] payload() {
      return index.table.payload(id);
    }

    /** Sortable values by attribute, or null. */
    Map<String, String> sortables() {
      return index.table.sortables(id);
    }
  }

  /** The live document with this id, or null. */
  Doc doc(int id) {
    return table.isLive(id) ? new Doc(this, id) : null;
  }

  /** The document at this key, or null. */
  Doc doc(String key) {
    int id = table.find(key);
    return id < 0 ? null : new Doc(this, id);
  }

  /** The id of the document the last {@link #update} indexed, or -1 (the indexer notes its key's expiry on it). */
  int lastUpdated = -1;

  double docScore(int id) {
    return table.score(id);
  }

  int docMaxFreq(int id) {
    return table.maxFreq(id);
  }

  int docLen(int id) {
    return table.docLen(id);
  }

  /** Whether the document's key had a time to live when indexed (a search then checks that it is still there). */
  boolean mayExpire(int id) {
    return table.mayExpire(id);
  }

  /** Indexing scratch, reused from document to document: the entry each term of the document will get. */
  private int stamp;
  private final ArrayList<PostingList> touched = new ArrayList<>();
  private int[] slotFreq = new int[64];
  private long[] slotMask0 = new long[64];
  private long[] slotMask1 = new long[64];
  private int[][] slotPos = new int[64][];
  private int[] slotNpos = new int[64];
  private final ArrayList<String> tagScratch = new ArrayList<>();
  private int[] termIdScratch = new int[64];
  private final ArrayList<String> tokenScratch = new ArrayList<>();

  /** The postings of a term, or null. */
  PostingList postings(String term) {
    return termLookup.get(term);
  }

  /** Ids handed out (the highest doc id + 1). */
  int maxDocId() {
    return table.size();
  }

  /**
   * Indexes (or re-indexes) the document at {@code key}; fields null removes it. A field's value is a String, or a
   * List of Strings for a multi-valued JSON attribute (an array, or a path with several matches).
   */
  void update(byte[] key, Map<String, ?> fields) {
    update(key, fields, false);
  }

  /**
   * As {@link #update(byte[], Map)}; {@code isNew} for the "new" event of a key that a command then reports again
   * (a JSON.SET that creates a document): a document failing on both counts one failure.
   */
  void update(byte[] key, Map<String, ?> fields, boolean isNew) {
    String k = new String(key, StandardCharsets.UTF_8);
    lastUpdated = -1;
    String failedBefore = failedOnNew;
    failedOnNew = null;
    remove(key);
    if (fields == null) {
      return;
    }
    if (filter != null) {
      Map<String, String> env = new HashMap<>();
      fields.forEach((f, v) -> env.put(f, first(v)));
      for (FieldSpec f : def.fields.values()) { // JSON attributes are named by their AS names
        String v = first(fields.get(f.identifier));
        if (v != null) {
          env.putIfAbsent(f.attribute, v);
        }
      }
      env.put("__key", k);
      if (!Filter.truthy(filter.eval(env))) {
        return;
      }
    }
    int id = table.reserve();
    long t0 = System.nanoTime();
    try {
      index(id, fields);
      indexingNanos += System.nanoTime() - t0;
    } catch (RuntimeException e) {
      unindex(id);
      table.release(id);
      if (isNew) {
        failedOnNew = k;
      }
      if (isNew || !k.equals(failedBefore)) {
        indexingFailures++;
      }
      lastIndexingError = e.getMessage();
      lastIndexingErrorKey = k;
      return;
    }
    table.bind(id, key);
    lastUpdated = id;
    liveDocs++;
    totalLength += table.length(id);
    totalDocLen += table.docLen(id);
  }

  /** A field value's first (or only) string; null for none. */
  static String first(Object v) {
    if (v instanceof JsonSource.Bad) {
      return null;
    }
    if (v instanceof byte[] b) { // a VECTOR field's blob, read as bytes
      return new String(b, StandardCharsets.UTF_8);
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? null : (String) l.get(0);
    }
    return (String) v;
  }

  private static List<?> values(Object v) {
    return v instanceof List<?> l ? l : List.of(v);
  }

  private void index(int id, Map<String, ?> fields) {
    String s = def.scoreField == null ? null : first(fields.get(def.scoreField));
    double score = def.defaultScore;
    if (s != null) {
      try {
        score = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        score = def.defaultScore;
      }
    }
    table.score(id, score);
    String pl = def.payloadField == null ? null : first(fields.get(def.payloadField));
    table.payload(id, pl == null ? null : pl.getBytes(StandardCharsets.ISO_8859_1));
    String lang = def.languageField == null ? null : first(fields.get(def.languageField)); // the document's own
    lang = lang == null ? def.language : Analyzer.language(lang);
    if (lang == null) {
      lang = def.language;
    }
    int pos = 0;
    stamp++;
    touched.clear();
    tagScratch.clear();
    for (FieldSpec f : def.fields.values()) {
      Object raw = fields.get(f.identifier);
      if (raw == null || raw instanceof List<?> l && l.isEmpty()) {
        continue;
      }
      if (raw instanceof JsonSource.Bad b) {
        throw new IllegalArgumentException(b.message());
      }
      String v = first(raw);
      if (f.sortable) {
        table.sortable(id, f.attribute, f.type == FieldSpec.Type.TEXT && !f.unf ? v.toLowerCase(Locale.ROOT) : v);
      }
      if (f.noIndex) {
        continue;
      }
      switch (f.type) {
        case TEXT -> {
          boolean firstValue = true;
          for (Object value : values(raw)) {
            if (!firstValue) {
              pos += ARRAY_GAP; // array elements: a phrase does not run from one into the next
            }
            firstValue = false;
            analyzer.indexTokens((String) value, tokenScratch);
            for (int t = 0; t < tokenScratch.size(); t++) {
              String tok = tokenScratch.get(t);
              if (def.stopwords.contains(tok)) {
                continue;
              }
              pos++;
              addTerm(tok, f, pos, false);
              if (!f.noStem) {
                String st = analyzer.stem(tok, lang);
                if (st != null) {
                  addTerm("+" + st, f, pos, true);
                }
              }
              if (f.phonetic) {
                for (String code : analyzer.phonetic(tok)) {
                  addTerm(code, f, pos, false);
                }
              }
              table.addToken(id, Scorer.freqStep(f.weight, false));
            }
          }
        }
        case TAG -> {
          TreeMap<String, DocIdSet> t = tags.computeIfAbsent(f.attribute, x -> new TreeMap<>());
          for (Object value : values(raw)) {
            String text = (String) value;
            for (int from = 0, to; from <= text.length(); from = to + 1) {
              to = text.indexOf(f.separator, from);
              if (to < 0) {
                to = text.length();
              }
              String tag = text.substring(from, to).strip();
              if (tag.isEmpty()) {
                continue;
              }
              if (!f.caseSensitive) {
                tag = tag.toLowerCase(Locale.ROOT);
              }
              DocIdSet set = t.get(tag);
              if (set == null) {
                t.put(tag, set = new DocIdSet());
              } else {
                tag = t.ceilingKey(tag); // the map's own instance: the document's tag list shares it
              }
              set.add(id);
              tagScratch.add(f.attribute);
              tagScratch.add(tag);
            }
          }
        }
        case NUMERIC -> {
          List<?> all = values(raw);
          double[] ns = new double[all.size()];
          for (int i = 0; i < ns.length; i++) {
            String x = (String) all.get(i);
            try {
              ns[i] = Double.parseDouble(x.strip());
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("Invalid numeric value: '" + x + "'");
            }
          }
          setNumeric(f.attribute, id, ns[0]);
          if (ns.length > 1) {
            multi.computeIfAbsent(f.attribute, x -> new HashMap<>()).put(id, ns);
          }
          NumericIndex ni = ranges.computeIfAbsent(f.attribute, x -> new NumericIndex());
          for (double n : ns) {
            ni.add(n, id);
          }
        }
        case GEO -> {
          List<?> all = values(raw);
          double[] lons = new double[all.size()];
          double[] lats = new double[all.size()];
          for (int i = 0; i < lons.length; i++) {
            String[] parts = ((String) all.get(i)).strip().split("[, ]+");
            try {
              lons[i] = Double.parseDouble(parts[0]);
              lats[i] = Double.parseDouble(parts.length == 2 ? parts[1] : "x");
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("Invalid geo string");
            }
            if (Math.abs(lons[i]) > 180 || Math.abs(lats[i]) > 85.05112878) {
              throw new IllegalArgumentException("Invalid geo string");
            }
          }
          setNumeric(f.attribute + LON, id, lons[0]); // a geo point is two numeric columns
          setNumeric(f.attribute + LAT, id, lats[0]);
          if (lons.length > 1) {
            multi.computeIfAbsent(f.attribute + LON, x -> new HashMap<>()).put(id, lons);
            multi.computeIfAbsent(f.attribute + LAT, x -> new HashMap<>()).put(id, lats);
          }
          NumericIndex ni = ranges.computeIfAbsent(f.attribute + LAT, x -> new NumericIndex());
          for (double lat : lats) { // a radius query reads the band of latitudes it covers
            ni.add(lat, id);
          }
        }
        case VECTOR -> vectorStore(f).put(id, VectorFields.decode(f, raw));
        case GEOSHAPE -> shapeStore(f).put(id, v);
      }
    }
    flush(id);
  }

  /** Gives each term the document touched its entry, and the document the list of its postings and tags. */
  private void flush(int id) {
    int n = touched.size();
    if (termIdScratch.length < n) {
      termIdScratch = new int[Math.max(n, termIdScratch.length * 2)];
    }
    int maxFreq = 0;
    for (int k = 0; k < n; k++) {
      PostingList pl = touched.get(k);
      termIdScratch[k] = pl.id;
      pl.add(id, slotFreq[k], slotMask0[k], slotMask1[k], slotPos[k], slotNpos[k]);
      termOccurrences += slotFreq[k];
      // over every entry, stems and phonetic codes included, as RediSearch's forward index
      maxFreq = Math.max(maxFreq, slotFreq[k]);
    }
    table.maxFreq(id, maxFreq);
    Arrays.sort(termIdScratch, 0, n);
    table.forward(id, termIdScratch, n);
    table.tags(id, tagScratch.isEmpty() ? null : tagScratch.toArray(new String[0]));
  }

  /** VECTOR and GEOSHAPE fields' stores, by attribute (made when a document first has the field). */
  final Map<String, VectorStore> vectors = new HashMap<>();
  final Map<String, ShapeStore> shapes = new HashMap<>();

  VectorStore vectorStore(FieldSpec f) {
    return vectors.computeIfAbsent(f.attribute, x -> new VectorStore(f.vector, this::collected));
  }

  /**
   * FT.INFO's gc_stats. Text, tag, numeric and shape entries leave their indexes when a document is deleted, so the
   * only garbage is a vector field's deleted vectors, masked out of searches until their store is compacted.
   */
  long gcBytes;
  long gcCycles;
  long gcNanos;
  long gcLastNanos;

  private void collected(long bytes, long nanos) {
    gcBytes += bytes;
    gcCycles++;
    gcNanos += nanos;
    gcLastNanos = nanos;
  }

  /** _FT.DEBUG GC_FORCEINVOKE: collects every vector field's deleted vectors; returns the bytes freed. */
  long collectGarbage() {
    long freed = 0;
    for (VectorStore v : vectors.values()) {
      freed += v.collect();
    }
    return freed;
  }

  ShapeStore shapeStore(FieldSpec f) {
    return shapes.computeIfAbsent(f.attribute, x -> new ShapeStore(f.flatShape));
  }

  /** Whether one of the document's values of a numeric attribute satisfies {@code test} (JSON arrays have several). */
  boolean numericMatches(String attribute, int docId, java.util.function.DoublePredicate test) {
    Map<Integer, double[]> m = multi.get(attribute);
    double[] all = m == null ? null : m.get(docId);
    if (all == null) {
      return test.test(numeric(attribute, docId));
    }
    for (double v : all) {
      if (test.test(v)) {
        return true;
      }
    }
    return false;
  }

  /** Whether one of the document's points of a geo attribute satisfies {@code test(lon, lat)}. */
  boolean geoMatches(String attribute, int docId, java.util.function.BiPredicate<Double, Double> test) {
    Map<Integer, double[]> lons = multi.get(attribute + LON);
    double[] all = lons == null ? null : lons.get(docId);
    if (all == null) {
      return test.test(numeric(attribute + LON, docId), numeric(attribute + LAT, docId));
    }
    double[] lats = multi.get(attribute + LAT).get(docId);
    for (int i = 0; i < all.length; i++) {
      if (test.test(all[i], lats[i])) {
        return true;
      }
    }
    return false;
  }

  private void addTerm(String term, FieldSpec f, int pos, boolean stem) {
    PostingList pl = termLookup.get(term);
    if (pl == null) {
      int termId = freeTermCount > 0 ? freeTermIds[--freeTermCount] : termIds++;
      if (termId == termsById.length) {
        termsById = Arrays.copyOf(termsById, termId * 2);
      }
      pl = new PostingList(term, termId);
      termsById[termId] = pl;
      termLookup.put(term, pl);
      terms.put(term, pl);
    }
    int k;
    if (pl.stamp != stamp) { // the term's first occurrence in this document
      k = touched.size();
      touched.add(pl);
      pl.stamp = stamp;
      pl.slot = k;
      if (k == slotFreq.length) {
        slotFreq = Arrays.copyOf(slotFreq, k * 2);
        slotMask0 = Arrays.copyOf(slotMask0, k * 2);
        slotMask1 = Arrays.copyOf(slotMask1, k * 2);
        slotPos = Arrays.copyOf(slotPos, k * 2);
        slotNpos = Arrays.copyOf(slotNpos, k * 2);
      }
      slotFreq[k] = 0;
      slotMask0[k] = 0;
      slotMask1[k] = 0;
      slotNpos[k] = 0;
      if (slotPos[k] == null) {
        slotPos[k] = new int[8];
      }
    } else {
      k = pl.slot;
    }
    if (f.textBit < 64) {
      slotMask0[k] |= 1L << f.textBit;
    } else {
      slotMask1[k] |= 1L << (f.textBit - 64);
    }
    slotFreq[k] += Scorer.freqStep(f.weight, stem);
    int[] ps = slotPos[k];
    if (slotNpos[k] == ps.length) {
      slotPos[k] = ps = Arrays.copyOf(ps, ps.length * 2);
    }
    ps[slotNpos[k]++] = pos;
  }

  /** Removes the document at {@code key} from the index, if it is there. */
  void remove(byte[] key) {
    int id = table.find(key);
    if (id < 0) {
      return;
    }
    int length = table.length(id);
    int docLen = table.docLen(id);
    unindex(id);
    table.remove(id);
    liveDocs--;
    totalLength -= length;
    totalDocLen -= docLen;
  }

  private void dropTerm(PostingList pl) {
    terms.remove(pl.term);
    termLookup.remove(pl.term);
    termsById[pl.id] = null;
    if (freeTermCount == freeTermIds.length) {
      freeTermIds = Arrays.copyOf(freeTermIds, freeTermCount * 2);
    }
    freeTermIds[freeTermCount++] = pl.id;
  }

  /** Takes a document out of every index it is in; a document that failed half-way has no forward list yet. */
  private void unindex(int id) {
    byte[] forward = table.forward(id);
    String[] tv = table.tags(id);
    if (forward != null) {
      DocTable.decode(forward, termId -> {
        PostingList pl = termsById[termId];
        int freq = pl.remove(id);
        if (freq >= 0) {
          termOccurrences -= freq;
        }
        if (pl.size() == 0) {
          dropTerm(pl);
        }
      });
    } else { // its entries were never written; the terms it created may be empty
      for (PostingList pl : touched) {
        if (pl.size() == 0 && termLookup.get(pl.term) == pl) {
          dropTerm(pl);
        }
      }
      touched.clear();
      if (tv == null && !tagScratch.isEmpty()) {
        tv = tagScratch.toArray(new String[0]); // tags written before the failure
      }
    }
    for (int i = 0; tv != null && i < tv.length; i += 2) {
      TreeMap<String, DocIdSet> t = tags.get(tv[i]);
      DocIdSet b = t == null ? null : t.get(tv[i + 1]);
      if (b != null) {
        b.remove(id);
        if (b.size() == 0) {
          t.remove(tv[i + 1]);
        }
      }
    }
    for (Map.Entry<String, double[]> e : numerics.entrySet()) {
      double[] col = e.getValue();
      if (id < col.length && !Double.isNaN(col[id])) {
        String column = e.getKey();
        Map<Integer, double[]> m = multi.get(column);
        double[] all = m == null ? null : m.remove(id);
        NumericIndex ni = ranges.get(column);
        if (ni != null) {
          if (all == null) {
            ni.remove(col[id], id);
          } else {
            for (double v : all) {
              ni.remove(v, id);
            }
          }
        }
        col[id] = Double.NaN;
      }
    }
    for (Map<Integer, double[]> m : multi.values()) {
      m.remove(id);
    }
    for (VectorStore v : vectors.values()) {
      v.remove(id);
    }
    for (ShapeStore g : shapes.values()) {
      g.remove(id);
    }
  }

  static final String LON = "\u0000lon";
  static final String LAT = "\u0000lat";

  private void setNumeric(String column, int id, double n) {
    double[] col = numerics.computeIfAbsent(column, x -> nanColumn(16));
    if (id >= col.length) {
      int from = col.length;
      col = java.util.Arrays.copyOf(col, Math.max(id + 1, col.length * 2));
      java.util.Arrays.fill(col, from, col.length, Double.NaN);
      numerics.put(column, col);
    }
    col[id] = n;
  }

  private static double[] nanColumn(int n) {
    double[] col = new double[n];
    java.util.Arrays.fill(col, Double.NaN);
    return col;
  }

  double numeric(String attribute, int docId) {
    double[] col = numerics.get(attribute);
    return col == null || docId >= col.length ? Double.NaN : col[docId];
  }

  void clear() {
    table.clear();
    terms.clear();
    termLookup.clear();
    Arrays.fill(termsById, null);
    termIds = 0;
    freeTermCount = 0;
    tags.clear();
    numerics.clear();
    ranges.clear();
    multi.clear();
    vectors.values().forEach(VectorStore::clear);
    shapes.values().forEach(ShapeStore::clear);
    liveDocs = 0;
    totalLength = 0;
    totalDocLen = 0;
    termOccurrences = 0;
  }

  /** A rough figure of the memory the index holds, in bytes. */
  long estimatedBytes() {
    return invertedBytes() + docTableBytes() + keyTableBytes();
  }

  /** The document table: its columns, forward lists and tag lists ({@link DocTable#docBytes}). */
  long docTableBytes() {
    return table.docBytes();
  }

  /** The key table: the keys' bytes and the slots that find a document by its key. */
  long keyTableBytes() {
    return table.keyBytes();
  }

  /** The inverted indexes: terms' postings, tag values' sets, numeric columns and ranges. */
  long invertedBytes() {
    long b = 0;
    for (PostingList pl : terms.values()) {
      b += 2 * 48 + 2L * pl.term.length() + pl.byteSize(); // two map entries, the term, its postings
    }
    for (TreeMap<String, DocIdSet> t : tags.values()) {
      for (Map.Entry<String, DocIdSet> e : t.entrySet()) {
        b += 64 + 2L * e.getKey().length() + e.getValue().byteSize();
      }
    }
    for (double[] col : numerics.values()) {
      b += 16 + 8L * col.length;
    }
    for (NumericIndex ni : ranges.values()) {
      b += ni.byteSize();
    }
    return b;
  }
}
