package dev.cairn.core.command;

import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import java.util.Set;
import java.util.function.ObjIntConsumer;

/**
 * Finds a command's keys in its arguments, as Redis's getKeysFromCommand: the command's own key finder when it has one
 * (its key specs only bound what the arguments do), else its key specs, skipping those that name no key. COMMAND
 * GETKEYS and client tracking read keys this way.
 */
public final class CommandKeys {
  private CommandKeys() {}

  /**
   * Reports each key's flags and position in {@code argv} to {@code out}; returns false when the arguments are
   * malformed for the specs (the keys reported so far stand).
   */
  public static boolean forEach(CommandSpec spec, byte[][] argv, int argc, ObjIntConsumer<Set<KeyFlag>> out) {
    if (spec.keyFinder() != null) {
      return spec.keyFinder().find(argv, argc, out);
    }
    boolean ok = true;
    for (KeySpec ks : spec.keySpecs()) {
      if (ks.flags.contains(KeyFlag.NOT_KEY)) {
        continue;
      }
      ok &= ks.collectKeys(argv, argc, pos -> out.accept(ks.flags, pos));
    }
    return ok;
  }
}
