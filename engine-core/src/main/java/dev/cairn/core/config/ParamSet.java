package dev.cairn.core.config;

/** Shorthands for registering a theme's parameters: {@code bool("activerehashing", true)} and so on. */
abstract class ParamSet {
  static final long INT_MAX = Integer.MAX_VALUE;
  static final long INT_MIN = Integer.MIN_VALUE;
  static final long LONG_MAX = Long.MAX_VALUE;
  private final Config c;

  ParamSet(Config c) {
    this.c = c;
  }

  Params.Bool bool(String name, boolean dflt, String... aliases) {
    return c.register(new Params.Bool(name, dflt, null, aliases));
  }

  Params.Num num(String name, long dflt, long min, long max, String... aliases) {
    return c.register(new Params.Num(name, dflt, min, max, false, null, aliases));
  }

  /** A byte count that accepts units (1gb, 100mb). */
  Params.Num mem(String name, long dflt, long min, long max, String... aliases) {
    return c.register(new Params.Num(name, dflt, min, max, true, null, aliases));
  }

  Params.Text text(String name, String dflt, String... aliases) {
    return c.register(new Params.Text(name, dflt, null, aliases));
  }

  Params.Choice choice(String name, String dflt, String[] choices, String... aliases) {
    return c.register(new Params.Choice(name, dflt, choices, null, aliases));
  }

  <P extends ConfigParam> P add(P p) {
    return c.register(p);
  }

  static <P extends ConfigParam> P immutable(P p) {
    p.immutableAtRuntime();
    return p;
  }

  static <P extends ConfigParam> P hidden(P p) {
    p.markHidden();
    return p;
  }
}
