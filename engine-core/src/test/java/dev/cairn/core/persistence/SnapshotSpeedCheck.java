package dev.cairn.core.persistence;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Not a test: times SAVE against BGSAVE of 2M keys in one JVM (run with -Dtest=SnapshotSpeedCheck). */
class SnapshotSpeedCheck {
  @Test
  void time() throws Exception {
    if (System.getProperty("cairn.speedcheck") == null) {
      return;
    }
    Path d = Files.createTempDirectory("speed");
    TestEngine t = new TestEngine(d);
    t.run("DEBUG", "POPULATE", "2000000", "key", "100");
    Persistence p = t.engine.persistence();
    for (int i = 0; i < 5; i++) {
      long a = System.nanoTime();
      t.run("SAVE");
      long b = System.nanoTime();
      t.run("BGSAVE");
      t.runUntil(() -> p.activeJob() == Persistence.JobType.NONE);
      long c = System.nanoTime();
      System.out.println("SAVE " + (b - a) / 1_000_000 + " ms, BGSAVE " + (c - b) / 1_000_000 + " ms");
    }
  }
}
