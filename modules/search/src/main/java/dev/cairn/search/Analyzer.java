package dev.cairn.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tartarus.snowball.ext.EnglishStemmer;

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

  private final EnglishStemmer stemmer = new EnglishStemmer();
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

  static boolean isSeparator(char ch) {
    return Character.isWhitespace(ch) || SEPARATORS.indexOf(ch) >= 0 && ch != '\\';
  }

  /** Splits {@code text} into lower-cased tokens (stop words included; the caller decides). */
  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
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
    return out;
  }

  /** The stem of a lower-cased word, or null when it is the word itself (or too short to stem). */
  String stem(String word) {
    if (word.length() < 3) {
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
