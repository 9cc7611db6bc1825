package dev.cairn.core.keyspace;

import static dev.cairn.core.EngineClients.bulk;
import static dev.cairn.core.EngineClients.integer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.core.EngineClients;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Strings held in the tables' arenas, through the dispatcher: where they live, what reads them, what frees them. */
class ArenaStringsTest {
  private EngineClients clients;
  private int c;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    c = clients.connect();
  }

  private String run(String... args) {
    return clients.run(c, args);
  }

  private Db db(int i) {
    return clients.engine.keyspace().db(i);
  }

  private Entry entry(int db, String key) {
    return db(db).stored(key.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shortStringsLiveInTheArenaLongOnesStayArrays() {
    run("SET", "s", "hello");
    assertNotNull(entry(0, "s").arena());
    assertNull(entry(0, "s").valueObject());
    assertArrayEquals("hello".getBytes(), (byte[]) entry(0, "s").value());
    String big = "x".repeat(StringArena.MAX_LENGTH + 1);
    run("SET", "big", big);
    assertNull(entry(0, "big").arena());
    assertEquals(bulk(big), run("GET", "big"));
    String max = "y".repeat(StringArena.MAX_LENGTH);
    run("SET", "max", max);
    assertNotNull(entry(0, "max").arena());
    assertEquals(bulk(max), run("GET", "max"));
    assertEquals(integer(StringArena.MAX_LENGTH), run("STRLEN", "max"));
    run("SET", "e", "");
    assertEquals(bulk(""), run("GET", "e"));
    assertEquals(integer(0), run("STRLEN", "e"));
  }

  @Test
  void readsInPlace() {
    run("SET", "s", "Hello World");
    assertEquals(bulk("World"), run("GETRANGE", "s", "6", "-1"));
    assertEquals(bulk("Hello"), run("SUBSTR", "s", "0", "4"));
    assertEquals(bulk(""), run("GETRANGE", "s", "20", "30"));
    assertEquals(integer(11), run("STRLEN", "s"));
    assertEquals("*3\r\n" + bulk("Hello World") + "$-1\r\n" + bulk("Hello World"), run("MGET", "s", "nope", "s"));
    run("LPUSH", "l", "a");
    assertEquals("*2\r\n$-1\r\n" + bulk("Hello World"), run("MGET", "l", "s"));
    assertEquals(integer(1), run("EXISTS", "s"));
  }

  @Test
  void commandsThatReplyWithTheOldStringReadItBeforeTheSlotIsReused() {
    // same length: the new string may take the old one's slot, so the reply must be written before the store
    run("SET", "s", "old-value");
    assertEquals(bulk("old-value"), run("GETSET", "s", "new-value"));
    assertEquals(bulk("new-value"), run("SET", "s", "3rd-value", "GET"));
    assertEquals(bulk("3rd-value"), run("GET", "s"));
    assertEquals(bulk("3rd-value"), run("GETEX", "s", "PX", "100000"));
    assertEquals(bulk("3rd-value"), run("GETDEL", "s"));
    assertEquals("$-1\r\n", run("GET", "s"));
    long live = db(0).arena().liveSlotBytes();
    assertEquals(0, live); // GETDEL gave the slot back
    run("SET", "n", "x");
    assertEquals("$-1\r\n", run("SET", "n", "y", "NX"));
    assertEquals(bulk("x"), run("GET", "n"));
    assertEquals(integer(0), run("MSETNX", "n", "z", "m", "z"));
    assertEquals(bulk("x"), run("SET", "n", "w", "XX", "GET"));
    assertEquals(bulk("w"), run("GET", "n"));
    run("LPUSH", "l", "a");
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", run("GETEX", "l"));
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", run("GETDEL", "l"));
    assertEquals(integer(1), run("EXISTS", "l"));
  }

  @Test
  void inPlaceWritesLeaveTheArenaAndGiveTheSlotBack() {
    run("SET", "s", "abc");
    long slots = db(0).arena().liveSlotBytes();
    assertEquals(integer(6), run("APPEND", "s", "def"));
    assertNull(entry(0, "s").arena()); // changed in place: a RawString of its own
    assertEquals(slots - StringArena.slotSize(3), db(0).arena().liveSlotBytes());
    assertEquals(bulk("abcdef"), run("GET", "s"));
    run("SET", "n", "10");
    assertEquals(integer(11), run("INCR", "n"));
    assertEquals(bulk("11"), run("GET", "n"));
    run("SET", "n", "x");
    assertNotNull(entry(0, "n").arena());
  }

  @Test
  void keysThatMoveTakeTheirBytes() {
    run("SET", "a", "va");
    run("RENAME", "a", "b");
    assertEquals(bulk("va"), run("GET", "b"));
    run("MOVE", "b", "1");
    assertEquals(0, db(0).arena().liveSlotBytes());
    assertNotNull(entry(1, "b").arena());
    run("SELECT", "1");
    assertEquals(bulk("va"), run("GET", "b"));
    run("COPY", "b", "c", "DB", "0");
    run("SWAPDB", "0", "1");
    assertEquals(bulk("va"), run("GET", "c"));
    assertEquals("$-1\r\n", run("GET", "b"));
    run("SELECT", "0");
    assertEquals(bulk("va"), run("GET", "b"));
    run("FLUSHALL");
    assertEquals(0, db(0).arena().liveSlotBytes());
    assertEquals(0, db(1).arena().liveSlotBytes());
  }

  @Test
  void accountingCountsSlotsAndGivesThemBack() {
    assertEquals(0, db(0).usedBytes());
    run("SET", "k", "v".repeat(100));
    assertEquals(EntrySize.ofArenaString("k".getBytes(), 100), db(0).usedBytes());
    run("SET", "k", "v".repeat(1000));
    assertEquals(EntrySize.ofArenaString("k".getBytes(), 1000), db(0).usedBytes());
    run("DEL", "k");
    assertEquals(0, db(0).usedBytes());
    assertEquals(0, db(0).arena().liveSlotBytes());
    run("SET", "t", "v", "PX", "1");
    clients.engine.keyspace().db(0); // the key expires on its next lookup
    long until = System.currentTimeMillis() + 1000;
    while (!run("GET", "t").equals("$-1\r\n") && System.currentTimeMillis() < until) {
      Thread.onSpinWait();
    }
    assertEquals(0, db(0).arena().liveSlotBytes(), "an expired key gives its slot back");
  }

  /**
   * The dataset's count against a fresh measure of every key, through changes between arena strings, strings of their
   * own (APPEND, INCR, past the arena's length) and other types (an entry holds either its string's slot or its
   * measured size in one field); everything deleted, it is zero. Prints its seed.
   */
  @Test
  void accountingFollowsValuesInAndOutOfTheArena() {
    long seed = System.nanoTime();
    System.out.println("ArenaStringsTest accounting seed " + seed);
    Random rnd = new Random(seed);
    for (int step = 0; step < 5_000; step++) {
      String k = "k" + rnd.nextInt(20);
      switch (rnd.nextInt(9)) {
        case 0, 1 -> run("SET", k, "v".repeat(rnd.nextInt(100)));
        case 2 -> run("SET", k, rnd.nextInt(20) == 0 ? "w".repeat(StringArena.MAX_LENGTH + 1) : "" + rnd.nextInt(1000));
        case 3 -> run("APPEND", k, "a");
        case 4 -> run("INCR", k);
        case 5 -> run("SADD", k, "m" + rnd.nextInt(5), "n" + rnd.nextInt(5));
        case 6 -> run("DEL", k);
        case 7 -> run("RENAME", k, "k" + rnd.nextInt(20));
        default -> run("GETDEL", k);
      }
      if (step % 50 == 0) {
        long measured = 0;
        for (int i = 0; i < 20; i++) {
          Entry e = entry(0, "k" + i);
          if (e != null) {
            measured += e.arena() != null ? EntrySize.ofArenaString(e.key, e.arena().length(e.handle()))
                : EntrySize.of(e.key, e.valueObject());
          }
        }
        assertEquals(measured, db(0).usedBytes(), "seed " + seed + " step " + step);
      }
    }
    for (int i = 0; i < 20; i++) {
      run("DEL", "k" + i);
    }
    assertEquals(0, db(0).usedBytes(), "seed " + seed);
    assertEquals(0, db(0).arena().liveSlotBytes(), "seed " + seed);
  }

  /** Random SET/GET/APPEND/DEL/RENAME over a few keys against a model, printing its seed. */
  @Test
  void randomizedAgainstAModel() {
    long seed = System.nanoTime();
    System.out.println("ArenaStringsTest seed " + seed);
    Random rnd = new Random(seed);
    Map<String, String> model = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      String k = "k" + rnd.nextInt(50);
      switch (rnd.nextInt(6)) {
        case 0, 1 -> {
          String v = "v".repeat(rnd.nextInt(rnd.nextInt(10) == 0 ? 3000 : 200)) + step;
          run("SET", k, v);
          model.put(k, v);
        }
        case 2 -> assertEquals(model.containsKey(k) ? bulk(model.get(k)) : "$-1\r\n", run("GET", k), "seed " + seed);
        case 3 -> {
          run("DEL", k);
          model.remove(k);
        }
        case 4 -> {
          String to = "k" + rnd.nextInt(50);
          if (model.containsKey(k)) {
            run("RENAME", k, to);
            model.put(to, model.remove(k));
          }
        }
        default -> {
          run("APPEND", k, "a");
          model.merge(k, "a", String::concat);
        }
      }
    }
    for (var e : model.entrySet()) {
      assertEquals(bulk(e.getValue()), run("GET", e.getKey()), "seed " + seed);
    }
    assertInstanceOf(StringArena.class, db(0).arena());
  }
}
