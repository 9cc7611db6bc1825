package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Set commands through a real server: replies byte for byte, encodings, errors, and a randomized model check. */
class SetIT extends ServerTestBase {
  private RawClient r;

  private String cmd(String... args) throws Exception {
    return r.command(args).readReply();
  }

  @Test
  void addRemoveMembership() throws Exception {
    r = raw();
    assertEquals(":3\r\n", cmd("SADD", "s", "a", "b", "a", "c"));
    assertEquals(":0\r\n", cmd("SADD", "s", "a"));
    assertEquals(":3\r\n", cmd("SCARD", "s"));
    assertEquals(":1\r\n", cmd("SISMEMBER", "s", "b"));
    assertEquals(":0\r\n", cmd("SISMEMBER", "s", "z"));
    assertEquals("*3\r\n:1\r\n:0\r\n:1\r\n", cmd("SMISMEMBER", "s", "a", "z", "c"));
    assertEquals("*2\r\n:0\r\n:0\r\n", cmd("SMISMEMBER", "nokey", "a", "z"));
    assertEquals(":2\r\n", cmd("SREM", "s", "a", "b", "zz"));
    assertEquals(":1\r\n", cmd("SREM", "s", "c"));
    assertEquals(":0\r\n", cmd("EXISTS", "s"));
    assertEquals("-ERR wrong number of arguments for 'smismember' command\r\n", cmd("SMISMEMBER", "s"));
  }

  @Test
  @DisplayName("SADD, SCARD, SISMEMBER, SMEMBERS against non set")
  void wrongType() throws Exception {
    r = raw();
    cmd("SET", "str", "x");
    String wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    for (String[] c : List.of(new String[] {"SADD", "str", "a"}, new String[] {"SCARD", "str"},
        new String[] {"SMEMBERS", "str"}, new String[] {"SISMEMBER", "str", "a"},
        new String[] {"SINTER", "nokey", "str"}, new String[] {"SUNIONSTORE", "d", "str"},
        new String[] {"SPOP", "str"}, new String[] {"SSCAN", "str", "0"})) {
      assertEquals(wrongType, cmd(c), String.join(" ", c));
    }
    // a missing source answers 0 before the destination's type is looked at
    assertEquals(":0\r\n", cmd("SMOVE", "nokey", "str", "a"));
    cmd("SADD", "s", "a");
    assertEquals(wrongType, cmd("SMOVE", "s", "str", "a"));
  }

  @Test
  void encodingsFollowConfig() throws Exception {
    r = raw();
    cmd("SADD", "s", "1", "2", "3");
    assertEquals("$6\r\nintset\r\n", cmd("OBJECT", "ENCODING", "s"));
    cmd("SADD", "s", "x");
    assertEquals("$8\r\nlistpack\r\n", cmd("OBJECT", "ENCODING", "s"));
    cmd("SADD", "s", "a".repeat(65));
    assertEquals("$9\r\nhashtable\r\n", cmd("OBJECT", "ENCODING", "s"));
    cmd("CONFIG", "SET", "set-max-intset-entries", "4");
    try {
      cmd("SADD", "i", "1", "2", "3", "4");
      assertEquals("$6\r\nintset\r\n", cmd("OBJECT", "ENCODING", "i"));
      cmd("SADD", "i", "5");
      assertEquals("$9\r\nhashtable\r\n", cmd("OBJECT", "ENCODING", "i"));
    } finally {
      cmd("CONFIG", "SET", "set-max-intset-entries", "512");
    }
    // SADD with many string members goes straight to a hashtable
    String[] many = new String[131];
    many[0] = "SADD";
    many[1] = "h";
    for (int i = 2; i < many.length; i++) {
      many[i] = "m" + i;
    }
    cmd(many);
    assertEquals("$9\r\nhashtable\r\n", cmd("OBJECT", "ENCODING", "h"));
  }

  @Test
  void spopAndSrandmember() throws Exception {
    r = raw();
    assertEquals("$-1\r\n", cmd("SPOP", "nokey"));
    assertEquals("*0\r\n", cmd("SPOP", "nokey", "3"));
    assertEquals("*0\r\n", cmd("SRANDMEMBER", "nokey", "3"));
    assertEquals("-ERR value is out of range, must be positive\r\n", cmd("SPOP", "s", "-1"));
    assertEquals("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
        cmd("SRANDMEMBER", "s", "-9223372036854775808"));
    assertEquals("-ERR syntax error\r\n", cmd("SPOP", "s", "1", "2"));
    for (int i = 0; i < 300; i++) {
      jedis.sadd("big", "m" + i);
    }
    assertEquals(300, jedis.srandmember("big", 300).size());
    assertEquals(new HashSet<>(jedis.srandmember("big", 300)).size(), 300);
    assertEquals(50, new HashSet<>(jedis.srandmember("big", 50)).size());
    assertEquals(1000, jedis.srandmember("big", -1000).size());
    Set<String> popped = new HashSet<>(jedis.spop("big", 100));
    assertEquals(100, popped.size());
    assertEquals(200, jedis.scard("big"));
    for (String m : popped) {
      assertTrue(!jedis.sismember("big", m));
    }
    assertEquals(200, jedis.spop("big", 1000).size());
    assertEquals(0, jedis.exists("big") ? 1 : 0);
  }

