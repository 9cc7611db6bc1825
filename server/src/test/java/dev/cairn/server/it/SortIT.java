package dev.cairn.server.it;

import static dev.cairn.server.it.ListIT.arr;
import static dev.cairn.server.it.ListIT.err;
import static dev.cairn.server.it.ListIT.i;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SORT and SORT_RO over lists (sets and sorted sets plug in through SortSource), replies byte for byte. */
class SortIT extends ServerTestBase {
  private RawClient r;

  @BeforeEach
  void rawClient() throws Exception {
    r = raw();
    q("RPUSH", "l", "3", "1", "2", "10", "-5", "2.5");
  }

  private String q(String... args) throws Exception {
    return r.command(args).readReply();
  }

  @Test
  void numericAndAlpha() throws Exception {
    assertEquals(arr("-5", "1", "2", "2.5", "3", "10"), q("SORT", "l"));
    assertEquals(arr("10", "3", "2.5", "2", "1", "-5"), q("SORT", "l", "DESC"));
    assertEquals(arr("-5", "1", "10", "2", "2.5", "3"), q("SORT", "l", "ALPHA"));
    assertEquals(arr("3", "2.5", "2", "10", "1", "-5"), q("SORT", "l", "alpha", "desc"));
    assertEquals(arr("-5", "1", "2", "2.5", "3", "10"), q("SORT_RO", "l"));
  }

  @Test
  void limit() throws Exception {
    assertEquals(arr("1", "2"), q("SORT", "l", "LIMIT", "1", "2"));
    assertEquals(arr("-5", "1"), q("SORT", "l", "LIMIT", "-1", "2"));
    assertEquals(arr(), q("SORT", "l", "LIMIT", "10", "2"));
    assertEquals(arr("-5", "1", "2", "2.5", "3", "10"), q("SORT", "l", "LIMIT", "0", "-1"));
    assertEquals(arr("2", "2.5", "3", "10"), q("SORT", "l", "LIMIT", "2", "100"));
    assertEquals(arr("10", "3"), q("SORT_RO", "l", "DESC", "LIMIT", "0", "2"));
  }

