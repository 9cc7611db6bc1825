package dev.cairn.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.KeywordRepeatFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.ClassicSimilarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.tartarus.snowball.SnowballStemmer;

/**
 * Full-text indexes (RedisGraph's {@code db.idx.fulltext.*}): one per label, over some of its string properties,
 * kept in a Lucene index in memory. A node that changes is only marked (a bit per node id); the Lucene documents of
 * the marked nodes are brought up to date when the index is next queried, so a write query pays a bit per change
 * and a rolled back change costs nothing more. Analysis follows RediSearch's defaults: words split on punctuation
 * and spaces, lower-cased, stop words dropped (RediSearch's default list, or the index's own), stemmed by the
 * index's language unless the field says NOSTEM; a PHONETIC field also indexes each word's Double Metaphone codes.
 * Lucene finds the matches; their scores are RediSearch's TFIDF ({@link FullTextScore}).
 */
final class FullText {
  private FullText() {}

  static final String DEFAULT_LANGUAGE = "english";

  /** RediSearch's languages and the Snowball stemmer of each (chinese: segmentation only, no stemmer). */
  static final Map<String, String> LANGUAGES = new HashMap<>();

  static {
    for (String l : List.of("arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish",
        "french", "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali",
        "norwegian", "portuguese", "romanian", "russian", "serbian", "spanish", "swedish", "tamil", "turkish",
        "yiddish")) {
      LANGUAGES.put(l, Character.toUpperCase(l.charAt(0)) + l.substring(1));
    }
    LANGUAGES.put("chinese", "");
  }

  /** One indexed property: its key id and RediSearch's field options. */
  record FieldDef(int key, double weight, boolean nostem, String phonetic) {}

  /** The index of one label. */
  static final class Index {
    final int label;
    final String language;
    /** The index's own stop words, or null for RediSearch's default list. */
    final List<String> stopwords;
    final List<FieldDef> fields = new ArrayList<>();
    private ByteBuffersDirectory dir;
    private IndexWriter writer;
    private DirectoryReader reader;
    /** Nodes whose documents may be stale. */
    final BitSet dirty = new BitSet();
    /** Set when the fields change: the next query rebuilds the documents from the graph. */
    boolean rebuild = true;

    Index(int label, String language, List<String> stopwords) {
      this.label = label;
      this.language = language;
      this.stopwords = stopwords;
    }

    Index copyDefinition() {
      Index i = new Index(label, language, stopwords);
      i.fields.addAll(fields);
      return i;
    }

    FieldDef field(int key) {
      for (FieldDef f : fields) {
        if (f.key() == key) {
          return f;
        }
      }
      return null;
    }

    List<String> effectiveStopwords() {
      if (stopwords != null) {
        return stopwords;
      }
      List<String> out = new ArrayList<>();
      EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.forEach(o -> out.add(new String((char[]) o)));
      java.util.Collections.sort(out);
      return out;
    }

