package dev.cairn.core.acl;

import dev.cairn.api.command.KeyFlag;
import dev.cairn.core.command.Command;
import dev.cairn.core.command.CommandKeys;
import dev.cairn.core.command.CommandTable;
import dev.cairn.core.command.ModuleAclCategories;
import dev.cairn.core.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One set of permissions (a user's root permissions or one of its selectors): the commands it may run, the keys it may
 * read and write, the channels it may use.
 *
 * <p>Commands are kept as Redis 7.2 keeps them: the ordered list of command rules as given ({@code +get},
 * {@code -@string}, ...), compacted losslessly (a rule replaces an earlier one for the same command or category, and a
 * rule for a whole command drops those for its subcommands), after a starting {@code +@all} or {@code -@all}. The bitmap
 * by command id is computed by replaying the rules, and again when the command table grows (a module's commands).
 */
final class AclSelector {
  static final int READ = 1;
  static final int WRITE = 2;
  static final int RW = READ | WRITE;

  /** A key pattern with the access it grants (%R~, %W~, ~ for both). */
  static final class KeyPattern {
    int flags;
    final String text;
    final byte[] bytes;

    KeyPattern(int flags, String text) {
      this.flags = flags;
      this.text = text;
      this.bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    }

    String describe() {
      return switch (flags) {
        case READ -> "%R~" + text;
        case WRITE -> "%W~" + text;
        default -> "~" + text;
      };
    }
  }

  /** Whether the selector starts from +@all: commands added later (modules) are allowed unless a rule says no. */
  boolean allCommands;
  final List<String> commandRules = new ArrayList<>();
  boolean allKeys;
  final List<KeyPattern> keys = new ArrayList<>();
  boolean allChannels;
  final List<String> channels = new ArrayList<>();

  private long[] bits = new long[0];
  /** Allowed first arguments (lower case) of commands that are otherwise denied: SELECT|0, DEBUG|OBJECT. */
  private Map<Integer, Set<String>> firstArgs;
  private int computedIds = -1;

  AclSelector copy() {
    AclSelector c = new AclSelector();
    c.allCommands = allCommands;
    c.commandRules.addAll(commandRules);
    c.allKeys = allKeys;
    for (KeyPattern k : keys) {
      c.keys.add(new KeyPattern(k.flags, k.text));
    }
    c.allChannels = allChannels;
    c.channels.addAll(channels);
    c.computedIds = -1;
    return c;
  }

  // ---- rules

  /**
   * Applies one rule that concerns keys, channels or commands; returns false when {@code op} is none of those (the
   * caller then tries user-level rules). Throws {@link AclException} for a bad rule.
   */
  boolean apply(String op, CommandTable table) {
    if (op.isEmpty()) {
      return false;
    }
    char c0 = op.charAt(0);
    String lower = op.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "allkeys", "~*" -> {
        allKeys = true;
        keys.clear();
        return true;
      }
      case "resetkeys" -> {
        allKeys = false;
        keys.clear();
        return true;
      }
      case "allchannels", "&*" -> {
        allChannels = true;
        channels.clear();
        return true;
      }
      case "resetchannels" -> {
        allChannels = false;
        channels.clear();
        return true;
      }
      case "allcommands", "+@all" -> {
        setAllCommands(true);
        return true;
      }
      case "nocommands", "-@all" -> {
        setAllCommands(false);
        return true;
      }
      default -> { }
    }
    if (c0 == '~' || c0 == '%') {
      addKeyPattern(op);
      return true;
    }
    if (c0 == '&') {
      if (allChannels) {
        throw new AclException("Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and "
            + "does not have any effect. Try 'resetchannels' to start with an empty list of channels");
      }
      String p = op.substring(1);
      if (p.equals("*")) {
        allChannels = true;
        channels.clear();
      } else if (!channels.contains(p)) {
        channels.add(p);
      }
      return true;
    }
    if ((c0 == '+' || c0 == '-') && op.length() > 1) {
      commandRule(lower.substring(1), c0 == '+', table);
      return true;
    }
    return false;
  }

  private void addKeyPattern(String op) {
    if (allKeys) {
      throw new AclException("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not "
          + "have any effect. Try 'resetkeys' to start with an empty list of patterns");
    }
    int flags;
    int offset;
    if (op.charAt(0) == '%') {
      flags = 0;
      int i = 1;
      for (; i < op.length() && op.charAt(i) != '~'; i++) {
        char c = Character.toUpperCase(op.charAt(i));
        if (c == 'R') {
          flags |= READ;
        } else if (c == 'W') {
          flags |= WRITE;
        } else {
          throw AclException.SYNTAX;
        }
      }
      if (i == op.length() || flags == 0) {
        throw AclException.SYNTAX;
      }
      offset = i + 1;
    } else {
      flags = RW;
      offset = 1;
    }
    String p = op.substring(offset);
    if (p.equals("*") && flags == RW) {
      allKeys = true;
      keys.clear();
      return;
    }
    for (KeyPattern k : keys) {
      if (k.text.equals(p)) {
        k.flags |= flags;
        return;
      }
    }
    keys.add(new KeyPattern(flags, p));
  }

  private void setAllCommands(boolean allow) {
    allCommands = allow;
    commandRules.clear();
    computedIds = -1;
  }

  /** {@code +name} / {@code -name} where name is a command, {@code cmd|sub}, {@code cmd|firstarg} or {@code @cat}. */
  private void commandRule(String name, boolean allow, CommandTable table) {
    if (name.startsWith("@")) {
      if (!table.moduleAclCategories.exists(name.substring(1))) {
        throw AclException.UNKNOWN_COMMAND;
      }
    } else {
      int bar = name.lastIndexOf('|');
      if (bar < 0) {
        if (table.lookup(name) == null) {
          throw AclException.UNKNOWN_COMMAND;
        }
      } else {
        Command base = table.lookup(name.substring(0, bar));
        if (base == null) {
          throw AclException.UNKNOWN_COMMAND;
        }
        if (base.parent != null) {
          throw new AclException("Allowing first-arg of a subcommand is not supported");
        }
        if (bar == name.length() - 1) {
          throw AclException.SYNTAX;
        }
        if (!base.subcommands.isEmpty()) {
          if (table.lookup(name) == null) {
            throw AclException.UNKNOWN_COMMAND;
          }
        } else if (!allow) {
          // only allowing a first argument is supported, as in Redis
          throw AclException.UNKNOWN_COMMAND;
        }
      }
    }
    // compaction: the newest rule for a name wins; a rule for a whole command covers its subcommands
    String prefix = name + "|";
    commandRules.removeIf(r -> {
      String n = r.substring(1);
      return n.equals(name) || (!name.startsWith("@") && n.startsWith(prefix));
    });
    commandRules.add((allow ? "+" : "-") + name);
    computedIds = -1;
  }

  // ---- the bitmap

  private void compute(CommandTable table) {
    int n = table.nextId();
    bits = new long[(n + 63) >>> 6];
    firstArgs = null;
    if (allCommands) {
      Arrays.fill(bits, -1L);
    }
    for (String r : commandRules) {
      boolean allow = r.charAt(0) == '+';
      String name = r.substring(1);
      if (name.startsWith("@")) {
        String cat = name.substring(1);
        for (Command c : table.all()) {
          if (ModuleAclCategories.contains(c.spec, cat)) {
            setBit(c, allow, false);
          }
          for (Command sub : c.subcommands.values()) {
            if (ModuleAclCategories.contains(sub.spec, cat)) {
              setBit(sub, allow, false);
            }
          }
        }
        continue;
      }
      Command c = table.lookup(name);
      if (c != null) {
        setBit(c, allow, true);
        continue;
      }
      int bar = name.lastIndexOf('|');
      Command base = table.lookup(name.substring(0, bar));
      if (base != null && allow) {
        if (firstArgs == null) {
          firstArgs = new HashMap<>();
        }
        firstArgs.computeIfAbsent(base.id, k -> new HashSet<>()).add(name.substring(bar + 1));
      }
    }
    computedIds = n;
  }

  private void setBit(Command c, boolean allow, boolean withSubcommands) {
    if (c.id < 0) {
      return;
    }
    if (allow) {
      bits[c.id >>> 6] |= 1L << c.id;
    } else {
      bits[c.id >>> 6] &= ~(1L << c.id);
    }
    if (firstArgs != null) {
      firstArgs.remove(c.id);
    }
    if (withSubcommands) {
      for (Command sub : c.subcommands.values()) {
        setBit(sub, allow, false);
      }
    }
  }

  /** Whether the command itself (not its keys or channels) may run with these arguments. */
  boolean mayRun(Command cmd, byte[][] argv, int argc, CommandTable table) {
    if (computedIds != table.nextId()) {
      compute(table);
    }
    int id = cmd.id;
    if (id >= 0 && (bits[id >>> 6] & (1L << id)) != 0) {
      return true;
    }
    if (firstArgs == null || argc < 2 || !cmd.subcommands.isEmpty()) {
      return false;
    }
    Set<String> allowed = firstArgs.get(id);
    return allowed != null
        && allowed.contains(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
  }

  /** Whether the command is allowed at all, whatever its arguments (ACL CAT-like listing, GETUSER checks). */
  boolean allows(Command cmd, CommandTable table) {
    if (computedIds != table.nextId()) {
      compute(table);
    }
    return cmd.id >= 0 && (bits[cmd.id >>> 6] & (1L << cmd.id)) != 0;
  }

  /** The position in argv of the first key this selector may not access as the command does, or -1. */
  int deniedKey(Command cmd, byte[][] argv, int argc) {
    if (allKeys) {
      return -1;
    }
    int[] denied = {-1};
    CommandKeys.forEach(cmd.spec, argv, argc, (flags, pos) -> {
      if (denied[0] < 0 && pos < argc && !keyAllowed(argv[pos], accessOf(flags))) {
        denied[0] = pos;
      }
    });
    return denied[0];
  }

  static int accessOf(Set<KeyFlag> flags) {
    int need = 0;
    if (flags.contains(KeyFlag.ACCESS)) {
      need |= READ;
    }
    if (flags.contains(KeyFlag.INSERT) || flags.contains(KeyFlag.DELETE) || flags.contains(KeyFlag.UPDATE)) {
      need |= WRITE;
    }
    return need;
  }

  boolean keyAllowed(byte[] key, int need) {
    if (allKeys) {
      return true;
    }
    for (KeyPattern p : keys) {
      if ((p.flags & need) == need && Glob.matches(p.bytes, key)) {
        return true;
      }
    }
    return false;
  }

  /** All keys, or a {@code *} pattern that grants reading. */
  boolean readsEverything() {
    if (allKeys) {
      return true;
    }
    for (KeyPattern p : keys) {
      if ((p.flags & READ) != 0 && p.text.equals("*")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a channel may be used: a channel is matched against the allowed patterns; a pattern (PSUBSCRIBE) must be
   * one of them literally, as Redis checks.
   */
  boolean channelAllowed(byte[] channel, boolean isPattern) {
    if (allChannels) {
      return true;
    }
    String ch = new String(channel, StandardCharsets.ISO_8859_1);
    for (String p : channels) {
      if (isPattern ? p.equals(ch) : Glob.matches(p.getBytes(StandardCharsets.ISO_8859_1), channel)) {
        return true;
      }
    }
    return false;
  }

  // ---- description

  String describeCommands() {
    StringBuilder b = new StringBuilder(allCommands ? "+@all" : "-@all");
    for (String r : commandRules) {
      b.append(' ').append(r);
    }
    return b.toString();
  }

  String describeKeys() {
    if (allKeys) {
      return "~*";
    }
    StringBuilder b = new StringBuilder();
    for (KeyPattern k : keys) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(k.describe());
    }
    return b.toString();
  }

  String describeChannels() {
    if (allChannels) {
      return "&*";
    }
    StringBuilder b = new StringBuilder();
    for (String c : channels) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append('&').append(c);
    }
    return b.toString();
  }

  /** Keys, channels, commands as ACL LIST writes them ({@code ~a* resetchannels &c -@all +get}). */
  String describe() {
    StringBuilder b = new StringBuilder();
    String k = describeKeys();
    if (!k.isEmpty()) {
      b.append(k).append(' ');
    }
    if (allChannels) {
      b.append("&* ");
    } else {
      b.append("resetchannels ");
      String c = describeChannels();
      if (!c.isEmpty()) {
        b.append(c).append(' ');
      }
    }
    b.append(describeCommands());
    return b.toString();
  }
}
