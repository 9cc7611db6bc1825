package dev.cairn.core.module;

import dev.cairn.api.ConfigValue;
import dev.cairn.core.config.ConfigException;
import dev.cairn.core.config.ConfigParam;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A module's config parameter ({@code <module>.<name>}): parsed, checked by the module's validator, then applied.
 * CONFIG SET/GET see it like a core parameter while the module is loaded.
 */
final class ModuleParam<T> extends ConfigParam {
  private final Function<String, T> parser;
  private final Function<T, String> printer;
  private final Consumer<T> validate;
  private final T dflt;
  private volatile T value;

  ModuleParam(String fullName, T dflt, Function<String, T> parser, Function<T, String> printer, Consumer<T> validate) {
    super(fullName);
    this.parser = parser;
    this.printer = printer;
    this.validate = validate;
    this.dflt = dflt;
    this.value = dflt;
  }

  static ModuleParam<String> text(String fullName, String dflt, Consumer<String> validate) {
    return new ModuleParam<>(fullName, dflt, s -> s, s -> s, validate);
  }

  static ModuleParam<Boolean> bool(String fullName, boolean dflt, Consumer<Boolean> validate) {
    return new ModuleParam<>(fullName, dflt, s -> switch (s.toLowerCase(Locale.ROOT)) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new IllegalArgumentException("argument must be 'yes' or 'no'");
    }, b -> b ? "yes" : "no", validate);
  }

  static ModuleParam<Long> number(String fullName, long dflt, long min, long max, Consumer<Long> validate) {
    if (dflt < min || dflt > max) {
      throw new IllegalArgumentException("default " + dflt + " of " + fullName + " is outside " + min + ".." + max);
    }
    return new ModuleParam<>(fullName, dflt, s -> {
      long v;
      try {
        v = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("argument couldn't be parsed into an integer");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
      }
      return v;
    }, String::valueOf, validate);
  }

  /** The value as CONFIG GET shows it. */
  @Override
  public String get() {
    return printer.apply(value);
  }

  /** The typed view the module reads. */
  ConfigValue<T> view() {
    ModuleParam<T> p = this;
    return new ConfigValue<>() {
      @Override
      public String name() {
        return p.name();
      }

      @Override
      public T get() {
        return p.value;
      }
    };
  }

  @Override
  public void set(String text) throws ConfigException {
    T v;
    try {
      v = parser.apply(text);
      if (validate != null) {
        validate.accept(v);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() == null ? "invalid value" : e.getMessage());
    }
    value = v;
  }

  @Override
  public String defaultValue() {
    return printer.apply(dflt);
  }
}