    /** Brings the Lucene documents up to date with the graph and returns a searcher over them. */
    IndexSearcher searcher(Graph g) {
      try {
        if (rebuild) {
          close();
          dir = new ByteBuffersDirectory();
          IndexWriterConfig cfg = new IndexWriterConfig(analyzer(g));
          cfg.setSimilarity(new ClassicSimilarity());
          cfg.setMergeScheduler(new SerialMergeScheduler()); // no merge threads: the engine thread does it
          cfg.setCommitOnClose(false);
          writer = new IndexWriter(dir, cfg);
          BitSet nodes = g.nodesWithLabel(label);
          for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
            Document d = document(g, n);
            if (d != null) {
              writer.addDocument(d);
            }
          }
          dirty.clear();
          rebuild = false;
        } else {
          for (int n = dirty.nextSetBit(0); n >= 0; n = dirty.nextSetBit(n + 1)) {
            Term t = new Term("_id", Integer.toString(n));
            Document d = g.nodeExists(n) && g.hasLabel(n, label) ? document(g, n) : null;
            if (d == null) {
              writer.deleteDocuments(t);
            } else {
              writer.updateDocument(t, d);
            }
          }
          dirty.clear();
        }
        DirectoryReader r = reader == null ? DirectoryReader.open(writer) : DirectoryReader.openIfChanged(reader,
            writer);
        if (r != null) {
          if (reader != null) {
            reader.close();
          }
          reader = r;
        }
        IndexSearcher s = new IndexSearcher(reader);
        s.setSimilarity(new ClassicSimilarity());
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Document document(Graph g, int n) {
      Document d = null;
      for (FieldDef f : fields) {
        if (g.prop(true, n, f.key()) instanceof String s) {
          if (d == null) {
            d = new Document();
            d.add(new StringField("_id", Integer.toString(n), Field.Store.NO));
            d.add(new NumericDocValuesField("_id", n));
          }
          d.add(new TextField(fieldName(f.key()), s, Field.Store.NO));
        }
      }
      return d;
    }

    Analyzer analyzer(Graph g) {
      Map<String, Analyzer> per = new HashMap<>();
      for (FieldDef f : fields) {
        per.put(fieldName(f.key()), analyzer(f));
      }
      return new PerFieldAnalyzerWrapper(analyzer(new FieldDef(-1, 1, true, null)), per);
    }

    Analyzer analyzer(FieldDef f) {
      CharArraySet stop = stopwords == null ? EnglishAnalyzer.ENGLISH_STOP_WORDS_SET
          : new CharArraySet(stopwords, true);
      String stemmer = f.nostem() ? "" : LANGUAGES.getOrDefault(language, "");
      boolean phonetic = f.phonetic() != null;
      return new Analyzer() {
        @Override
        protected TokenStreamComponents createComponents(String name) {
          Tokenizer t = new StandardTokenizer();
          TokenStream ts = new StopFilter(new LowerCaseFilter(t), stop);
          if (!stemmer.isEmpty()) {
            // the word and, when it differs, its stem as "+stem" at one position, as RediSearch indexes them
            ts = new StemMark(new RemoveDuplicatesTokenFilter(new SnowballFilter(new KeywordRepeatFilter(ts),
                stemmer(stemmer))));
          }
          if (phonetic) {
            ts = new Metaphone(ts);
          }
          return new TokenStreamComponents(t, ts);
        }
      };
    }

    /** The matching nodes, best score first: {node id, score} pairs. */
    List<double[]> query(Graph g, String text) {
      IndexSearcher s = searcher(g);
      FullTextQuery parsed = new FullTextQuery(this, g);
      Query q = parsed.parse(text);
      FullTextScore.Stats stats = new FullTextScore.Stats(s, this);
      try {
        int max = Math.max(1, s.getIndexReader().maxDoc());
        TopDocs top = s.search(q, max);
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        List<double[]> out = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
          LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
          NumericDocValues ids = leaf.reader().getNumericDocValues("_id");
          if (ids != null && ids.advanceExact(sd.doc - leaf.docBase)) {
            int node = (int) ids.longValue();
            double score = parsed.root == null ? 0
                : FullTextScore.score(parsed.root, FullTextScore.doc(this, g, node), stats);
            out.add(new double[] {node, score});
          }
        }
        out.sort((a, b) -> Double.compare(b[1], a[1])); // best first, ties in index order
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void close() {
      try {
        if (reader != null) {
          reader.close();
        }
        if (writer != null) {
          writer.rollback();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      reader = null;
      writer = null;
      dir = null;
      rebuild = true;
    }

    long bytes() {
      long b = 0;
      try {
        for (String f : dir == null ? new String[0] : dir.listAll()) {
          b += dir.fileLength(f);
        }
      } catch (IOException e) {
        return b;
      }
      return b;
    }
  }

  static String fieldName(int key) {
    return "p" + key;
  }

  static SnowballStemmer stemmer(String name) {
    try {
      return (SnowballStemmer) Class.forName("org.tartarus.snowball.ext." + name + "Stemmer", true,
          FullText.class.getClassLoader()).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RediSearch's marker before a stem, and the shortest word it stems. */
  static final char STEM = '+';
  static final int MIN_STEM_LENGTH = 4;

  /** Marks the stems KeywordRepeatFilter and SnowballFilter made ("+run"), dropping those of words too short. */
  static final class StemMark extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final org.apache.lucene.analysis.tokenattributes.KeywordAttribute keyword =
        addAttribute(org.apache.lucene.analysis.tokenattributes.KeywordAttribute.class);
    private int wordLength;

    StemMark(TokenStream in) {
      super(in);
    }

    @Override
    public boolean incrementToken() throws IOException {
      while (input.incrementToken()) {
        if (keyword.isKeyword()) {
          wordLength = term.length();
          return true;
        }
        if (wordLength >= MIN_STEM_LENGTH) {
          String stem = term.toString();
          term.setEmpty().append(STEM).append(stem);
          return true;
        }
      }
      return false;
    }
  }

  /** Marker before a phonetic code, so codes never equal words. */
  static final char PHONETIC = '\u0001';

  /** Adds each word's Double Metaphone codes (primary and alternate) at the word's position. */
  static final class Metaphone extends TokenFilter {
    private static final org.apache.commons.codec.language.DoubleMetaphone DM =
        new org.apache.commons.codec.language.DoubleMetaphone();
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute pos = addAttribute(PositionIncrementAttribute.class);
    private final List<String> pending = new ArrayList<>();
    private State word;

    Metaphone(TokenStream in) {
      super(in);
    }

    @Override
    public boolean incrementToken() throws IOException {
      if (!pending.isEmpty()) {
        restoreState(word);
        term.setEmpty().append(pending.remove(pending.size() - 1));
        pos.setPositionIncrement(0);
        return true;
      }
      if (!input.incrementToken()) {
        return false;
      }
      String w = term.toString();
      Set<String> codes = new java.util.LinkedHashSet<>();
      String p = DM.doubleMetaphone(w, false);
      String a = DM.doubleMetaphone(w, true);
      if (p != null && !p.isEmpty()) {
        codes.add(PHONETIC + p);
      }
      if (a != null && !a.isEmpty()) {
        codes.add(PHONETIC + a);
      }
      pending.addAll(codes);
      word = captureState();
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      pending.clear();
    }
  }

  static String language(Object v) {
    return v == null ? DEFAULT_LANGUAGE : ((String) v).toLowerCase(Locale.ROOT);
  }
}