  @Test
  void algebraAndStore() throws Exception {
    r = raw();
    jedis.sadd("a", "1", "2", "3", "x");
    jedis.sadd("b", "2", "3", "4");
    assertEquals(Set.of("2", "3"), jedis.sinter("a", "b"));
    assertEquals(Set.of("1", "2", "3", "4", "x"), jedis.sunion("a", "b"));
    assertEquals(Set.of("1", "x"), jedis.sdiff("a", "b"));
    assertEquals(Set.of(), jedis.sinter("a", "nokey"));
    assertEquals(2, jedis.sinterstore("d", "a", "b"));
    assertEquals("$6\r\nintset\r\n", cmd("OBJECT", "ENCODING", "d"));
    cmd("EXPIRE", "d", "100");
    assertEquals(5, jedis.sunionstore("d", "a", "b"));
    assertEquals(":-1\r\n", cmd("TTL", "d"));
    assertEquals(":0\r\n", cmd("SDIFFSTORE", "d", "nokey", "a"));
    assertEquals(":0\r\n", cmd("EXISTS", "d"));
    assertEquals(":2\r\n", cmd("SINTERCARD", "2", "a", "b"));
    assertEquals(":1\r\n", cmd("SINTERCARD", "2", "a", "b", "LIMIT", "1"));
    assertEquals(":0\r\n", cmd("SINTERCARD", "2", "a", "nokey"));
    assertEquals("-ERR numkeys should be greater than 0\r\n", cmd("SINTERCARD", "0", "a"));
    assertEquals("-ERR numkeys should be greater than 0\r\n", cmd("SINTERCARD", "x", "a"));
    assertEquals("-ERR Number of keys can't be greater than number of args\r\n", cmd("SINTERCARD", "3", "a", "b"));
    assertEquals("-ERR syntax error\r\n", cmd("SINTERCARD", "1", "a", "b"));
    assertEquals("-ERR LIMIT can't be negative\r\n", cmd("SINTERCARD", "1", "a", "LIMIT", "-1"));
    assertEquals("-ERR LIMIT can't be negative\r\n", cmd("SINTERCARD", "1", "a", "LIMIT", "x"));
  }

  @Test
  void smove() throws Exception {
    r = raw();
    jedis.sadd("src", "a", "b");
    jedis.sadd("dst", "1");
    assertEquals(":1\r\n", cmd("SMOVE", "src", "dst", "a"));
    assertEquals(":0\r\n", cmd("SMOVE", "src", "dst", "zz"));
    assertEquals(":1\r\n", cmd("SMOVE", "src", "src", "b"));
    assertEquals(":1\r\n", cmd("SMOVE", "src", "new", "b"));
    assertEquals(":0\r\n", cmd("EXISTS", "src"));
    assertEquals(Set.of("1", "a"), jedis.smembers("dst"));
    assertEquals(Set.of("b"), jedis.smembers("new"));
  }

  @Test
  void resp3ShapesAndScan() throws Exception {
    r = raw();
    cmd("HELLO", "3");
    cmd("SADD", "s", "a");
    assertEquals("~1\r\n$1\r\na\r\n", cmd("SMEMBERS", "s"));
    assertEquals("~1\r\n$1\r\na\r\n", cmd("SINTER", "s"));
    assertEquals("*1\r\n$1\r\na\r\n", cmd("SRANDMEMBER", "s", "5"));
    assertEquals("~1\r\n$1\r\na\r\n", cmd("SPOP", "s", "5"));
    assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", cmd("SSCAN", "nokey", "0"));
    assertEquals("-ERR invalid cursor\r\n", cmd("SSCAN", "s", "x"));
    assertEquals("-ERR syntax error\r\n", cmd("SSCAN", "s", "0", "COUNT", "0"));
    assertEquals("-ERR syntax error\r\n", cmd("SSCAN", "s", "0", "MATCH"));
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      all.add("m" + i);
    }
    jedis.sadd("big", all.toArray(new String[0]));
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    do {
      var page = jedis.sscan("big", cursor, new redis.clients.jedis.params.ScanParams().count(20));
      seen.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals("0"));
    assertEquals(all, seen);
    var matched = jedis.sscan("big", "0", new redis.clients.jedis.params.ScanParams().match("m99*").count(5000));
    assertEquals(Set.of("m99", "m990", "m991", "m992", "m993", "m994", "m995", "m996", "m997", "m998", "m999"),
        new HashSet<>(matched.getResult()));
  }

  @Test
  void randomizedAgainstHashSet() {
    long seed = System.nanoTime();
    System.out.println("SetIT seed " + seed);
    Random rnd = new Random(seed);
    Set<String> a = new HashSet<>();
    Set<String> b = new HashSet<>();
    for (int op = 0; op < 3000; op++) {
      boolean first = rnd.nextBoolean();
      String m = rnd.nextInt(3) == 0 ? Integer.toString(rnd.nextInt(700)) : "s" + rnd.nextInt(700);
      Set<String> model = first ? a : b;
      String key = first ? "a" : "b";
      if (rnd.nextInt(3) > 0) {
        assertEquals(model.add(m) ? 1 : 0, jedis.sadd(key, m), "seed " + seed);
      } else {
        assertEquals(model.remove(m) ? 1 : 0, jedis.srem(key, m), "seed " + seed);
      }
    }
    assertEquals(a, jedis.smembers("a"), "seed " + seed);
    Set<String> inter = new HashSet<>(a);
    inter.retainAll(b);
    Set<String> union = new HashSet<>(a);
    union.addAll(b);
    Set<String> diff = new HashSet<>(a);
    diff.removeAll(b);
    assertEquals(inter, jedis.sinter("a", "b"), "seed " + seed);
    assertEquals(union, jedis.sunion("a", "b"), "seed " + seed);
    assertEquals(diff, jedis.sdiff("a", "b"), "seed " + seed);
    assertEquals(inter.size(), jedis.sintercard("a", "b"), "seed " + seed);
  }
}
