package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Scores number for number against RediSearch 2.10's formulas, worked by hand on a three-document corpus (title TEXT,
 * weight 1):
 * <pre>
 *   d1 "hello world"        entries hello 1, world 1                  maxFreq 1, len 2
 *   d2 "hello hello kitty"  entries hello 2, kitty 1, +kitti 1 (stem) maxFreq 2, len 3
 *   d3 "goodbye moon"       entries goodbye 1, +goodby 1, moon 1      maxFreq 1, len 2
 *   N 3, average length 7/3; "hello" is in 2 documents: IDF logb(1 + 3/2) = 1, BM25STD's log(1 + 1.5/2.5) (floats)
 *   "hello" is the union (hello, +hello): one matching child in d1 and d2, slop 1.
 *   TFIDF         d1 1*1*1 / 1 = 1            d2 1*2*1 / 2 = 1
 *   TFIDF.DOCNORM d1 1 / 2 = 0.5              d2 2 / 3
 *   BM25          d1 1*1 / (1 + 1.2f*(0.5 + 0.5*7/3))   d2 1*2 / (2 + 1.2f*(0.5 + 0.5*7/3))
 *   BM25STD       d1 idf*1*2.2f / (1 + 1.2f*(0.5 + 0.5*2/(7/3)))   d2 idf*2*2.2f / (2 + 1.2f*(0.5 + 0.5*3/(7/3)))
 *   DISMAX        d1 1   d2 2 (the union's maximum frequency)
 *   "hello world" in d1: hello 1 + world 1*1*logb(1 + 3/1) = 2: 3 / maxFreq 1 / slop 1 = 3
 *   "hello kitty" in d2: hello 2 + kitty union (kitty 2 + +kitti 2) = 6 / maxFreq 2 / slop 1 = 3
 * </pre>
 */
@WithCairn(jars = "target/cairn-search.jar", config = {"dir", "target", "save", ""})
class SearchScoresIT extends SearchITBase {
  @BeforeEach
  void setUp() {
    cmd("FT.CREATE", "sc", "PREFIX", "1", "d", "SCORE_FIELD", "__score", "PAYLOAD_FIELD", "__payload", "SCHEMA",
        "title", "TEXT");
    cmd("HSET", "d1", "title", "hello world");
    cmd("HSET", "d2", "title", "hello hello kitty");
    cmd("HSET", "d3", "title", "goodbye moon");
  }

  /** Document id to score of FT.SEARCH sc query NOCONTENT WITHSCORES [extra]. */
  private Map<String, Double> scores(String query, String... extra) {
    List<String> args = new ArrayList<>(List.of("FT.SEARCH", "sc", query, "NOCONTENT", "WITHSCORES"));
    args.addAll(List.of(extra));
    List<?> r = (List<?>) cmd(args.toArray(new String[0]));
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 1; i + 1 < r.size(); i += 2) {
      out.put((String) r.get(i), Double.parseDouble((String) r.get(i + 1)));
    }
    return out;
  }

  private static final double K1 = 1.2f;
  private static final double AVG = 7.0 / 3;

  @Test
  void tfidf() {
    assertEquals(Map.of("d1", 1.0, "d2", 1.0), scores("hello"));
    assertEquals(Map.of("d1", 0.5, "d2", 2.0 / 3), scores("hello", "SCORER", "TFIDF.DOCNORM"));
    assertEquals(Map.of("d1", 3.0), scores("hello world"));
    assertEquals(Map.of("d2", 3.0), scores("hello kitty"));
  }

  @Test
  void bm25AndBm25std() {
    Map<String, Double> bm25 = scores("hello", "SCORER", "BM25");
    assertEquals(1 / (1 + K1 * (0.5 + 0.5 * AVG)), bm25.get("d1"), 1e-15);
    assertEquals(2 / (2 + K1 * (0.5 + 0.5 * AVG)), bm25.get("d2"), 1e-15);
    assertEquals(0.3333333245030158, bm25.get("d1"), 1e-15);
    assertEquals(0.4999999900658927, bm25.get("d2"), 1e-15);
    Map<String, Double> std = scores("hello", "SCORER", "BM25STD");
    assertEquals(0.4890578462947453, std.get("d1"), 1e-15);
    assertEquals(0.6133945898090777, std.get("d2"), 1e-15);
  }

  @Test
  void dismaxDocscoreHamming() {
    assertEquals(Map.of("d2", 2.0, "d1", 1.0), scores("hello", "SCORER", "DISMAX"));
    cmd("HSET", "d1", "__score", "0.25");
    assertEquals(Map.of("d1", 0.25, "d2", 1.0), scores("hello", "SCORER", "DOCSCORE"));
    cmd("HSET", "d1", "__payload", "abd");
    cmd("HSET", "d2", "__payload", "abcd");
    // 'c' ^ 'd' = 0b111: three bits, 1 / (3 + 1); d2's payload has another length: 0
    assertEquals(Map.of("d1", 0.25, "d2", 0.0), scores("hello", "SCORER", "HAMMING", "PAYLOAD", "abc"));
  }

  @Test
  void explainScore() {
    List<?> r = (List<?>) cmd("FT.SEARCH", "sc", "hello world", "NOCONTENT", "WITHSCORES", "EXPLAINSCORE");
    assertEquals(List.of(1L, "d1", List.of("3", List.of(
        "Final TFIDF : words TFIDF 3.00 * document score 1.00 / norm 1 / slop 1",
        List.of(List.of("(Weight 1.00 * total children TFIDF 3.00)", List.of(
            List.of("(Weight 1.00 * total children TFIDF 1.00)",
                List.of("(TFIDF 1.00 = Weight 1.00 * TF 1 * IDF 1.00)")),
            List.of("(Weight 1.00 * total children TFIDF 2.00)",
                List.of("(TFIDF 2.00 = Weight 1.00 * TF 1 * IDF 2.00)")))))))), r);
    List<?> b = (List<?>) cmd("FT.SEARCH", "sc", "hello", "NOCONTENT", "WITHSCORES", "EXPLAINSCORE", "SCORER",
        "BM25STD", "LIMIT", "0", "1");
    assertEquals(List.of("Final BM25 : words BM25 0.61 * document score 1.00",
        List.of(List.of("(Weight 1.00 * children BM25 0.61)", List.of(
            "hello: (0.61 = IDF 0.47 * (F 2.00 * (k1 1.2 + 1)) / (F 2.00 + k1 1.2 * (1 - b 0.5 + b 0.5 * Doc Len 3 "
                + "/ Average Doc Len 2.33)))")))), ((List<?>) b.get(2)).get(1));
    assertEquals("EXPLAINSCORE must be accompanied with WITHSCORES",
        assertThrows(JedisDataException.class, () -> cmd("FT.SEARCH", "sc", "hello", "EXPLAINSCORE")).getMessage());
  }
}
