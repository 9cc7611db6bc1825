package dev.cairn.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.*;

/**
 * RediSearch's default text analysis: tokens split on its separators (punctuation and whitespace, a backslash escapes
 * the next character), lower-cased, stop words dropped; stems come from Snowball's English (Porter2) stemmer, which
 * Lucene's analysis library carries. A stem is indexed beside its word with a {@code +} in front, as RediSearch does,
 * so a query term matches the words of its stem.
 */
final class Analyzer {
  static final String SEPARATORS = ",.<>{}[]\"':;!@#$%^&*()-+=~/|?`\\";
  static final List<String> DEFAULT_STOPWORDS = List.of("a", "is", "the", "an", "and", "are", "as", "at", "be", "but",
      "by", "for", "if", "in", "into", "it", "no", "not", "of", "on", "or", "such", "that", "their", "then", "there",
      "these", "they", "this", "to", "was", "will", "with");

  /** RediSearch's languages, each with its Snowball stemmer (Lucene's); Chinese has none (RediSearch segments it). */
  private static final Map<String, Supplier<SnowballStemmer>> LANGUAGES = new HashMap<>();

  static {
    LANGUAGES.put("arabic", ArabicStemmer::new);
    LANGUAGES.put("armenian", ArmenianStemmer::new);
    LANGUAGES.put("basque", BasqueStemmer::new);
    LANGUAGES.put("catalan", CatalanStemmer::new);
    LANGUAGES.put("danish", DanishStemmer::new);
    LANGUAGES.put("dutch", DutchStemmer::new);
    LANGUAGES.put("english", EnglishStemmer::new);
    LANGUAGES.put("finnish", FinnishStemmer::new);
    LANGUAGES.put("french", FrenchStemmer::new);
    LANGUAGES.put("german", GermanStemmer::new);
    LANGUAGES.put("greek", GreekStemmer::new);
    LANGUAGES.put("hindi", HindiStemmer::new);
    LANGUAGES.put("hungarian", HungarianStemmer::new);
    LANGUAGES.put("indonesian", IndonesianStemmer::new);
    LANGUAGES.put("irish", IrishStemmer::new);
    LANGUAGES.put("italian", ItalianStemmer::new);
    LANGUAGES.put("lithuanian", LithuanianStemmer::new);
    LANGUAGES.put("nepali", NepaliStemmer::new);
    LANGUAGES.put("norwegian", NorwegianStemmer::new);
    LANGUAGES.put("portuguese", PortugueseStemmer::new);
    LANGUAGES.put("romanian", RomanianStemmer::new);
    LANGUAGES.put("russian", RussianStemmer::new);
    LANGUAGES.put("serbian", SerbianStemmer::new);
    LANGUAGES.put("spanish", SpanishStemmer::new);
    LANGUAGES.put("swedish", SwedishStemmer::new);
    LANGUAGES.put("tamil", TamilStemmer::new);
    LANGUAGES.put("turkish", TurkishStemmer::new);
    LANGUAGES.put("yiddish", YiddishStemmer::new);
    LANGUAGES.put("chinese", () -> null);
  }

  /** A supported language's name in lower case, or null ("Invalid language"). */
  static String language(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return LANGUAGES.containsKey(n) ? n : null;
  }

  private final Map<String, SnowballStemmer> stemmers = new HashMap<>();
  /** The index's default language (FT.CREATE LANGUAGE). */
  final String defaultLanguage;
  /** The language query terms are stemmed in: the default, or FT.SEARCH's LANGUAGE while that search runs. */
  String queryLanguage;

  Analyzer() {
    this("english");
  }

  Analyzer(String language) {
    this.defaultLanguage = language;
    this.queryLanguage = language;
  }
  private final org.apache.commons.codec.language.DoubleMetaphone metaphone =
      new org.apache.commons.codec.language.DoubleMetaphone();

  /** A word's Double Metaphone codes (primary, then alternate when it differs) as terms: {@code <CODE}. */
  List<String> phonetic(String word) {
    List<String> out = new ArrayList<>(2);
    String p = metaphone.doubleMetaphone(word, false);
    String alt = metaphone.doubleMetaphone(word, true);
    if (p != null && !p.isEmpty()) {
      out.add("<" + p);
    }
    if (alt != null && !alt.isEmpty() && !alt.equals(p)) {
      out.add("<" + alt);
    }
    return out;
  }

  /** The ASCII separators, by character (the tokenizer asks for every character of every text). */
  private static final boolean[] ASCII_SEPARATOR = new boolean[128];