  @Test
  @DisplayName("SORT BY nosort retains native order for lists")
  void nosort() throws Exception {
    assertEquals(arr("3", "1", "2", "10", "-5", "2.5"), q("SORT", "l", "BY", "nosort"));
    assertEquals(arr("2.5", "-5", "10", "2", "1", "3"), q("SORT", "l", "BY", "nosort", "DESC"));
    assertEquals(arr("1", "2"), q("SORT", "l", "BY", "nosort", "LIMIT", "1", "2"));
    assertEquals(arr("-5", "10"), q("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
    q("RPUSH", "words", "b", "a");
    assertEquals(arr("b", "a"), q("SORT", "words", "BY", "nosort")); // no number needed when not sorting
  }

  @Test
  void byAndGetPatterns() throws Exception {
    for (String[] kv : new String[][] {{"w_3", "30"}, {"w_1", "10"}, {"w_2", "-1"}, {"w_10", "5"}, {"w_-5", "7"}}) {
      q("SET", kv[0], kv[1]);
    }
    // w_2.5 is missing: it weighs 0
    assertEquals(arr("2", "2.5", "10", "-5", "1", "3"), q("SORT", "l", "BY", "w_*"));
    assertEquals(arr("3", "1", "-5", "10", "2.5", "2"), q("SORT", "l", "BY", "w_*", "DESC"));
    assertEquals("*12\r\n$1\r\n2\r\n$2\r\n-1\r\n$3\r\n2.5\r\n$-1\r\n$2\r\n10\r\n$1\r\n5\r\n$2\r\n-5\r\n$1\r\n7\r\n"
        + "$1\r\n1\r\n$2\r\n10\r\n$1\r\n3\r\n$2\r\n30\r\n", q("SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*"));
    assertEquals("*2\r\n$-1\r\n$-1\r\n", q("SORT", "l", "LIMIT", "0", "2", "GET", "nostar"));
    assertEquals(arr("2.5", "2", "1", "3", "10", "-5"), q("SORT", "l", "BY", "w_*", "ALPHA"));
    // equal weights (no such keys): the members decide, compared as strings
    assertEquals(arr("-5", "1", "10", "2", "2.5", "3"), q("SORT", "l", "BY", "none_*"));
    // a "->" with no field name is part of the key name
    assertEquals(arr("-5", "1", "10", "2", "2.5", "3"), q("SORT", "l", "BY", "w_*->"));
    // a BY key that is not a string weighs nothing, a GET of it is nil
    q("DEL", "w_1");
    q("RPUSH", "w_1", "list");
    assertEquals("*2\r\n$1\r\n1\r\n$-1\r\n", q("SORT", "l", "BY", "w_*", "LIMIT", "1", "1", "GET", "#", "GET",
        "w_*"));
  }

  @Test
  void hashFieldsForByAndGet() throws Exception {
    q("DEL", "l");
    q("RPUSH", "l", "1", "2", "3");
    q("HSET", "h_1", "w", "30", "name", "one");
    q("HSET", "h_2", "w", "10", "name", "two");
    q("HSET", "h_3", "w", "20");
    assertEquals(arr("2", "3", "1"), q("SORT", "l", "BY", "h_*->w"));
    assertEquals("*3\r\n$3\r\ntwo\r\n$-1\r\n$3\r\none\r\n", q("SORT", "l", "BY", "h_*->w", "GET", "h_*->name"));
    assertEquals(arr("1", "3", "2"), q("SORT", "l", "BY", "h_*->w", "DESC"));
    assertEquals(arr("3", "2"), q("SORT", "l", "BY", "h_*->w", "DESC", "LIMIT", "1", "5"));
  }

  @Test
  void setsAndSortedSets() throws Exception {
    q("SADD", "s", "10", "2", "3", "-1");
    assertEquals(arr("-1", "2", "3", "10"), q("SORT", "s"));
    assertEquals(arr("10", "3", "2", "-1"), q("SORT", "s", "DESC"));
    assertEquals(arr("-1", "10", "2", "3"), q("SORT", "s", "ALPHA"));
    assertEquals(i(4), q("SORT", "s", "BY", "nosort", "STORE", "sd")); // stored sorted, whatever the set's order
    assertEquals(arr("-1", "10", "2", "3"), q("LRANGE", "sd", "0", "-1"));
    q("ZADD", "z", "1", "low", "2", "mid", "3", "high", "4", "top");
    assertEquals(arr("low", "mid", "high", "top"), q("SORT", "z", "BY", "nosort"));
    assertEquals(arr("top", "high", "mid", "low"), q("SORT", "z", "BY", "nosort", "DESC"));
    assertEquals(arr("mid", "high"), q("SORT", "z", "BY", "nosort", "LIMIT", "1", "2"));
    assertEquals(arr("high", "mid"), q("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
    assertEquals(arr("high", "low", "mid", "top"), q("SORT_RO", "z", "ALPHA"));
    assertEquals(err("One or more scores can't be converted into double"), q("SORT", "z"));
  }

  @Test
  @DisplayName("SORT extracts multiple STORE correctly")
  void commandGetkeysFindsTheLastStore() throws Exception {
    assertEquals(arr("abc", "def"), q("COMMAND", "GETKEYS", "sort", "abc", "store", "invalid", "store", "stillbad",
        "store", "def"));
    assertEquals(arr("abc", "def"), q("COMMAND", "GETKEYS", "sort", "abc", "by", "store", "get", "store", "store",
        "def"));
    assertEquals(arr("abc"), q("COMMAND", "GETKEYS", "sort_ro", "abc", "limit", "0", "1"));
  }

  @Test
  void store() throws Exception {
    assertEquals(i(6), q("SORT", "l", "STORE", "dst"));
    assertEquals(arr("-5", "1", "2", "2.5", "3", "10"), q("LRANGE", "dst", "0", "-1"));
    q("SET", "g_1", "one");
    assertEquals(i(2), q("SORT", "l", "LIMIT", "1", "2", "GET", "g_*", "STORE", "dst"));
    assertEquals(arr("one", ""), q("LRANGE", "dst", "0", "-1")); // a missing GET stores an empty string
    // an empty result deletes the destination
    assertEquals(i(0), q("SORT", "nokey", "STORE", "dst"));
    assertEquals(i(0), q("EXISTS", "dst"));
    q("SET", "str", "x");
    assertEquals(i(6), q("SORT", "l", "STORE", "str")); // STORE replaces whatever was there
    assertEquals(i(6), q("LLEN", "str"));
  }

  @Test
  void errors() throws Exception {
    q("RPUSH", "bad", "a", "1");
    assertEquals(err("One or more scores can't be converted into double"), q("SORT", "bad"));
    assertEquals(arr("1", "a"), q("SORT", "bad", "ALPHA"));
    q("RPUSH", "huge", "1e500");
    assertEquals(err("One or more scores can't be converted into double"), q("SORT", "huge"));
    q("SET", "str", "x");
    assertEquals(ListIT.WRONGTYPE, q("SORT", "str"));
    assertEquals(err("syntax error"), q("SORT", "l", "LIMIT"));
    assertEquals(err("syntax error"), q("SORT", "l", "LIMIT", "0"));
    assertEquals(err("value is not an integer or out of range"), q("SORT", "l", "LIMIT", "a", "b"));
    assertEquals(err("syntax error"), q("SORT", "l", "foo"));
    assertEquals(err("syntax error"), q("SORT_RO", "l", "STORE", "x"));
    assertEquals(err("syntax error"), q("SORT", "l", "BY"));
    assertEquals(arr(), q("SORT", "nokey"));
    assertEquals(err("wrong number of arguments for 'sort' command"), q("SORT"));
  }

  @Test
  void emptyStringsAndSpacesParseAsStrtodDoes() throws Exception {
    q("RPUSH", "e", "", " 1", "2", "-inf");
    assertEquals(arr("-inf", "", " 1", "2"), q("SORT", "e"));
  }

  @Test
  void randomListsSortLikeAModel() throws Exception {
    long seed = System.nanoTime();
    System.out.println("SortIT seed " + seed);
    Random rnd = new Random(seed);
    List<String> model = new ArrayList<>();
    String[] cmd = new String[502];
    cmd[0] = "RPUSH";
    cmd[1] = "rnd";
    for (int k = 0; k < 500; k++) {
      String v = rnd.nextBoolean() ? Integer.toString(rnd.nextInt(1000) - 500) : Double.toString(rnd.nextGaussian());
      model.add(v);
      cmd[k + 2] = v;
    }
    q(cmd);
    List<String> numeric = new ArrayList<>(model);
    numeric.sort(Comparator.comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder()));
    assertEquals(arr(numeric.toArray(new String[0])), q("SORT", "rnd"), "seed " + seed);
    List<String> alpha = new ArrayList<>(model);
    alpha.sort(Comparator.naturalOrder());
    assertEquals(arr(alpha.subList(10, 30).toArray(new String[0])), q("SORT", "rnd", "ALPHA", "LIMIT", "10", "20"),
        "seed " + seed);
  }
}
