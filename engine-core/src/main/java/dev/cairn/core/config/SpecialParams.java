package dev.cairn.core.config;

import dev.cairn.api.command.KeyspaceEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Parameters with a syntax of their own: save rules, keyspace event letters, word lists, memory-or-percent. */
public final class SpecialParams {
  private SpecialParams() {}

  static String[] words(String v) {
    String s = v.strip();
    return s.isEmpty() ? new String[0] : s.split("\\s+");
  }

  /** {@code save <seconds> <changes> [...]}: RDB snapshot rules; {@code ""} for none. */
  public static final class Save extends ConfigParam {
    /** Pairs of {seconds, changes}. */
    public volatile long[] rules;
    private final String dflt;

    public Save(String dflt) {
      super("save");
      multiArg = true;
      this.dflt = dflt;
      this.rules = parseOrNull(dflt);
    }

    private static long[] parseOrNull(String v) {
      String[] w = words(v);
      if (w.length % 2 != 0) {
        return null;
      }
      long[] r = new long[w.length];
      for (int i = 0; i < w.length; i++) {
        try {
          r[i] = Long.parseLong(w[i]);
        } catch (NumberFormatException e) {
          return null;
        }
        if (i % 2 == 0 ? r[i] < 1 : r[i] < 0) {
          return null;
        }
      }
      return r;
    }

