package dev.cairn.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Between opening its socket and starting to load its dataset, a server answers LOADING: an empty dataset must not
 * answer for the one about to be loaded (a client that read nil there would think acknowledged writes were lost).
 */
class StartingUpTest {
  @TempDir
  Path dir;

  @Test
  void commandsGetLoadingUntilTheDatasetIsIn() throws Exception {
    TestEngine t = new TestEngine(dir);
    t.engine.setStartingUp(true);
    String loading = "-LOADING Redis is loading the dataset in memory\r\n";
    assertEquals(loading, t.run("GET", "counter"));
    assertEquals(loading, t.run("PING"));
    assertEquals(loading, t.run("SET", "k", "v"));
    assertTrue(t.run("INFO", "persistence").contains("loading:"), "INFO is served while loading, as in Redis");
    t.engine.setStartingUp(false);
    assertEquals("$-1\r\n", t.run("GET", "counter"));
    assertEquals("+PONG\r\n", t.run("PING"));
  }
}
