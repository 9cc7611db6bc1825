package dev.cairn.core.server;

import dev.cairn.core.config.ConfigException;
import dev.cairn.core.config.MemoryParams;
import dev.cairn.core.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code oom-score-adj}: sets the process's Linux OOM score from {@code oom-score-adj-values} (the master's value, or
 * the replica's while this server is a replica: {@link #apply} runs again when the role changes; the third value, for
 * forked children, has no use, since background saves are threads of this process), relative to the score the process
 * had before (yes/relative) or as it is (absolute), and puts the original score back when turned off. Values are
 * clamped to -1000..1000; a failed write fails the CONFIG SET, as in Redis.
 */
public final class OomScoreAdj {
  private static final Path PROC = Path.of("/proc/self/oom_score_adj");
  private final MemoryParams params;
  private final java.util.function.BooleanSupplier replica;
  private boolean adjusted;
  private int base;

  public OomScoreAdj(MemoryParams params, java.util.function.BooleanSupplier replica) {
    this.params = params;
    this.replica = replica;
    params.oomScoreAdj.onApply(this::apply);
    params.oomScoreAdjValues.onApply(this::apply);
  }

  /** Makes the process's score follow the configuration (at startup and on CONFIG SET). */
  public void apply() throws ConfigException {
    String mode = params.oomScoreAdj.get();
    int value;
    if (!mode.equals("no")) {
      if (!adjusted) {
        try {
          base = Integer.parseInt(Files.readString(PROC).strip());
        } catch (IOException | NumberFormatException e) {
          Log.log(Log.Level.WARNING, "Unable to read oom_score_adj: " + e.getMessage());
          throw failed();
        }
        adjusted = true;
      }
      value = Integer.parseInt(params.oomScoreAdjValues.get().trim().split("\\s+")[replica.getAsBoolean() ? 1 : 0]);
      if (!mode.equals("absolute")) {
        value += base;
      }
      value = Math.max(-1000, Math.min(1000, value));
    } else if (adjusted) {
      adjusted = false;
      value = base;
    } else {
      return;
    }
    try {
      Files.writeString(PROC, Integer.toString(value));
    } catch (IOException e) {
      Log.log(Log.Level.WARNING, "Unable to write oom_score_adj: " + e.getMessage());
      throw failed();
    }
  }

  private static ConfigException failed() {
    return new ConfigException("Failed to set current oom_score_adj. Check server logs.");
  }
}
