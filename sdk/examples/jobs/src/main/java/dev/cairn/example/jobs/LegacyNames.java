package dev.cairn.example.jobs;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandFilter;
import java.nio.charset.StandardCharsets;

/**
 * A command filter: renames the commands of the module's first release ({@code QUEUE.ADD}, {@code QUEUE.GET}) to
 * today's. It runs before every command the server runs, so it decides on the first argument's length and bytes and
 * returns at once for anything else.
 */
final class LegacyNames implements CommandFilter {
  private static final byte[] PUSH = "JOB.PUSH".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] POP = "JOB.POP".getBytes(StandardCharsets.US_ASCII);

  private final ConfigValue<Boolean> enabled;
  private final JobStats stats;

  LegacyNames(ConfigValue<Boolean> enabled, JobStats stats) {
    this.enabled = enabled;
    this.stats = stats;
  }

  @Override
  public void filter(FilterArgs args) {
    byte[] name = args.get(0);
    if (name.length != 9 || (name[0] | 0x20) != 'q' || !enabled.get()) {
      return;
    }
    if (Args.equalsIgnoreCase(name, "queue.add")) {
      args.set(0, PUSH);
      stats.legacyRewrites++;
    } else if (Args.equalsIgnoreCase(name, "queue.get")) {
      args.set(0, POP);
      stats.legacyRewrites++;
    }
  }
}
