package dev.cairn.example.bloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** BF.* through a real client, against an embedded server with the module loaded from the class path. */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = BloomModule.class)
class BloomCommandsTest {
  private static Object call(Jedis j, String... args) {
    return j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(args[0]),
        java.util.Arrays.copyOfRange(args, 1, args.length));
  }

  private static String err(Jedis j, String... args) {
    return assertThrows(JedisDataException.class, () -> call(j, args)).getMessage();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  private static List<String> infoText(Object info) {
    return list(info).stream().map(x -> x instanceof byte[] b ? new String(b) : String.valueOf(x)).toList();
  }

  private static String str(Object o) {
    return new String((byte[]) o);
  }

  @Test
  void addCreatesWithDefaultsAndExistsFinds(Jedis j) {
    assertEquals(1L, call(j, "BF.ADD", "f", "a"));
    assertEquals(0L, call(j, "BF.ADD", "f", "a"));
    assertEquals(1L, call(j, "BF.EXISTS", "f", "a"));
    assertEquals(0L, call(j, "BF.EXISTS", "f", "zzz"));
    assertEquals(0L, call(j, "BF.EXISTS", "missing", "a"));
    assertEquals(List.of(1L, 0L, 1L), call(j, "BF.MADD", "f", "b", "a", "c"));
    assertEquals(List.of(1L, 1L, 0L), call(j, "BF.MEXISTS", "f", "a", "b", "nope"));
    assertEquals(3L, call(j, "BF.CARD", "f"));
    assertEquals(0L, call(j, "BF.CARD", "missing"));
    List<Object> info = list(call(j, "BF.INFO", "f"));
    assertEquals("Capacity", str(info.get(0)));
    assertEquals(100L, info.get(1));
    assertEquals("Number of filters", str(info.get(4)));
    assertEquals(1L, info.get(5));
    assertEquals("Number of items inserted", str(info.get(6)));
    assertEquals(3L, info.get(7));
    assertEquals("Expansion rate", str(info.get(8)));
    assertEquals(2L, info.get(9));
  }

  @Test
  void reserveValidatesLikeRedisBloom(Jedis j) {
    assertEquals("OK", str(call(j, "BF.RESERVE", "r", "0.001", "1000")));
    assertEquals("ERR item exists", err(j, "BF.RESERVE", "r", "0.001", "1000"));
    assertEquals("ERR bad error rate", err(j, "BF.RESERVE", "x", "abc", "10"));
    assertEquals("ERR (0 < error rate range < 1) ", err(j, "BF.RESERVE", "x", "1", "10"));
    assertEquals("ERR (0 < error rate range < 1) ", err(j, "BF.RESERVE", "x", "0", "10"));
    assertEquals("ERR bad capacity", err(j, "BF.RESERVE", "x", "0.1", "ten"));
    assertEquals("ERR (capacity should be larger than 0)", err(j, "BF.RESERVE", "x", "0.1", "0"));
    assertEquals("ERR bad expansion", err(j, "BF.RESERVE", "x", "0.1", "10", "EXPANSION", "z"));
    assertEquals("ERR no expansion", err(j, "BF.RESERVE", "x", "0.1", "10", "EXPANSION"));
    assertEquals("Nonscaling filters cannot expand",
        err(j, "BF.RESERVE", "x", "0.1", "10", "EXPANSION", "2", "NONSCALING"));
    assertEquals("ERR wrong number of arguments for 'bf.reserve' command", err(j, "BF.RESERVE", "x", "0.1"));
    j.set("s", "v");
    assertTrue(err(j, "BF.RESERVE", "s", "0.1", "10").startsWith("WRONGTYPE"));
    assertTrue(err(j, "BF.ADD", "s", "a").startsWith("WRONGTYPE"));
    assertEquals(0L, call(j, "BF.EXISTS", "s", "a")); // RedisBloom answers 0 for another type
  }

  @Test
  void scalesWithExpansionAndTighterErrorRate(Jedis j) {
    call(j, "BF.RESERVE", "s", "0.01", "10", "EXPANSION", "3");
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      items.add("item-" + i);
    }
    List<String> args = new ArrayList<>(List.of("BF.MADD", "s"));
    args.addAll(items);
    call(j, args.toArray(new String[0]));
    long filters = (Long) list(call(j, "BF.INFO", "s", "FILTERS")).get(0);
    // capacities 10, 30, 90: 100 items need three sub-filters
    assertEquals(3L, filters);
    assertEquals(List.of(130L), call(j, "BF.INFO", "s", "CAPACITY"));
    assertEquals(List.of(3L), call(j, "BF.INFO", "s", "EXPANSION"));
    for (String it : items) {
      assertEquals(1L, call(j, "BF.EXISTS", "s", it), "no false negatives");
    }
    assertEquals("Invalid information value", err(j, "BF.INFO", "s", "BOGUS"));
    assertEquals("ERR not found", err(j, "BF.INFO", "nothing"));
  }

  @Test
  void nonScalingFilterFillsUp(Jedis j) {
    call(j, "BF.RESERVE", "n", "0.01", "3", "NONSCALING");
    List<Object> r = list(call(j, "BF.MADD", "n", "a", "b", "c", "d", "e"));
    assertEquals(4, r.size(), "the list stops at the first refused item");
    assertEquals(List.of(1L, 1L, 1L), r.subList(0, 3));
    assertInstanceOf(JedisDataException.class, r.get(3));
    assertEquals("ERR non scaling filter is full", ((JedisDataException) r.get(3)).getMessage());
    assertEquals("ERR non scaling filter is full", err(j, "BF.ADD", "n", "zz"));
    List<Object> exp = list(call(j, "BF.INFO", "n", "EXPANSION"));
    assertNull(exp.get(0));
  }

  @Test
  void insertOptions(Jedis j) {
    assertEquals("ERR not found", err(j, "BF.INSERT", "i", "NOCREATE", "ITEMS", "a"));
    assertEquals(List.of(1L, 1L), call(j, "BF.INSERT", "i", "CAPACITY", "1000", "ERROR", "0.001", "EXPANSION", "4",
        "ITEMS", "a", "b"));
    assertEquals(List.of(1000L), call(j, "BF.INFO", "i", "CAPACITY"));
    assertEquals(List.of(4L), call(j, "BF.INFO", "i", "EXPANSION"));
    // an existing filter keeps its parameters
    assertEquals(List.of(0L, 1L), call(j, "BF.INSERT", "i", "CAPACITY", "5", "ITEMS", "a", "c"));
    assertEquals(List.of(1000L), call(j, "BF.INFO", "i", "CAPACITY"));
    assertEquals("Bad error rate", err(j, "BF.INSERT", "i", "ERROR", "x", "ITEMS", "a"));
    assertEquals("Bad capacity", err(j, "BF.INSERT", "i", "CAPACITY", "x", "ITEMS", "a"));
    assertEquals("Bad argument received", err(j, "BF.INSERT", "k2", "ERROR", "2", "ITEMS", "a"));
    assertEquals("Unknown argument received", err(j, "BF.INSERT", "i", "FOO", "ITEMS", "a"));
    assertEquals("ERR wrong number of arguments for 'bf.insert' command", err(j, "BF.INSERT", "i", "CAPACITY", "5",
        "ITEMS"));
    assertEquals(List.of(1L, 1L, 1L), call(j, "BF.INSERT", "ns", "CAPACITY", "3", "NONSCALING", "ITEMS", "a", "b",
        "c"));
    assertEquals("ERR non scaling filter is full", ((JedisDataException) list(call(j, "BF.INSERT", "ns", "ITEMS",
        "d")).get(0)).getMessage());
  }

  @Test
  void falsePositiveRateStaysNearTheRequestedOne(Jedis j) {
    call(j, "BF.RESERVE", "fp", "0.01", "2000");
    List<String> args = new ArrayList<>(List.of("BF.MADD", "fp"));
    for (int i = 0; i < 2000; i++) {
      args.add("member:" + i);
    }
    call(j, args.toArray(new String[0]));
    List<String> probe = new ArrayList<>(List.of("BF.MEXISTS", "fp"));
    for (int i = 0; i < 10000; i++) {
      probe.add("absent:" + i);
    }
    long positives = list(call(j, probe.toArray(new String[0]))).stream().filter(x -> (Long) x == 1L).count();
    assertTrue(positives < 200, "false positives " + positives + " of 10000 at error rate 0.01");
  }

  @Test
  void scandumpAndLoadchunkRebuildTheFilter(Jedis j) {
    call(j, "BF.RESERVE", "src", "0.01", "5");
    for (int i = 0; i < 30; i++) {
      call(j, "BF.ADD", "src", "v" + i);
    }
    long iter = 0;
    while (true) {
      List<Object> r = list(j.sendCommand(() -> "BF.SCANDUMP".getBytes(), "src".getBytes(),
          Long.toString(iter).getBytes()));
      iter = (Long) r.get(0);
      if (iter == 0) {
        break;
      }
      j.sendCommand(() -> "BF.LOADCHUNK".getBytes(), "dst".getBytes(), Long.toString(iter).getBytes(),
          (byte[]) r.get(1));
    }
    assertEquals(infoText(call(j, "BF.INFO", "src")), infoText(call(j, "BF.INFO", "dst")));
    for (int i = 0; i < 30; i++) {
      assertEquals(1L, call(j, "BF.EXISTS", "dst", "v" + i));
    }
  }

  @Test
  void aofRewriteCommandsRebuildTheFilter(Jedis j) {
    ScalableBloom b = new ScalableBloom(5, 0.01, 2, false);
    for (int i = 0; i < 30; i++) {
      b.add(("w" + i).getBytes());
    }
    BloomType.INSTANCE.aofRewrite(cmd -> j.sendCommand(() -> cmd[0], java.util.Arrays.copyOfRange(cmd, 1, cmd.length)),
        "rebuilt".getBytes(), b);
    assertEquals(List.of(b.size()), call(j, "BF.INFO", "rebuilt", "ITEMS")); // 30 adds, fewer if false positives
    assertEquals(List.of((long) b.filters()), call(j, "BF.INFO", "rebuilt", "FILTERS"));
    for (int i = 0; i < 30; i++) {
      assertEquals(1L, call(j, "BF.EXISTS", "rebuilt", "w" + i));
    }
  }
}
