package dev.cairn.api;

/** A module's config parameter as it reads it: the current value, changed by CONFIG SET or MODULE LOADEX. */
public interface ConfigValue<T> {
  /** The full name, {@code <module>.<name>}. */
  String name();

  /** The current value (read on any thread; CONFIG SET changes it on the engine thread). */
  T get();
}
