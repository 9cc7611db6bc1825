package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.util.List;

/**
 * Scorers besides the default TFIDF. TFIDF.DOCNORM normalizes by the document's length instead of its highest term
 * frequency; DOCSCORE is the document's own score. BM25, BM25STD, DISMAX and HAMMING are not implemented yet.
 */
final class Scorers {
  private Scorers() {}

  static double[] rescore(String scorer, SearchIndex idx, List<SearchIndex.Doc> hits, double[] tfidf) {
    double[] out = new double[tfidf.length];
    switch (scorer) {
      case "DOCSCORE" -> hits.forEach(d -> out[d.id] = d.score);
      case "TFIDF.DOCNORM" -> hits.forEach(d -> out[d.id] = tfidf[d.id] * Math.max(d.maxFreq, 1)
          / Math.max(d.length, 1));
      default -> throw RedisException.line("Scoring function `" + scorer + "` is not supported by this module yet");
    }
    return out;
  }
}
