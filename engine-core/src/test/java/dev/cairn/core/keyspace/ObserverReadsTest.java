package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.type.hash.HashValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The module SPI's observer reads (Database.peekValue, forEachHashField, scanKeys): they change nothing. */
class ObserverReadsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsWithoutTouchingOrExpiring() {
    Keyspace ks = new Keyspace(1);
    ks.updateTime();
    Db db = ks.db(0);
    HashValue h = new HashValue();
    h.set(b("f1"), b("v1"), false, 128, 64);
    h.set(b("f2"), b("v2"), false, 128, 64);
    db.add(b("h"), h);
    db.add(b("s"), b("string"));
    db.add(b("gone"), b("x"), 1); // its time passed long ago

    assertSame(h, db.peekValue(b("h")));
    assertNull(db.peekValue(b("gone")));
    assertNull(db.peekValue(b("missing")));
    assertEquals(3, db.size(), "the expired key was not removed by the observer");

    Map<String, String> fields = new LinkedHashMap<>();
    assertTrue(db.forEachHashField(b("h"), (f, v) -> fields.put(new String(f, StandardCharsets.UTF_8),
        new String(v, StandardCharsets.UTF_8))));
    assertEquals(Map.of("f1", "v1", "f2", "v2"), fields);
    assertFalse(db.forEachHashField(b("s"), (f, v) -> { }));
    assertFalse(db.forEachHashField(b("missing"), (f, v) -> { }));

    TreeSet<String> keys = new TreeSet<>();
    long cursor = 0;
    do {
      cursor = db.scanKeys(cursor, k -> keys.add(new String(k, StandardCharsets.UTF_8)));
    } while (cursor != 0);
    assertEquals(new TreeSet<>(java.util.List.of("h", "s")), keys);
  }
}