  static {
    for (char ch = 0; ch < 128; ch++) {
      ASCII_SEPARATOR[ch] = Character.isWhitespace(ch) || SEPARATORS.indexOf(ch) >= 0 && ch != '\\';
    }
  }

  static boolean isSeparator(char ch) {
    return ch < 128 ? ASCII_SEPARATOR[ch] : Character.isWhitespace(ch);
  }

  /** Splits {@code text} into lower-cased tokens (stop words included; the caller decides). */
  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    tokens(text, out, null);
    return out;
  }

  /**
   * Recent words, direct-mapped by hash, for {@link #indexTokens}: a document's words are mostly words indexed before,
   * and taking the cached String instead of a new substring spared half of what indexing allocated.
   */
  private final String[] words = new String[4096];

  /** As {@link #tokens(String)} into {@code out} (cleared first), each word's String shared with earlier ones. */
  void indexTokens(String text, List<String> out) {
    out.clear();
    tokens(text, out, words);
  }

  private static void tokens(String text, List<String> out, String[] cache) {
    if (text.indexOf('\\') < 0) { // no escapes: each token is a substring (one copy, lower-cased only if it must)
      int start = -1;
      for (int i = 0; i <= text.length(); i++) {
        if (i == text.length() || isSeparator(text.charAt(i))) {
          if (start >= 0) {
            out.add(cache == null ? text.substring(start, i).toLowerCase(Locale.ROOT) : word(text, start, i, cache));
            start = -1;
          }
        } else if (start < 0) {
          start = i;
        }
      }
      return;
    }
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\\' && i + 1 < text.length()) {
        cur.append(text.charAt(++i));
      } else if (isSeparator(ch) || ch == '\\') {
        if (cur.length() > 0) {
          out.add(cur.toString().toLowerCase(Locale.ROOT));
          cur.setLength(0);
        }
      } else {
        cur.append(ch);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * {@code text[start, end)} lower-cased, from the cache when an ASCII word there has the same characters (other words
   * take {@link String#toLowerCase(Locale)}'s rules and are not cached).
   */
  private static String word(String text, int start, int end, String[] cache) {
    int h = 0;
    for (int i = start; i < end; i++) {
      char ch = text.charAt(i);
      if (ch >= 128) {
        return text.substring(start, end).toLowerCase(Locale.ROOT);
      }
      h = 31 * h + lower(ch);
    }
    int slot = (h ^ (h >>> 12)) & (cache.length - 1);
    String w = cache[slot];
    if (w != null && w.length() == end - start) {
      int i = 0;
      while (i < w.length() && w.charAt(i) == lower(text.charAt(start + i))) {
        i++;
      }
      if (i == w.length()) {
        return w;
      }
    }
    return cache[slot] = text.substring(start, end).toLowerCase(Locale.ROOT);
  }

  private static char lower(char ascii) {
    return ascii >= 'A' && ascii <= 'Z' ? (char) (ascii + 32) : ascii;
  }

  /** The stem of a lower-cased query word in the query's language, or null (see {@link #stem(String, String)}). */
  String stem(String word) {
    return stem(word, queryLanguage);
  }

  /** The stem of a lower-cased word, or null when it is the word itself (or too short to stem, or no stemmer). */
  String stem(String word, String language) {
    if (word.length() < 3) {
      return null;
    }
    if (language.equals(defaultLanguage)) { // indexing asks for the same words again and again: remember them
      String s = stems.get(word);
      if (s == null) {
        if (stems.size() >= STEM_CACHE) {
          stems.clear();
        }
        s = snowball(word, language);
        stems.put(word, s == null ? NO_STEM : s);
        return s;
      }
      return s == NO_STEM ? null : s;
    }
    return snowball(word, language);
  }

  /** Words the stem cache holds at most (then it starts again: the frequent words come back first). */
  private static final int STEM_CACHE = 16384;
  private static final String NO_STEM = new String("");
  /** The default language's stems by word ({@link #NO_STEM} for a word that is its own stem). */
  private final HashMap<String, String> stems = new HashMap<>();

  private String snowball(String word, String language) {
    SnowballStemmer stemmer = stemmers.computeIfAbsent(language, l -> {
      Supplier<SnowballStemmer> make = LANGUAGES.get(l);
      return make == null ? null : make.get();
    });
    if (stemmer == null) {
      return null;
    }
    stemmer.setCurrent(word);
    stemmer.stem();
    String s = stemmer.getCurrent();
    return s.equals(word) ? null : s;
  }

  static boolean isStopword(Set<String> stopwords, String word) {
    return stopwords.contains(word);
  }
}
