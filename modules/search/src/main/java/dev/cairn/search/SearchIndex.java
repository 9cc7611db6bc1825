package dev.cairn.search;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One index's data, held in memory and changed in place on the engine thread, so a write is searchable before the
 * next command runs: a document table (key to doc id), a sorted term dictionary of text postings (doc id, field mask,
 * frequency, positions), tag value sets and numeric columns per field.
 */
final class SearchIndex {
  /** Gap between the positions of two fields, so that phrases never match across a field boundary. */
  static final int FIELD_GAP = 1 << 20;

  final IndexDefinition def;
  private Filter.Expr filter;
  final Analyzer analyzer;
  final List<Doc> docs = new ArrayList<>(); // by doc id; null once deleted
  /** Ids of deleted documents, given to new ones (last freed first, so a re-indexed document keeps its id). */
  private int[] freeIds = new int[8];
  private int freeCount;
  final Map<String, Doc> byKey = new HashMap<>();
  final TreeMap<String, Map<Integer, Posting>> terms = new TreeMap<>();
  final Map<String, TreeMap<String, BitSet>> tags = new HashMap<>(); // per attribute: value -> docs
  final Map<String, double[]> numerics = new HashMap<>(); // per attribute: value by doc id (NaN: none)
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

  /** One indexed document. */
  static final class Doc {
    final int id;
    final String key;
    final byte[] keyBytes;
    double score = 1;
    /** RediSearch's max term frequency (stems included) and length (weighted words), for its scorers. */
    int maxFreq;
    int docLen;
    /** The PAYLOAD_FIELD's value (HAMMING), or null. */
    byte[] payload;
    int length;
    final List<String> terms = new ArrayList<>();
    final List<String[]> tagValues = new ArrayList<>(); // {attribute, value}
    final Map<String, String> sortables = new HashMap<>();

    Doc(int id, byte[] key) {
      this.id = id;
      this.keyBytes = key;
      this.key = new String(key, StandardCharsets.UTF_8);
    }
  }

  /** A term in one document. */
  static final class Posting {
    long fieldMask0;
    long fieldMask1;
    int freq;
    double weightedFreq;
    int[] positions = new int[2];
    int npos;

    boolean inFields(long[] mask) {
      return mask == null || (fieldMask0 & mask[0]) != 0 || (fieldMask1 & mask[1]) != 0;
    }

    void add(FieldSpec f, int pos, boolean stem) {
      if (f.textBit < 64) {
        fieldMask0 |= 1L << f.textBit;
      } else {
        fieldMask1 |= 1L << (f.textBit - 64);
      }
      freq += Scorer.freqStep(f.weight, stem);
      weightedFreq += f.weight;
      if (npos == positions.length) {
        positions = java.util.Arrays.copyOf(positions, npos * 2);
      }
      positions[npos++] = pos;
    }
  }

