package dev.cairn.core.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Durability helpers shared by the RDB writer and the AOF. */
public final class Durability {
  private Durability() {}

  /**
   * Makes a rename or a new file in {@code dir} durable: on Linux a directory's entries are synced through the
   * directory itself. Platforms that cannot open a directory are skipped (the file itself was synced).
   */
  public static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform lets a directory be opened or synced
    }
  }
}
