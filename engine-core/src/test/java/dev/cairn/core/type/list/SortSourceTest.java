package dev.cairn.core.type.list;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.core.sort.HashFieldSource;
import dev.cairn.core.sort.SortSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SORT over the types that plug in through {@link SortSource} and {@link HashFieldSource}, with stand-ins for a set,
 * a sorted set and a hash (their real types live in other packages).
 */
class SortSourceTest {
  private InProcessEngine e;

  @BeforeEach
  void setUp() {
    e = new InProcessEngine();
  }

  /** Members in a fixed "native" order; a set ignores reverse, a sorted set honours it. */
  private record Members(String type, List<String> members) implements RedisValue, SortSource {
    @Override
    public String typeName() {
      return type;
    }

    @Override
    public String encoding() {
      return "listpack";
    }

    @Override
    public RedisValue copy() {
      return this; // immutable test value
    }

    @Override
    public long sortSize() {
      return members.size();
    }

    @Override
    public void forEachMember(Consumer<byte[]> action) {
      members.forEach(m -> action.accept(m.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void forEachInRange(long start, long end, boolean reverse, Consumer<byte[]> action) {
      List<String> order = new ArrayList<>(members);
      if (reverse && type.equals("zset")) {
        java.util.Collections.reverse(order);
      }
      order.subList((int) start, (int) end + 1).forEach(m -> action.accept(m.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private record Hash(Map<String, String> fields) implements RedisValue, HashFieldSource {
    @Override
    public String typeName() {
      return "hash";
    }

    @Override
    public String encoding() {
      return "listpack";
    }

    @Override
    public RedisValue copy() {
      return this; // immutable test value
    }

    @Override
    public byte[] sortField(byte[] field, long now) {
      String v = fields.get(new String(field, StandardCharsets.UTF_8));
      return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
    }
  }

  private static String arr(String... elems) {
    StringBuilder sb = new StringBuilder("*").append(elems.length).append("\r\n");
    for (String s : elems) {
      sb.append(s == null ? "$-1\r\n" : "$" + s.length() + "\r\n" + s + "\r\n");
    }
    return sb.toString();
  }

  @Test
  void sets() {
    e.put("s", new Members("set", List.of("10", "2", "b", "a", "3")));
    e.put("n", new Members("set", List.of("10", "2", "3", "-1")));
    assertEquals(arr("-1", "2", "3", "10"), e.run("sort", "n"));
    assertEquals(arr("10", "2", "b", "a", "3"), e.run("sort", "s", "by", "nosort"));
    assertEquals(arr("10", "2", "b", "a", "3"), e.run("sort", "s", "by", "nosort", "desc")); // no order to reverse
    // STORE makes the result independent of the set's hash order: sorted as strings
    assertEquals(":5\r\n", e.run("sort", "s", "by", "nosort", "store", "dst"));
    assertEquals(arr("10", "2", "3", "a", "b"), e.run("lrange", "dst", "0", "-1"));
    assertEquals("-ERR One or more scores can't be converted into double\r\n", e.run("sort", "s"));
  }

  @Test
  void sortedSetsKeepTheirOrderUnderNosort() {
    e.put("z", new Members("zset", List.of("low", "mid", "high", "top")));
    assertEquals(arr("low", "mid", "high", "top"), e.run("sort", "z", "by", "nosort"));
    assertEquals(arr("top", "high", "mid", "low"), e.run("sort", "z", "by", "nosort", "desc"));
    assertEquals(arr("mid", "high"), e.run("sort", "z", "by", "nosort", "limit", "1", "2"));
    assertEquals(arr("top", "high"), e.run("sort", "z", "by", "nosort", "desc", "limit", "0", "2"));
    assertEquals(arr("high", "low", "mid", "top"), e.run("sort", "z", "alpha"));
  }

  @Test
  void hashFieldsForByAndGet() {
    e.run("rpush", "l", "1", "2", "3");
    e.put("h_1", new Hash(Map.of("w", "30", "name", "one")));
    e.put("h_2", new Hash(Map.of("w", "10", "name", "two")));
    e.put("h_3", new Hash(Map.of("w", "20")));
    assertEquals(arr("2", "3", "1"), e.run("sort", "l", "by", "h_*->w"));
    assertEquals(arr("two", null, "one"), e.run("sort", "l", "by", "h_*->w", "get", "h_*->name"));
    assertEquals(arr(null, null, null), e.run("sort", "l", "get", "h_*->nofield"));
    // a field lookup on a key that is not a hash finds nothing
    e.run("set", "s_1", "x");
    assertEquals(arr(null, null, null), e.run("sort", "l", "get", "s_*->w"));
  }

  @Test
  void aSetTypeThatCannotListItsMembersIsNotSorted() {
    e.put("opaque", new Hash(Map.of())); // a hash: not sortable
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", e.run("sort", "opaque"));
  }
}
