package dev.cairn.core.config;

import java.util.List;

/**
 * One configuration parameter: its name (and aliases, e.g. {@code slaveof} for {@code replicaof}), its current value
 * as CONFIG GET shows it, and how CONFIG SET / the config file change it. Typed subclasses keep the parsed value in a
 * field the engine reads directly.
 */
public abstract class ConfigParam {
  final String name;
  final List<String> aliases;
  boolean immutable;
  boolean sensitive;
  /** Left out of CONFIG GET globs; only an exact name finds it (Redis's debugging knobs). */
  boolean hidden;
  /** Settable at run time only when {@code enable-protected-configs} allows it (dir, dbfilename). */
  boolean protectedConfig;
  /** Takes any number of arguments on a config line and checks the count itself (Redis's MULTI_ARG_CONFIG). */
  boolean multiArg;
  /** Not settable while a dataset loads (dir, appendonly): CONFIG SET gets LOADING. */
  boolean denyLoading;
  /** Work that makes a new value take effect and can fail (rebinding the port); see {@link #onApply}. */
  @FunctionalInterface
  public interface Applier {
    void apply() throws ConfigException;
  }

  private Applier applier;

  /** Registered by a module (CONFIG REWRITE writes it under its module's name). */
  String module;

  protected ConfigParam(String name, String... aliases) {
    this.name = name;
    this.aliases = List.of(aliases);
  }

  public String name() {
    return name;
  }

  public List<String> aliases() {
    return aliases;
  }

  /** The module that declared the parameter, or null for the core's. */
  public String module() {
    return module;
  }

  /** Marks the parameter as declared by {@code moduleName} (registered on MODULE LOAD, removed on unload). */
  public ConfigParam declaredBy(String moduleName) {
    module = moduleName;
    return this;
  }

  public boolean immutable() {
    return immutable;
  }

  /** Values that CONFIG GET never shows in logs (requirepass). */
  public boolean sensitive() {
    return sensitive;
  }

  /** Cannot be changed with CONFIG SET, only at startup. */
  public ConfigParam immutableAtRuntime() {
    immutable = true;
    return this;
  }

  public ConfigParam markSensitive() {
    sensitive = true;
    return this;
  }

  /** Sets the work CONFIG SET runs after a change of value; a failure there rolls the whole CONFIG SET back. */
  public void onApply(Applier a) {
    applier = a;
  }

  /** Makes the current value take effect (no-op for most parameters). */
  public void apply() throws ConfigException {
    if (applier != null) {
      applier.apply();
    }
  }

  public boolean hidden() {
    return hidden;
  }

  public ConfigParam markHidden() {
    hidden = true;
    return this;
  }

  /** Whether a config line may give it any number of arguments (save, bind, ...); others take exactly one. */
  public boolean multiArg() {
    return multiArg;
  }

  public ConfigParam markMultiArg() {
    multiArg = true;
    return this;
  }

  public boolean isProtected() {
    return protectedConfig;
  }

  public ConfigParam markProtected() {
    protectedConfig = true;
    return this;
  }

  public boolean denyLoading() {
    return denyLoading;
  }

  public ConfigParam markDenyLoading() {
    denyLoading = true;
    return this;
  }

  /**
   * The value as CONFIG REWRITE writes it after the name: one entry per line to write ({@code save} writes a line per
   * rule). Default: the CONFIG GET value, quoted when it needs to be.
   */
  public java.util.List<String> rewriteValues() {
    return java.util.List.of(ConfigText.quoteIfNeeded(get()));
  }

  /** The value as CONFIG GET returns it. */
  public abstract String get();

  /** Parses and applies {@code value}; throws {@link ConfigException} with Redis's reason text when invalid. */
  public abstract void set(String value) throws ConfigException;

  /** The startup default, as CONFIG GET would show it; CONFIG REWRITE leaves defaults out of the file. */
  public abstract String defaultValue();

  /** Applies several arguments (for directives such as {@code save 900 1 300 10}); default: joined with spaces. */
  public void setFromFile(List<String> args) throws ConfigException {
    set(String.join(" ", args));
  }
}