    @Override
    public String get() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < rules.length; i += 2) {
        sb.append(i == 0 ? "" : " ").append(rules[i]).append(' ').append(rules[i + 1]);
      }
      return sb.toString();
    }

    @Override
    public void set(String value) throws ConfigException {
      long[] r = parseOrNull(value);
      if (r == null) {
        throw new ConfigException("Invalid save parameters");
      }
      rules = r;
    }

    private boolean seenInFile;

    /**
     * As Redis reads {@code save} lines at startup: the first one replaces the built-in default, later ones add their
     * points (so CONFIG REWRITE's line per point reads back whole), and an empty one clears them all.
     */
    @Override
    public void setFromFile(List<String> args) throws ConfigException {
      String v = String.join(" ", args).strip();
      if (seenInFile && !v.isEmpty() && rules.length > 0) {
        v = get() + " " + v;
      }
      set(v);
      seenInFile = true;
    }

    @Override
    public String defaultValue() {
      return dflt;
    }

    @Override
    public List<String> rewriteValues() {
      if (rules.length == 0) {
        return List.of("\"\"");
      }
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < rules.length; i += 2) {
        lines.add(rules[i] + " " + rules[i + 1]);
      }
      return lines;
    }
  }

  /** {@code notify-keyspace-events}: class letters, kept as {@link KeyspaceEvents} bits. */
  public static final class NotifyEvents extends ConfigParam {
    public volatile int flags;

    public NotifyEvents() {
      super("notify-keyspace-events");
    }

    /** The bits for these letters, or -1 when one is not a class letter. */
    public static int parse(String letters) {
      int f = 0;
      for (char ch : letters.toCharArray()) {
        f |= switch (ch) {
          case 'A' -> KeyspaceEvents.ALL;
          case 'g' -> KeyspaceEvents.GENERIC;
          case '$' -> KeyspaceEvents.STRING;
          case 'l' -> KeyspaceEvents.LIST;
          case 's' -> KeyspaceEvents.SET;
          case 'h' -> KeyspaceEvents.HASH;
          case 'z' -> KeyspaceEvents.ZSET;
          case 'x' -> KeyspaceEvents.EXPIRED;
          case 'e' -> KeyspaceEvents.EVICTED;
          case 'K' -> KeyspaceEvents.KEYSPACE;
          case 'E' -> KeyspaceEvents.KEYEVENT;
          case 't' -> KeyspaceEvents.STREAM;
          case 'm' -> KeyspaceEvents.KEY_MISS;
          case 'd' -> KeyspaceEvents.MODULE;
          case 'n' -> KeyspaceEvents.NEW;
          default -> Integer.MIN_VALUE;
        };
        if (f < 0) {
          return -1;
        }
      }
      return f;
    }

    /** The letters for these bits, in Redis's order ('A' when every class of 'A' is on). */
    public static String format(int f) {
      StringBuilder sb = new StringBuilder();
      if ((f & KeyspaceEvents.ALL) == KeyspaceEvents.ALL) {
        sb.append('A');
      } else {
        int[] bits = {KeyspaceEvents.GENERIC, KeyspaceEvents.STRING, KeyspaceEvents.LIST, KeyspaceEvents.SET,
            KeyspaceEvents.HASH, KeyspaceEvents.ZSET, KeyspaceEvents.EXPIRED, KeyspaceEvents.EVICTED,
            KeyspaceEvents.STREAM, KeyspaceEvents.MODULE, KeyspaceEvents.NEW};
        String letters = "g$lshzxetdn";
        for (int i = 0; i < bits.length; i++) {
          if ((f & bits[i]) != 0) {
            sb.append(letters.charAt(i));
          }
        }
      }
      if ((f & KeyspaceEvents.KEYSPACE) != 0) {
        sb.append('K');
      }
      if ((f & KeyspaceEvents.KEYEVENT) != 0) {
        sb.append('E');
      }
      if ((f & KeyspaceEvents.KEY_MISS) != 0) {
        sb.append('m');
      }
      return sb.toString();
    }

    @Override
    public String get() {
      return format(flags);
    }

    @Override
    public void set(String value) throws ConfigException {
      int f = parse(value);
      if (f < 0) {
        throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      }
      flags = f;
    }

    @Override
    public String defaultValue() {
      return "";
    }
  }

  /** A list of words checked by a rule (bind addresses, percentiles, oom-score-adj values, replicaof). */
  public static final class Words extends ConfigParam {
    public volatile String value;
    private final String dflt;
    private final Predicate<String[]> valid;
    private final String error;

    /** Allowed word counts (empty: any); another count is "wrong number of arguments", as Redis says. */
    private int[] counts = {};

    public Words(String name, String dflt, Predicate<String[]> valid, String error, String... aliases) {
      super(name, aliases);
      multiArg = true;
      this.value = dflt;
      this.dflt = dflt;
      this.valid = valid;
      this.error = error;
    }

    @Override
    public String get() {
      return value;
    }

    @Override
    public void set(String v) throws ConfigException {
      String[] w = words(v);
      if (counts.length > 0 && java.util.Arrays.stream(counts).noneMatch(n -> n == w.length)) {
        throw new ConfigException("wrong number of arguments");
      }
      if (!valid.test(w)) {
        throw new ConfigException(error);
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = canonical.apply(w[i]);
      }
      if (order != null) {
        java.util.Arrays.sort(w, order);
      }
      value = String.join(" ", w);
    }

    @Override
    public String defaultValue() {
      return dflt;
    }

    private java.util.function.UnaryOperator<String> canonical = x -> x;
    private java.util.Comparator<String> order;

    /** Stores the words sorted this way (a set of flags that Redis prints in its own order). */
    public Words ordered(java.util.Comparator<String> o) {
      order = o;
      return this;
    }

    /** Stores each word in this form (as CONFIG GET shows it). */
    public Words canonical(java.util.function.UnaryOperator<String> form) {
      canonical = form;
      return this;
    }

    /** Only these word counts are accepted. */
    public Words counts(int... n) {
      counts = n;
      return this;
    }

    @Override
    public List<String> rewriteValues() {
      if (value.isEmpty() && counts.length > 0 && java.util.Arrays.stream(counts).noneMatch(n -> n == 0)) {
        return List.of(); // no line: an empty value could not be read back (replicaof with no master)
      }
      return List.of(value.isEmpty() ? "\"\"" : value);
    }
  }

  /**
   * {@code maxmemory-clients}: bytes, or a percentage of maxmemory written {@code N%} (kept as {@code -N}, as Redis
   * keeps it).
   */
  public static final class MemoryOrPercent extends ConfigParam {
    public volatile long value;

    public MemoryOrPercent(String name) {
      super(name);
    }

    @Override
    public String get() {
      return value < 0 ? (-value) + "%" : Long.toString(value);
    }

    @Override
    public void set(String v) throws ConfigException {
      long parsed;
      if (v.endsWith("%")) {
        try {
          parsed = -Long.parseLong(v.substring(0, v.length() - 1));
        } catch (NumberFormatException e) {
          throw new ConfigException("argument must be a memory or percent value");
        }
      } else {
        parsed = MemoryUnits.parse(v);
        if (parsed == Long.MIN_VALUE) {
          throw new ConfigException("argument must be a memory or percent value");
        }
      }
      if (parsed < -100) {
        throw new ConfigException("percentage argument must be less or equal to 100");
      }
      value = parsed;
    }

    @Override
    public String defaultValue() {
      return "0";
    }
  }
}
