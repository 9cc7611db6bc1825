package dev.cairn.core.config;

import java.util.Locale;
import java.util.function.Consumer;

/** The typed kinds of parameter. Each keeps its parsed value in a plain field for the engine to read. */
public final class Params {
  private Params() {}

  /** yes/no. */
  public static final class Bool extends ConfigParam {
    public volatile boolean value;
    private final boolean dflt;
    private final Consumer<Boolean> onChange;

    public Bool(String name, boolean dflt, Consumer<Boolean> onChange, String... aliases) {
      super(name, aliases);
      this.value = dflt;
      this.dflt = dflt;
      this.onChange = onChange;
    }

    @Override
    public String get() {
      return value ? "yes" : "no";
    }

    @Override
    public void set(String v) throws ConfigException {
      boolean b = switch (v.toLowerCase(Locale.ROOT)) {
        case "yes" -> true;
        case "no" -> false;
        default -> throw new ConfigException("argument must be 'yes' or 'no'");
      };
      value = b;
      if (onChange != null) {
        onChange.accept(b);
      }
    }

    @Override
    public String defaultValue() {
      return dflt ? "yes" : "no";
    }
  }

  /**
   * A whole number within bounds; memory parameters accept units ({@code 1gb}, {@code 100mb}, {@code 4k}) and
   * percentage parameters a trailing {@code %} as Redis's do.
   */
  public static final class Num extends ConfigParam {
    public volatile long value;
    private final long dflt;
    private final long min;
    private final long max;
    private final boolean memory;
    private final Consumer<Long> onChange;

    public Num(String name, long dflt, long min, long max, boolean memory, Consumer<Long> onChange,
        String... aliases) {
      super(name, aliases);
      this.value = dflt;
      this.dflt = dflt;
      this.min = min;
      this.max = max;
      this.memory = memory;
      this.onChange = onChange;
    }

    @Override
    public String get() {
      return Long.toString(value);
    }

    @Override
    public void set(String v) throws ConfigException {
      long parsed;
      if (memory) {
        parsed = MemoryUnits.parse(v);
        if (parsed == Long.MIN_VALUE) {
          throw new ConfigException("argument must be a memory value");
        }
      } else {
        try {
          parsed = Long.parseLong(v);
        } catch (NumberFormatException e) {
          throw new ConfigException("argument couldn't be parsed into an integer");
        }
      }
      if (parsed < min || parsed > max) {
        throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
      }
      value = parsed;
      if (onChange != null) {
        onChange.accept(parsed);
      }
      if (listener != null) {
        listener.accept(parsed);
      }
    }

    /** Another party told of every change after start-up (the cluster re-announces its ports). */
    private volatile Consumer<Long> listener;

    public void listen(Consumer<Long> l) {
      listener = l;
    }

    @Override
    public String defaultValue() {
      return Long.toString(dflt);
    }

    public int intValue() {
      return (int) value;
    }

    /** Memory values are written back with the largest exact unit (5mb, 1gb), as Redis's rewrite does. */
    @Override
    public java.util.List<String> rewriteValues() {
      if (!memory || value == 0) {
        return java.util.List.of(get());
      }
      long[] sizes = {1L << 30, 1L << 20, 1L << 10};
      String[] units = {"gb", "mb", "kb"};
      for (int i = 0; i < sizes.length; i++) {
        if (value % sizes[i] == 0) {
          return java.util.List.of(value / sizes[i] + units[i]);
        }
      }
      return java.util.List.of(get());
    }
  }

  /** Free text. */
  public static final class Text extends ConfigParam {
    public volatile String value;
    private final String dflt;
    private final Consumer<String> onChange;

    public Text(String name, String dflt, Consumer<String> onChange, String... aliases) {
      super(name, aliases);
      this.value = dflt;
      this.dflt = dflt;
      this.onChange = onChange;
    }

    @Override
    public String get() {
      return value;
    }

    @Override
    public void set(String v) {
      value = v;
      if (onChange != null) {
        onChange.accept(v);
      }
      if (listener != null) {
        listener.accept(v);
      }
    }

    /** Another party told of every change, and of the current value at once (requirepass sets a user's password). */
    private volatile Consumer<String> listener;

    public void listen(Consumer<String> l) {
      listener = l;
      l.accept(value);
    }

    @Override
    public String defaultValue() {
      return dflt;
    }
  }

  /** One of a fixed set of words. */
  public static final class Choice extends ConfigParam {
    public volatile String value;
    private final String dflt;
    private final String[] choices;
    private final Consumer<String> onChange;

    public Choice(String name, String dflt, String[] choices, Consumer<String> onChange, String... aliases) {
      super(name, aliases);
      this.value = dflt;
      this.dflt = dflt;
      this.choices = choices;
      this.onChange = onChange;
    }

    @Override
    public String get() {
      return value;
    }

    /** Another party told of every change, and of the current value at once (the engine caches derived flags). */
    private volatile Consumer<String> listener;

    public void listen(Consumer<String> l) {
      listener = l;
      l.accept(value);
    }

    @Override
    public void set(String v) throws ConfigException {
      String lower = v.toLowerCase(Locale.ROOT);
      for (String c : choices) {
        if (c.equals(lower)) {
          value = c;
          if (onChange != null) {
            onChange.accept(c);
          }
          if (listener != null) {
            listener.accept(c);
          }
          return;
        }
      }
      throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", choices));
    }

    @Override
    public String defaultValue() {
      return dflt;
    }
  }
}
