package dev.cairn.core.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.core.CoreCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Walks the whole core command table: every spec is documented and its key specs agree with its key arguments. */
class CommandTableSpecTest {
  private static List<CommandSpec> allSpecs() {
    CommandTable t = new CommandTable().registerAll(CoreCommands.families());
    List<CommandSpec> specs = new ArrayList<>();
    for (Command c : t.all()) {
      specs.add(c.spec);
      c.subcommands.values().forEach(s -> specs.add(s.spec));
    }
    return specs;
  }

  @Test
  void everySpecHasGroupSinceAndSummary() {
    for (CommandSpec s : allSpecs()) {
      assertNotNull(s.group(), s.fullName());
      assertTrue(s.since() != null && s.since().matches("\\d+\\.\\d+\\.\\d+"), s.fullName() + " since");
      assertTrue(s.summary() != null && !s.summary().isEmpty(), s.fullName() + " summary");
      assertTrue(s.arity() != 0, s.fullName() + " arity");
    }
  }

  @Test
  void keyArgumentsAndKeySpecsAgree() {
    for (CommandSpec s : allSpecs()) {
      Set<Integer> referenced = new HashSet<>();
      collectKeyIndexes(s.arguments(), referenced, s);
      for (int i : referenced) {
        assertTrue(i >= 0 && i < s.keySpecs().size(), s.fullName() + ": key argument points at key spec " + i);
      }
      for (int i = 0; i < s.keySpecs().size(); i++) {
        // a NOT_KEY spec locates arguments that are no keys (SSUBSCRIBE's shard channels, for cluster routing)
        boolean notKey = s.keySpecs().get(i).flags.contains(dev.cairn.api.command.KeyFlag.NOT_KEY);
        assertTrue(referenced.contains(i) || s.arguments().isEmpty() || notKey,
            s.fullName() + ": key spec " + i + " has no key argument");
      }
    }
  }

  private static void collectKeyIndexes(List<Arg> args, Set<Integer> out, CommandSpec s) {
    for (Arg a : args) {
      if (a.type() == Arg.Type.KEY) {
        assertTrue(a.keySpecIndex() >= 0, s.fullName() + ": key argument " + a.name() + " without key spec");
        out.add(a.keySpecIndex());
      } else if (a.type() == Arg.Type.PATTERN && a.keySpecIndex() >= 0) {
        out.add(a.keySpecIndex()); // SORT's BY/GET patterns name keys, as Redis's sort.json says
      } else {
        assertEquals(-1, a.keySpecIndex(), s.fullName() + ": non-key argument " + a.name() + " with a key spec");
      }
      collectKeyIndexes(a.children(), out, s);
    }
  }

  @Test
  void subcommandsHaveTheirContainersName() {
    CommandTable t = new CommandTable().registerAll(CoreCommands.families());
    for (Command c : t.all()) {
      for (Command sub : c.subcommands.values()) {
        assertEquals(c.spec.name() + "|" + sub.spec.name(), sub.fullName());
        assertTrue(sub.spec.arity() <= -2 || sub.spec.arity() >= 2, sub.fullName());
      }
    }
  }

  // Legacy key ranges, with the values Redis 7.2's COMMAND INFO reports for these key specs.

  @Test
  void legacyRangeOfOneKey() {
    CommandSpec get = CommandSpec.command("get", 2).key(KeySpec.index(1).range(0, 1, 0)).build();
    assertArrayEquals(new int[] {1, 1, 1, 0}, get.legacyKeyRange());
    assertFalse(get.has(Flag.MOVABLE_KEYS));
  }

  @Test
  void legacyRangeOfEveryOtherArgumentIsNotMovable() {
    CommandSpec mset = CommandSpec.command("mset", -3).key(KeySpec.index(1).range(-1, 2, 0)).build();
    assertArrayEquals(new int[] {1, -1, 2, 0}, mset.legacyKeyRange());
    assertFalse(mset.has(Flag.MOVABLE_KEYS));
  }

  @Test
  void legacyRangeOfAllArguments() {
    CommandSpec del = CommandSpec.command("del", -2).key(KeySpec.index(1).range(-1, 1, 0)).build();
    assertArrayEquals(new int[] {1, -1, 1, 0}, del.legacyKeyRange());
  }

  @Test
  void consecutiveRangesMerge() {
    // LMOVE source destination: two single-key specs, reported as 1 2 1
    CommandSpec lmove = CommandSpec.command("lmove", 5).key(KeySpec.index(1).range(0, 1, 0))
        .key(KeySpec.index(2).range(0, 1, 0)).build();
    assertArrayEquals(new int[] {1, 2, 1, 0}, lmove.legacyKeyRange());
    assertFalse(lmove.has(Flag.MOVABLE_KEYS));
  }

  @Test
  void keynumSpecMakesMovableKeys() {
    // ZUNIONSTORE destination numkeys key [key ...]: 1 1 1 plus movablekeys
    CommandSpec z = CommandSpec.command("zunionstore", -4).key(KeySpec.index(1).range(0, 1, 0))
        .key(KeySpec.index(2).keynum(0, 1, 1)).build();
    assertArrayEquals(new int[] {1, 1, 1, 1}, z.legacyKeyRange());
    assertTrue(z.has(Flag.MOVABLE_KEYS));
  }

  @Test
  void onlyKeywordSpecsGiveNoRange() {
    CommandSpec xread = CommandSpec.command("xread", -4).key(KeySpec.keyword("STREAMS", 1).range(-1, 1, 2)).build();
    assertArrayEquals(new int[] {0, 0, 0, 1}, xread.legacyKeyRange());
    assertTrue(xread.has(Flag.MOVABLE_KEYS));
  }
}
