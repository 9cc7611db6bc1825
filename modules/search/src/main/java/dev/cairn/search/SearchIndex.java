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
  final Analyzer analyzer = new Analyzer();
  final List<Doc> docs = new ArrayList<>(); // by doc id; null once deleted
  /** Ids of deleted documents, given to new ones (last freed first, so a re-indexed document keeps its id). */
  private int[] freeIds = new int[8];
  private int freeCount;
  final Map<String, Doc> byKey = new HashMap<>();
  final TreeMap<String, Map<Integer, Posting>> terms = new TreeMap<>();
  final Map<String, TreeMap<String, BitSet>> tags = new HashMap<>(); // per attribute: value -> docs
  final Map<String, double[]> numerics = new HashMap<>(); // per attribute: value by doc id (NaN: none)
  final Map<String, List<String>> synonyms = new TreeMap<>(); // group id -> terms
  long liveDocs;
  long totalLength;
  long termOccurrences;
  long indexingFailures;
  String lastIndexingError;
  boolean indexing;
  double percentIndexed = 1;
  long scanned;

  SearchIndex(IndexDefinition def) {
    this.def = def;
    this.filter = def.filter == null ? null : Filter.parse(def.filter);
  }

  /** One indexed document. */
  static final class Doc {
    final int id;
    final String key;
    final byte[] keyBytes;
    double score = 1;
    int maxFreq;
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

    void add(FieldSpec f, int pos) {
      if (f.textBit < 64) {
        fieldMask0 |= 1L << f.textBit;
      } else {
        fieldMask1 |= 1L << (f.textBit - 64);
      }
      freq++;
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

  /** Indexes (or re-indexes) the hash {@code fields} of {@code key}; fields null removes the document. */
  void update(byte[] key, Map<String, String> fields) {
    String k = new String(key, StandardCharsets.UTF_8);
    remove(k);
    if (fields == null) {
      return;
    }
    if (filter != null) {
      Map<String, String> env = new HashMap<>(fields);
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
    try {
      index(d, fields);
    } catch (RuntimeException e) {
      unindex(d);
      free(id);
      indexingFailures++;
      lastIndexingError = e.getMessage();
      return;
    }
    docs.set(id, d);
    byKey.put(k, d);
    liveDocs++;
    totalLength += d.length;
  }

  private void index(Doc d, Map<String, String> fields) {
    String s = fields.get(def.scoreField);
    if (s != null) {
      try {
        d.score = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        d.score = def.defaultScore;
      }
    } else {
      d.score = def.defaultScore;
    }
    int base = 0;
    for (FieldSpec f : def.fields.values()) {
      String v = fields.get(f.identifier);
      if (v == null) {
        base += FIELD_GAP;
        continue;
      }
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
          for (String tok : Analyzer.tokens(v)) {
            if (def.stopwords.contains(tok)) {
              continue;
            }
            pos++;
            addTerm(d, tok, f, pos);
            if (!f.noStem) {
              String st = analyzer.stem(tok);
              if (st != null) {
                addTerm(d, "+" + st, f, pos);
              }
            }
            if (f.phonetic) {
              for (String code : analyzer.phonetic(tok)) {
                addTerm(d, code, f, pos);
              }
            }
            d.length++;
          }
        }
        case TAG -> {
          TreeMap<String, BitSet> t = tags.computeIfAbsent(f.attribute, x -> new TreeMap<>());
          for (String part : v.split(java.util.regex.Pattern.quote(String.valueOf(f.separator)), -1)) {
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
        case NUMERIC -> {
          double n;
          try {
            n = Double.parseDouble(v.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid numeric value: '" + v + "'");
          }
          setNumeric(f.attribute, d.id, n);
        }
        case GEO -> {
          String[] parts = v.strip().split("[, ]+");
          double lon;
          double lat;
          try {
            lon = Double.parseDouble(parts[0]);
            lat = Double.parseDouble(parts.length == 2 ? parts[1] : "x");
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid geo string");
          }
          if (Math.abs(lon) > 180 || Math.abs(lat) > 85.05112878) {
            throw new IllegalArgumentException("Invalid geo string");
          }
          setNumeric(f.attribute + LON, d.id, lon); // a geo point is two numeric columns
          setNumeric(f.attribute + LAT, d.id, lat);
        }
      }
      base += FIELD_GAP;
    }
  }

  private void addTerm(Doc d, String term, FieldSpec f, int pos) {
    Map<Integer, Posting> postings = terms.computeIfAbsent(term, x -> new HashMap<>());
    Posting p = postings.get(d.id);
    if (p == null) {
      p = new Posting();
      postings.put(d.id, p);
      d.terms.add(term);
    }
    p.add(f, pos);
    termOccurrences++;
    if (!term.startsWith("+") && !term.startsWith("<") && p.freq > d.maxFreq) {
      d.maxFreq = p.freq;
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
    liveDocs = 0;
    totalLength = 0;
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
