package dev.cairn.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.type.DataType;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.core.module.ModuleRdb;
import dev.cairn.core.module.ValueDigest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The conformance tests every module data type should pass; subclass it in your module's tests.
 *
 * <ul>
 *   <li>RDB round trip: each sample value, saved and loaded back, equals the original and saves to the same bytes;
 *   <li>fixtures: for every encoding version in {@link #fixtureVersions()}, the checked-in fixture
 *       {@code /fixtures/<type name>-<encver>.rdb} (a resource) loads and equals {@link #fixtureValue(int)}. Write the
 *       current version's fixture once with {@code -Dcairn.writeFixtures=src/test/resources/fixtures} and keep it for
 *       ever: it proves later versions still read what this one wrote;
 *   <li>an encoding version newer than the type's fails with {@link RdbFormatException};
 *   <li>copy: equal to the original, not the same object, and independent of it (saving one after changing the other
 *       is unaffected, when {@link #mutate} is given);
 *   <li>digest: stable, equal for a value, its copy and its round trip, different for different values;
 *   <li>memory usage positive; AOF rewrite emits at least one command naming the key.
 * </ul>
 * Sample values are random from a seed that failures print; set {@code -Dcairn.seed=...} to repeat a run.
 */
public abstract class DataTypeConformanceTest<V> {
  protected final long seed = Long.getLong("cairn.seed", System.nanoTime());

  /** The type under test. */
  protected abstract DataType<V> type();

  /** Sample values, varied (empty, small, large, edge cases), built from {@code random}. */
  protected abstract List<V> sampleValues(Random random);

  /** The value each checked-in fixture holds. */
  protected abstract V fixtureValue(int encver);

  /** The encoding versions with a checked-in fixture: every version the type ever wrote (default: 1..current). */
  protected List<Integer> fixtureVersions() {
    List<Integer> v = new ArrayList<>();
    for (int i = 1; i <= type().id().encver(); i++) {
      v.add(i);
    }
    return v;
  }

  /** Whether two values are equal (default {@link Object#equals}). */
  protected boolean valueEquals(V a, V b) {
    return a.equals(b);
  }

  /** Changes {@code value} in place, if the type has in-place changes (default: it has none, return false). */
  protected boolean mutate(V value, Random random) {
    return false;
  }

  private String seedNote() {
    return " (seed " + seed + ", repeat with -Dcairn.seed=" + seed + ")";
  }

  private byte[] save(V v) throws IOException {
    return ModuleRdb.encode(type(), v);
  }

  private String digest(V v) {
    ValueDigest d = new ValueDigest();
    type().digest(d, v);
    return d.hex();
  }

  @Test
  void rdbRoundTrip() throws IOException {
    for (V v : sampleValues(new Random(seed))) {
      byte[] bytes = save(v);
      V back = ModuleRdb.decode(bytes, type());
      assertTrue(valueEquals(v, back), "loaded value differs from the saved one" + seedNote());
      assertArrayEquals(bytes, save(back), "saving the loaded value gives other bytes" + seedNote());
    }
  }

  @Test
  void everyEncodingVersionFixtureLoads() throws IOException {
    String dir = System.getProperty("cairn.writeFixtures");
    if (dir != null) {
      Path p = Path.of(dir, fixtureName(type().id().encver()));
      Files.createDirectories(p.getParent());
      Files.write(p, save(fixtureValue(type().id().encver())));
    }
    for (int encver : fixtureVersions()) {
      String name = "/fixtures/" + fixtureName(encver);
      byte[] bytes;
      Path written = dir == null ? null : Path.of(dir, fixtureName(encver));
      if (written != null && Files.isRegularFile(written)) {
        bytes = Files.readAllBytes(written); // just written: the copy in target/ is from before this run
      } else {
        try (InputStream in = getClass().getResourceAsStream(name)) {
          assertNotNull(in, "missing fixture " + name + " for encoding version " + encver
              + "; write it with -Dcairn.writeFixtures=src/test/resources/fixtures");
          bytes = in.readAllBytes();
        }
      }
      V loaded = ModuleRdb.decode(bytes, type());
      assertTrue(valueEquals(fixtureValue(encver), loaded), "fixture " + name + " does not load as its value");
    }
  }

  private String fixtureName(int encver) {
    return type().id().name() + "-" + encver + ".rdb";
  }

  @Test
  void newerEncodingVersionIsRefused() throws IOException {
    V v = sampleValues(new Random(seed)).get(0);
    int newer = type().id().encver() + 1;
    byte[] bytes = ModuleRdb.encodeAs(type().id().withEncver(newer), type(), v);
    assertThrows(RdbFormatException.class, () -> ModuleRdb.decode(bytes, type()));
    assertThrows(RdbFormatException.class, () -> type().rdbLoad(null, newer),
        "rdbLoad must refuse an encoding version it does not know before reading");
  }

  @Test
  void copyEqualsOriginalAndIsIndependent() throws IOException {
    Random random = new Random(seed);
    for (V v : sampleValues(random)) {
      V c = type().copy(v);
      assertNotSame(v, c, "copy returned the same object" + seedNote());
      assertTrue(valueEquals(v, c), "copy differs from the original" + seedNote());
      byte[] before = save(v);
      if (mutate(c, random)) {
        assertArrayEquals(before, save(v), "changing the copy changed the original" + seedNote());
      }
    }
  }

  @Test
  void digestIsStable() throws IOException {
    List<V> samples = sampleValues(new Random(seed));
    for (V v : samples) {
      String d = digest(v);
      assertEquals(d, digest(v), "digest changes between calls" + seedNote());
      assertEquals(d, digest(type().copy(v)), "a copy has another digest" + seedNote());
      assertEquals(d, digest(ModuleRdb.decode(save(v), type())), "a loaded value has another digest" + seedNote());
    }
    for (int i = 0; i < samples.size(); i++) {
      for (int j = i + 1; j < samples.size(); j++) {
        if (!valueEquals(samples.get(i), samples.get(j))) {
          assertFalse(digest(samples.get(i)).equals(digest(samples.get(j))),
              "different values share a digest" + seedNote());
        }
      }
    }
  }

  @Test
  void memoryUsageAndAofRewrite() {
    byte[] key = "conformance-key".getBytes();
    for (V v : sampleValues(new Random(seed))) {
      assertTrue(type().memoryUsage(v) > 0, "memory usage must be positive" + seedNote());
      List<byte[][]> commands = new ArrayList<>();
      type().aofRewrite(commands::add, key, v);
      assertFalse(commands.isEmpty(), "AOF rewrite emitted no command" + seedNote());
      for (byte[][] cmd : commands) {
        assertTrue(cmd.length >= 2 && java.util.Arrays.equals(cmd[1], key),
            "every rewrite command names the key as its first argument" + seedNote());
      }
    }
  }
}
