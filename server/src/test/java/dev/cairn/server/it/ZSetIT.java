package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Sorted-set commands through a real server: exact replies in RESP2 and RESP3, errors, and a randomized model check. */
class ZSetIT extends ServerTestBase {
  private RawClient r;

  private String cmd(String... args) throws Exception {
    return r.command(args).readReply();
  }

  private static String bulks(String... items) {
    StringBuilder sb = new StringBuilder("*").append(items.length).append("\r\n");
    for (String s : items) {
      sb.append('$').append(s.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(s).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  void zaddOptionsAndErrors() throws Exception {
    r = raw();
    assertEquals(":3\r\n", cmd("ZADD", "z", "1", "a", "2", "b", "3", "c"));
    assertEquals("-ERR XX and NX options at the same time are not compatible\r\n",
        cmd("ZADD", "z", "NX", "XX", "1", "a"));
    assertEquals("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
        cmd("ZADD", "z", "GT", "LT", "1", "a"));
    assertEquals("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
        cmd("ZADD", "z", "GT", "NX", "1", "a"));
    assertEquals("-ERR INCR option supports a single increment-element pair\r\n",
        cmd("ZADD", "z", "INCR", "1", "a", "2", "b"));
    assertEquals("-ERR syntax error\r\n", cmd("ZADD", "z", "XX", "1", "a", "2"));
    assertEquals("-ERR syntax error\r\n", cmd("ZADD", "z", "FOO", "1", "a"));
    assertEquals("-ERR value is not a valid float\r\n", cmd("ZADD", "z", "nan", "a"));
    assertEquals("-ERR value is not a valid float\r\n", cmd("ZADD", "z", "", "a"));
    assertEquals("-ERR value is not a valid float\r\n", cmd("ZADD", "z", "1", "x", "2.x", "y"));
    assertEquals(":0\r\n", cmd("ZSCORE", "z", "x").equals("$-1\r\n") ? ":0\r\n" : "x was added");
    assertEquals("-ERR wrong number of arguments for 'zadd' command\r\n", cmd("ZADD", "z", "1"));
    // CH counts changed scores; GT keeps only increases
    assertEquals(":2\r\n", cmd("ZADD", "z", "CH", "GT", "5", "a", "0", "b", "7", "d"));
    assertEquals("$1\r\n6\r\n", cmd("ZADD", "z", "INCR", "1", "a"));
    assertEquals("$-1\r\n", cmd("ZADD", "z", "NX", "INCR", "1", "a"));
    assertEquals("$-1\r\n", cmd("ZADD", "z", "LT", "INCR", "1", "a"));
    assertEquals(":0\r\n", cmd("ZADD", "nokey", "XX", "1", "a"));
    assertEquals(":0\r\n", cmd("EXISTS", "nokey"));
    assertEquals("$4\r\n-inf\r\n", cmd("ZINCRBY", "z", "-inf", "a"));
    assertEquals("-ERR resulting score is not a number (NaN)\r\n", cmd("ZINCRBY", "z", "+inf", "a"));
    assertEquals("-ERR value is not a valid float\r\n", cmd("ZINCRBY", "z", "x", "a"));
    cmd("SET", "str", "x");
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", cmd("ZADD", "str", "1", "a"));
  }

  @Test
  void scoresRanksAndResp3() throws Exception {
    r = raw();
    cmd("ZADD", "z", "1.5", "a", "1e100", "b", "-0.0", "c", "3.14159265358979", "d");
    assertEquals(bulks("c", "0", "a", "1.5", "d", "3.14159265358979", "b", "1e+100"),
        cmd("ZRANGE", "z", "0", "-1", "WITHSCORES"));
    assertEquals("$3\r\n1.5\r\n", cmd("ZSCORE", "z", "a"));
    assertEquals("$-1\r\n", cmd("ZSCORE", "z", "zz"));
    assertEquals("*2\r\n$3\r\n1.5\r\n$-1\r\n", cmd("ZMSCORE", "z", "a", "zz"));
    assertEquals(":1\r\n", cmd("ZRANK", "z", "a"));
    assertEquals(":2\r\n", cmd("ZREVRANK", "z", "a"));
    assertEquals("*2\r\n:1\r\n$3\r\n1.5\r\n", cmd("ZRANK", "z", "a", "WITHSCORE"));
    assertEquals("$-1\r\n", cmd("ZRANK", "z", "zz"));
    assertEquals("*-1\r\n", cmd("ZRANK", "z", "zz", "WITHSCORE"));
    assertEquals("-ERR syntax error\r\n", cmd("ZRANK", "z", "a", "foo"));
    cmd("HELLO", "3");
    assertEquals(",1.5\r\n", cmd("ZSCORE", "z", "a"));
    assertEquals("_\r\n", cmd("ZSCORE", "z", "zz"));
    assertEquals("*2\r\n*2\r\n$1\r\nc\r\n,0\r\n*2\r\n$1\r\na\r\n,1.5\r\n",
        cmd("ZRANGE", "z", "0", "1", "WITHSCORES"));
    assertEquals("*2\r\n:1\r\n,1.5\r\n", cmd("ZRANK", "z", "a", "WITHSCORE"));
    assertEquals("*2\r\n$1\r\nc\r\n,0\r\n", cmd("ZPOPMIN", "z"));
    assertEquals("*1\r\n*2\r\n$1\r\nb\r\n,1e+100\r\n", cmd("ZPOPMAX", "z", "1"));
    assertEquals("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n", cmd("ZMPOP", "1", "z", "MIN"));
    assertEquals("*1\r\n*2\r\n$1\r\nd\r\n,3.14159265358979\r\n", cmd("ZRANDMEMBER", "z", "1", "WITHSCORES"));
    assertEquals("_\r\n", cmd("ZMPOP", "1", "nokey", "MIN"));
  }

  @Test
  void rangeForms() throws Exception {
    r = raw();
    cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
    assertEquals(bulks("b", "c"), cmd("ZRANGE", "z", "1", "2"));
    assertEquals(bulks("d", "c"), cmd("ZRANGE", "z", "1", "2", "REV"));
    assertEquals(bulks("e", "d"), cmd("ZREVRANGE", "z", "0", "1"));
    assertEquals(bulks("c", "3", "d", "4"), cmd("ZRANGE", "z", "(2", "4", "BYSCORE", "WITHSCORES"));
    assertEquals(bulks("d", "c"), cmd("ZRANGE", "z", "+inf", "(2", "BYSCORE", "REV", "LIMIT", "1", "2"));
    assertEquals(bulks("b", "c", "d", "e"), cmd("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "-1"));
    assertEquals("*0\r\n", cmd("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2"));
    assertEquals(bulks("e", "d", "c"), cmd("ZREVRANGEBYSCORE", "z", "5", "(2"));
    assertEquals("*0\r\n", cmd("ZRANGE", "z", "5", "1", "BYSCORE"));
    assertEquals("*0\r\n", cmd("ZRANGE", "z", "3", "1"));
    assertEquals(":3\r\n", cmd("ZCOUNT", "z", "(1", "4"));
    assertEquals("-ERR min or max is not a float\r\n", cmd("ZCOUNT", "z", "a", "1"));
    // bounds are read with strtod: "" and "(" are 0, leading blanks are skipped, trailing ones are not
    assertEquals(":5\r\n", cmd("ZCOUNT", "z", "(", "+inf"));
    assertEquals(":0\r\n", cmd("ZCOUNT", "z", "-inf", ""));
    assertEquals(":4\r\n", cmd("ZCOUNT", "z", " 2", "inf"));
    assertEquals("-ERR min or max is not a float\r\n", cmd("ZCOUNT", "z", "2 ", "inf"));
    assertEquals("-ERR min or max is not a float\r\n", cmd("ZRANGEBYSCORE", "z", "1", "NaN"));
    assertEquals("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
        cmd("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"));
    assertEquals("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
        cmd("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"));
    assertEquals("-ERR syntax error\r\n", cmd("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"));
    assertEquals("-ERR syntax error\r\n", cmd("ZREVRANGE", "z", "0", "1", "REV"));
    assertEquals("-ERR value is not an integer or out of range\r\n", cmd("ZRANGE", "z", "a", "1"));
    cmd("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d");
    assertEquals(bulks("b", "c"), cmd("ZRANGE", "l", "[b", "(d", "BYLEX"));
    assertEquals(bulks("c", "b"), cmd("ZRANGE", "l", "(d", "[b", "BYLEX", "REV"));
    assertEquals(bulks("a", "b", "c", "d"), cmd("ZRANGEBYLEX", "l", "-", "+"));
    assertEquals(bulks("d", "c"), cmd("ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", "0", "2"));
    assertEquals(":3\r\n", cmd("ZLEXCOUNT", "l", "(a", "+"));
    assertEquals("-ERR min or max not valid string range item\r\n", cmd("ZLEXCOUNT", "l", "a", "+"));
    assertEquals("-ERR min or max not valid string range item\r\n", cmd("ZRANGEBYLEX", "l", "+x", "[b"));
    assertEquals(":2\r\n", cmd("ZREMRANGEBYLEX", "l", "[b", "(d"));
    assertEquals(":1\r\n", cmd("ZREMRANGEBYRANK", "l", "-1", "-1"));
    assertEquals(":1\r\n", cmd("ZREMRANGEBYSCORE", "l", "-inf", "+inf"));
    assertEquals(":0\r\n", cmd("EXISTS", "l"));
    assertEquals(":2\r\n", cmd("ZRANGESTORE", "dst", "z", "0", "1", "REV"));
    assertEquals(bulks("d", "4", "e", "5"), cmd("ZRANGE", "dst", "0", "-1", "WITHSCORES"));
    assertEquals(":0\r\n", cmd("ZRANGESTORE", "dst", "z", "10", "20"));
    assertEquals(":0\r\n", cmd("EXISTS", "dst"));
    assertEquals("-ERR syntax error\r\n", cmd("ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"));
  }

  @Test
  void algebra() throws Exception {
    r = raw();
    cmd("ZADD", "z1", "1", "a", "2", "b", "3", "c");
    cmd("ZADD", "z2", "2", "b", "5", "c", "7", "x");
    cmd("SADD", "s", "c", "x", "y");
    assertEquals(bulks("a", "1", "b", "4", "x", "7", "c", "8"), cmd("ZUNION", "2", "z1", "z2", "WITHSCORES"));
    assertEquals(bulks("a", "1", "y", "1", "b", "4", "x", "8", "c", "9"),
        cmd("ZUNION", "3", "z1", "z2", "s", "WITHSCORES"));
    assertEquals(bulks("b", "6", "c", "15"),
        cmd("ZINTER", "2", "z1", "z2", "WEIGHTS", "2", "3", "AGGREGATE", "MAX", "WITHSCORES"));
    assertEquals(bulks("a", "1"), cmd("ZDIFF", "2", "z1", "z2", "WITHSCORES"));
    assertEquals(":4\r\n", cmd("ZUNIONSTORE", "d", "2", "z1", "z2", "AGGREGATE", "MIN"));
    assertEquals(bulks("a", "1", "b", "2", "c", "3", "x", "7"), cmd("ZRANGE", "d", "0", "-1", "WITHSCORES"));
    assertEquals(":0\r\n", cmd("ZINTERSTORE", "d", "2", "z1", "nokey"));
    assertEquals(":0\r\n", cmd("EXISTS", "d"));
    assertEquals(":2\r\n", cmd("ZINTERCARD", "2", "z1", "z2"));
    assertEquals(":1\r\n", cmd("ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"));
    assertEquals("-ERR at least 1 input key is needed for 'zunionstore' command\r\n",
        cmd("ZUNIONSTORE", "d", "0", "z1"));
    assertEquals("-ERR at least 1 input key is needed for 'zintercard' command\r\n", cmd("ZINTERCARD", "0", "z1"));
    assertEquals("-ERR syntax error\r\n", cmd("ZINTER", "2", "z1"));
    assertEquals("-ERR syntax error\r\n", cmd("ZDIFF", "2", "z1", "z2", "WEIGHTS", "1", "2"));
    assertEquals("-ERR syntax error\r\n", cmd("ZUNIONSTORE", "d", "2", "z1", "z2", "WITHSCORES"));
    assertEquals("-ERR weight value is not a float\r\n", cmd("ZUNION", "1", "z1", "WEIGHTS", "x"));
    assertEquals("-ERR LIMIT can't be negative\r\n", cmd("ZINTERCARD", "1", "z1", "LIMIT", "-1"));
    cmd("SET", "str", "x");
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        cmd("ZINTER", "2", "nokey", "str"));
    // 0 * inf is scored 0, as Redis does
    cmd("ZADD", "inf", "inf", "m");
    assertEquals(bulks("m", "0"), cmd("ZUNION", "1", "inf", "WEIGHTS", "0", "WITHSCORES"));
  }

  @Test
  void popsAndRandom() throws Exception {
    r = raw();
    assertEquals("*0\r\n", cmd("ZPOPMIN", "nokey"));
    assertEquals("-ERR value is out of range, must be positive\r\n", cmd("ZPOPMIN", "z", "-1"));
    cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
    assertEquals(bulks("a", "1"), cmd("ZPOPMIN", "z"));
    assertEquals(bulks("d", "4", "c", "3"), cmd("ZPOPMAX", "z", "2"));
    assertEquals("*0\r\n", cmd("ZPOPMIN", "z", "0"));
    assertEquals("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", cmd("ZMPOP", "2", "nokey", "z", "MAX",
        "COUNT", "10"));
    assertEquals(":0\r\n", cmd("EXISTS", "z"));
    assertEquals("*-1\r\n", cmd("ZMPOP", "1", "z", "MIN"));
    assertEquals("-ERR numkeys should be greater than 0\r\n", cmd("ZMPOP", "0", "z", "MIN"));
    assertEquals("-ERR count should be greater than 0\r\n", cmd("ZMPOP", "1", "z", "MIN", "COUNT", "0"));
    assertEquals("-ERR syntax error\r\n", cmd("ZMPOP", "1", "z", "MAX", "COUNT", "1", "COUNT", "2"));
    assertEquals("-ERR syntax error\r\n", cmd("ZMPOP", "1", "z", "bad"));
    assertEquals("$-1\r\n", cmd("ZRANDMEMBER", "nokey"));
    assertEquals("*0\r\n", cmd("ZRANDMEMBER", "nokey", "3"));
    assertEquals("-ERR value is out of range\r\n", cmd("ZRANDMEMBER", "z", "-9223372036854770000", "WITHSCORES"));
    assertEquals("-ERR syntax error\r\n", cmd("ZRANDMEMBER", "z", "1", "foo"));
    for (int i = 0; i < 200; i++) {
      jedis.zadd("big", i, "m" + i);
    }
    assertEquals(200, new java.util.HashSet<>(jedis.zrandmember("big", 500)).size());
    assertEquals(50, new java.util.HashSet<>(jedis.zrandmember("big", 50)).size());
    assertEquals(300, jedis.zrandmember("big", -300).size());
  }

  @Test
  @DisplayName("ZSCAN and encodings")
  void scanAndEncoding() throws Exception {
    r = raw();
    cmd("ZADD", "z", "1", "a", "2", "b");
    assertEquals("$8\r\nlistpack\r\n", cmd("OBJECT", "ENCODING", "z"));
    assertEquals("*2\r\n$1\r\n0\r\n" + bulks("a", "1", "b", "2"), cmd("ZSCAN", "z", "0"));
    assertEquals("-ERR syntax error\r\n", cmd("ZSCAN", "z", "0", "COUNT", "0"));
    cmd("ZADD", "z", "3", "x".repeat(65));
    assertEquals("$8\r\nskiplist\r\n", cmd("OBJECT", "ENCODING", "z"));
    for (int i = 0; i < 1000; i++) {
      jedis.zadd("big", i / 2.0, "m" + i);
    }
    assertEquals("$8\r\nskiplist\r\n", cmd("OBJECT", "ENCODING", "big"));
    Map<String, Double> seen = new HashMap<>();
    String cursor = "0";
    do {
      var page = jedis.zscan("big", cursor, new redis.clients.jedis.params.ScanParams().count(25));
      page.getResult().forEach(t -> seen.put(t.getElement(), t.getScore()));
      cursor = page.getCursor();
    } while (!cursor.equals("0"));
    assertEquals(1000, seen.size());
    assertEquals(249.5, seen.get("m499"));
    // a small result is stored in the small encoding again
    assertEquals(":2\r\n", cmd("ZRANGESTORE", "small", "big", "0", "1"));
    assertEquals("$8\r\nlistpack\r\n", cmd("OBJECT", "ENCODING", "small"));
  }

  /** Model element: score then member bytes. */
  record E(double score, String member) implements Comparable<E> {
    @Override
    public int compareTo(E o) {
      int c = Double.compare(score, o.score);
      return c != 0 ? c : Arrays.compareUnsigned(member.getBytes(StandardCharsets.UTF_8),
          o.member.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void randomizedAgainstTreeSet() {
    long seed = System.nanoTime();
    System.out.println("ZSetIT seed " + seed);
    Random rnd = new Random(seed);
    Map<String, Double> scores = new HashMap<>();
    TreeSet<E> order = new TreeSet<>();
    String ctx = "seed " + seed;
    for (int op = 0; op < 4000; op++) {
      String m = "m" + rnd.nextInt(400);
      double s = rnd.nextInt(50);
      Double cur = scores.get(m);
      int kind = rnd.nextInt(10);
      if (kind < 5) {
        assertEquals(cur == null ? 1 : 0, jedis.zadd("z", s, m), ctx);
        if (cur != null) {
          order.remove(new E(cur, m));
        }
        scores.put(m, s);
        order.add(new E(s, m));
      } else if (kind < 7) {
        double next = (cur == null ? 0 : cur) + s;
        assertEquals(next, jedis.zincrby("z", s, m), ctx);
        if (cur != null) {
          order.remove(new E(cur, m));
        }
        scores.put(m, next);
        order.add(new E(next, m));
      } else {
        assertEquals(cur == null ? 0 : 1, jedis.zrem("z", m), ctx);
        if (cur != null) {
          scores.remove(m);
          order.remove(new E(cur, m));
        }
      }
      if (op % 400 == 0 || op == 3999) {
        List<E> list = new ArrayList<>(order);
        assertEquals(list.size(), jedis.zcard("z"), ctx);
        assertEquals(list.stream().map(E::member).toList(), jedis.zrange("z", 0, -1), ctx);
        for (int q = 0; q < 10 && !list.isEmpty(); q++) {
          int i = rnd.nextInt(list.size());
          assertEquals(i, jedis.zrank("z", list.get(i).member()), ctx);
          double lo = rnd.nextInt(120);
          double hi = lo + rnd.nextInt(60);
          List<String> expected = list.stream().filter(e -> e.score() >= lo && e.score() <= hi).map(E::member)
              .toList();
          assertEquals(expected, jedis.zrangeByScore("z", lo, hi), ctx);
          assertEquals(expected.size(), jedis.zcount("z", lo, hi), ctx);
          int off = rnd.nextInt(5);
          List<String> rev = new ArrayList<>(expected);
          java.util.Collections.reverse(rev);
          assertEquals(rev.subList(Math.min(off, rev.size()), Math.min(rev.size(), off + 3)),
              jedis.zrevrangeByScore("z", hi, lo, off, 3), ctx);
        }
      }
    }
  }
}