  int maxDocId() {
    return docs.size();
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
    String failedBefore = failedOnNew;
    failedOnNew = null;
    remove(k);
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
    int id = freeCount > 0 ? freeIds[--freeCount] : docs.size();
    if (id == docs.size()) {
      docs.add(null);
    }
    Doc d = new Doc(id, key);
    long t0 = System.nanoTime();
    try {
      index(d, fields);
      indexingNanos += System.nanoTime() - t0;
    } catch (RuntimeException e) {
      unindex(d);
      free(id);
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
    docs.set(id, d);
    byKey.put(k, d);
    liveDocs++;
    totalLength += d.length;
    totalDocLen += d.docLen;
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

  private void index(Doc d, Map<String, ?> fields) {
    String s = def.scoreField == null ? null : first(fields.get(def.scoreField));
    if (s != null) {
      try {
        d.score = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        d.score = def.defaultScore;
      }
    } else {
      d.score = def.defaultScore;
    }
    String pl = def.payloadField == null ? null : first(fields.get(def.payloadField));
    d.payload = pl == null ? null : pl.getBytes(StandardCharsets.ISO_8859_1);
    String lang = def.languageField == null ? null : first(fields.get(def.languageField)); // the document's own
    lang = lang == null ? def.language : Analyzer.language(lang);
    if (lang == null) {
      lang = def.language;
    }
    int base = 0;
    for (FieldSpec f : def.fields.values()) {
      Object raw = fields.get(f.identifier);
      if (raw == null || raw instanceof List<?> l && l.isEmpty()) {
        base += FIELD_GAP;
        continue;
      }
      if (raw instanceof JsonSource.Bad b) {
        throw new IllegalArgumentException(b.message());
      }
      String v = first(raw);
      if (f.sortable) {
        d.sortables.put(f.attribute, f.type == FieldSpec.Type.TEXT && !f.unf ? v.toLowerCase(Locale.ROOT) : v);
      }
      if (f.noIndex) {
        base += FIELD_GAP;
        continue;
      }
      switch (f.type) {
        case TEXT -> {
          int pos = base;
          for (Object value : values(raw)) {
            for (String tok : Analyzer.tokens((String) value)) {
              if (def.stopwords.contains(tok)) {
                continue;
              }
              pos++;
              addTerm(d, tok, f, pos, false);
              if (!f.noStem) {
                String st = analyzer.stem(tok, lang);
                if (st != null) {
                  addTerm(d, "+" + st, f, pos, true);
                }
              }
              if (f.phonetic) {
                for (String code : analyzer.phonetic(tok)) {
                  addTerm(d, code, f, pos, false);
                }
              }
              d.length++;
              d.docLen += Scorer.freqStep(f.weight, false);
            }
            pos += 100; // array elements: a phrase does not run from one into the next
          }
        }
        case TAG -> {
          TreeMap<String, BitSet> t = tags.computeIfAbsent(f.attribute, x -> new TreeMap<>());
          for (Object value : values(raw)) {
            for (String part : ((String) value).split(java.util.regex.Pattern.quote(String.valueOf(f.separator)), -1)) {
              String tag = part.strip();
              if (tag.isEmpty()) {
                continue;
              }
              if (!f.caseSensitive) {
                tag = tag.toLowerCase(Locale.ROOT);
              }
              t.computeIfAbsent(tag, x -> new BitSet()).set(d.id);
              d.tagValues.add(new String[] {f.attribute, tag});
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
          setNumeric(f.attribute, d.id, ns[0]);
          if (ns.length > 1) {
            multi.computeIfAbsent(f.attribute, x -> new HashMap<>()).put(d.id, ns);
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
          setNumeric(f.attribute + LON, d.id, lons[0]); // a geo point is two numeric columns
          setNumeric(f.attribute + LAT, d.id, lats[0]);
          if (lons.length > 1) {
            multi.computeIfAbsent(f.attribute + LON, x -> new HashMap<>()).put(d.id, lons);
            multi.computeIfAbsent(f.attribute + LAT, x -> new HashMap<>()).put(d.id, lats);
          }
        }
        case VECTOR -> vectorStore(f).put(d.id, VectorFields.decode(f, raw));
        case GEOSHAPE -> shapeStore(f).put(d.id, v);
      }
      base += FIELD_GAP;
    }
  }

  /** VECTOR and GEOSHAPE fields' stores, by attribute (made when a document first has the field). */
  final Map<String, VectorStore> vectors = new HashMap<>();
  final Map<String, ShapeStore> shapes = new HashMap<>();

  VectorStore vectorStore(FieldSpec f) {
    return vectors.computeIfAbsent(f.attribute, x -> new VectorStore(f.vector));
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

  private void addTerm(Doc d, String term, FieldSpec f, int pos, boolean stem) {
    Map<Integer, Posting> postings = terms.computeIfAbsent(term, x -> new HashMap<>());
    Posting p = postings.get(d.id);
    if (p == null) {
      p = new Posting();
      postings.put(d.id, p);
      d.terms.add(term);
    }
    int before = p.freq;
    p.add(f, pos, stem);
    termOccurrences += p.freq - before;
    if (p.freq > d.maxFreq) {
      d.maxFreq = p.freq; // over every entry, stems and phonetic codes included, as RediSearch's forward index
    }
  }

  void remove(String key) {
    Doc d = byKey.remove(key);
    if (d == null) {
      return;
    }
    unindex(d);
    docs.set(d.id, null);
    free(d.id);
    liveDocs--;
    totalLength -= d.length;
    totalDocLen -= d.docLen;
  }

  private void free(int id) {
    if (freeCount == freeIds.length) {
      freeIds = java.util.Arrays.copyOf(freeIds, freeCount * 2);
    }
    freeIds[freeCount++] = id;
  }

  private void unindex(Doc d) {
    for (String t : d.terms) {
      Map<Integer, Posting> p = terms.get(t);
      if (p != null) {
        Posting removed = p.remove(d.id);
        if (removed != null) {
          termOccurrences -= removed.freq;
        }
        if (p.isEmpty()) {
          terms.remove(t);
        }
      }
    }
    for (String[] tv : d.tagValues) {
      TreeMap<String, BitSet> t = tags.get(tv[0]);
      BitSet b = t == null ? null : t.get(tv[1]);
      if (b != null) {
        b.clear(d.id);
        if (b.isEmpty()) {
          t.remove(tv[1]);
        }
      }
    }
    for (double[] col : numerics.values()) {
      if (d.id < col.length) {
        col[d.id] = Double.NaN;
      }
    }
    for (Map<Integer, double[]> m : multi.values()) {
      m.remove(d.id);
    }
    for (VectorStore v : vectors.values()) {
      v.remove(d.id);
    }
    for (ShapeStore g : shapes.values()) {
      g.remove(d.id);
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
    docs.clear();
    freeCount = 0;
    byKey.clear();
    terms.clear();
    tags.clear();
    numerics.clear();
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
    long b = 0;
    for (Map.Entry<String, Map<Integer, Posting>> e : terms.entrySet()) {
      b += 48 + 2L * e.getKey().length() + e.getValue().size() * 96L;
    }
    b += liveDocs * 160L;
    for (TreeMap<String, BitSet> t : tags.values()) {
      for (Map.Entry<String, BitSet> e : t.entrySet()) {
        b += 64 + 2L * e.getKey().length() + e.getValue().size() / 8;
      }
    }
    for (double[] col : numerics.values()) {
      b += 16 + 8L * col.length;
    }
    return b;
  }
}
