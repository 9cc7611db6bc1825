package dev.cairn.core.command;

import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Handler;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every command the server knows, by name. Lookup takes the name's bytes in any case and allocates nothing: an
 * open-addressing table keyed by the case-folded bytes.
 */
public final class CommandTable implements CommandRegistry {
  private final Map<String, Command> byName = new LinkedHashMap<>();
  private Command[] slots = new Command[512];
  private byte[][] slotNames = new byte[512][];
  /** {@code rename-command}: the name clients must use for a command (empty: none, the command is disabled). */
  private final Map<String, String> clientNames = new java.util.HashMap<>();

  /** The ACL categories modules added, beside the core's. */
  public final ModuleAclCategories moduleAclCategories = new ModuleAclCategories();

  /** The id the next registered command gets (ids are never reused, so ACL bitmaps stay valid). */
  private int nextId;

  public int nextId() {
    return nextId;
  }

  /** Registers every family's commands. */
  public CommandTable registerAll(CommandFamily... families) {
    for (CommandFamily f : families) {
      f.register(this);
    }
    return this;
  }

  @Override
  public void add(CommandSpec spec, Handler handler) {
    if (handler == null) {
      throw new IllegalArgumentException("no handler for " + spec.fullName());
    }
    put(spec, handler);
  }

  @Override
  public void addContainer(CommandSpec spec) {
    put(spec, null);
  }

  private void put(CommandSpec spec, Handler handler) {
    if (spec.container() != null) {
      Command parent = byName.get(spec.container());
      if (parent == null) {
        throw new IllegalStateException("subcommand " + spec.fullName() + " registered before its container");
      }
      if (parent.subcommands.containsKey(spec.name())) {
        throw new IllegalStateException("command already registered: " + spec.fullName());
      }
      Command sub = new Command(spec, handler, parent);
      sub.id = nextId++;
      parent.subcommands.put(spec.name(), sub);
      return;
    }
    if (byName.containsKey(spec.name())) {
      throw new IllegalStateException("command already registered: " + spec.fullName());
    }
    Command c = new Command(spec, handler, null);
    c.id = nextId++;
    byName.put(spec.name(), c);
    insertSlot(c);
  }

  /**
   * {@code rename-command from to}: clients reach the command by {@code to} only ({@code ""}: not at all), as Redis's
   * config directive; the server itself (and COMMAND INFO) still knows it by its own name.
   */
  public void rename(String from, String to) {
    String f = from.toLowerCase(java.util.Locale.ROOT);
    String t = to.toLowerCase(java.util.Locale.ROOT);
    if (!byName.containsKey(f) || clientNames.containsKey(f)) {
      throw new IllegalArgumentException("No such command in rename-command");
    }
    if (!t.isEmpty() && (lookup(t.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) != null)) {
      throw new IllegalArgumentException("Target command name already exists");
    }
    clientNames.put(f, t);
    rebuildSlots();
  }

  /** Removes a top-level command (module unload). */
  public void remove(String name) {
    Command c = byName.remove(name);
    if (c != null) {
      rebuildSlots();
    }
  }

  /** The command named by these bytes (any case), or null. */
  public Command lookup(byte[] name) {
    int mask = slots.length - 1;
    int i = foldedHash(name) & mask;
    while (true) {
      byte[] n = slotNames[i];
      if (n == null) {
        return null;
      }
      if (equalsFolded(n, name)) {
        return slots[i];
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * The command a call names, as Redis's lookupCommand finds it: with more than one argument, a command that has
   * subcommands (a container such as CONFIG, or COMMAND) takes the second as one, and an unknown subcommand is null;
   * otherwise the command named by {@code argv[0]} (a container alone is itself), or null.
   */
  public Command resolve(byte[][] argv, int argc) {
    Command cmd = lookup(argv[0]);
    if (cmd == null || argc < 2 || cmd.subcommands.isEmpty()) {
      return cmd;
    }
    return cmd.subcommand(argv[1]);
  }

  /** {@link #resolve(byte[][], int)} for a call's arguments. */
  public Command resolve(dev.cairn.api.command.Args a) {
    Command cmd = lookup(a.get(0));
    if (cmd == null || a.size() < 2 || cmd.subcommands.isEmpty()) {
      return cmd; // the other arguments stay where they are (see Args)
    }
    return cmd.subcommand(a.get(1));
  }

  /** The command with this lower-case name (subcommands as {@code container|sub}), or null. */
  public Command lookup(String fullName) {
    int bar = fullName.indexOf('|');
    if (bar < 0) {
      return byName.get(fullName);
    }
    Command parent = byName.get(fullName.substring(0, bar));
    return parent == null ? null : parent.subcommands.get(fullName.substring(bar + 1));
  }

  /** All top-level commands, in registration order. */
  public Collection<Command> all() {
    return Collections.unmodifiableCollection(byName.values());
  }

  public int size() {
    return byName.size();
  }

  private void insertSlot(Command c) {
    if ((byName.size()) * 2 > slots.length) {
      slots = new Command[slots.length * 2];
      slotNames = new byte[slots.length][];
      for (Command existing : byName.values()) {
        place(existing);
      }
      return;
    }
    place(c);
  }

  private void rebuildSlots() {
    slots = new Command[slots.length];
    slotNames = new byte[slots.length][];
    for (Command existing : byName.values()) {
      place(existing);
    }
  }

  private void place(Command c) {
    String clientName = clientNames.getOrDefault(c.spec.name(), c.spec.name());
    if (clientName.isEmpty()) {
      return; // renamed to "": disabled
    }
    byte[] name = clientName.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    int mask = slots.length - 1;
    int i = foldedHash(name) & mask;
    while (slotNames[i] != null) {
      i = (i + 1) & mask;
    }
    slotNames[i] = name;
    slots[i] = c;
  }

  private static int foldedHash(byte[] b) {
    int h = 0;
    for (byte x : b) {
      int c = x;
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      h = h * 31 + c;
    }
    return h ^ (h >>> 16);
  }

  /** {@code lower} is already lower case. */
  private static boolean equalsFolded(byte[] lower, byte[] any) {
    if (lower.length != any.length) {
      return false;
    }
    for (int k = 0; k < lower.length; k++) {
      int c = any[k];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower[k]) {
        return false;
      }
    }
    return true;
  }
}
