package dev.cairn.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The registry of configuration parameters, by name and alias (case-insensitive). */
public final class Config {
  private final Map<String, ConfigParam> byName = new LinkedHashMap<>();
  private final List<ConfigParam> params = new ArrayList<>();
  /** The config file given at startup, for CONFIG REWRITE; null when started without one. */
  public volatile java.nio.file.Path configFile;
  /** Whether startup read configuration from standard input ({@code -} on the command line). */
  public volatile boolean configFromStdin;

  /** A startup-only directive that is not a parameter (CONFIG GET does not show it), e.g. {@code loadmodule}. */
  @FunctionalInterface
  public interface Directive {
    void apply(List<String> args) throws ConfigException;
  }

  private final Map<String, Directive> directives = new LinkedHashMap<>();
  /**
   * {@code <module>.<param> value} lines read before their module was loaded, as Redis queues them: the module takes
   * its own when it loads; any left after startup's modules loaded stop the server.
   */
  private final Map<String, String> pendingModuleConfigs = new LinkedHashMap<>();

  /** Registers a startup directive. */
  public void registerDirective(String name, Directive d) {
    directives.put(name.toLowerCase(Locale.ROOT), d);
  }

  private final Map<String, java.util.function.Supplier<List<String>>> directiveRewriters = new LinkedHashMap<>();

  /**
   * Lets CONFIG REWRITE write directive {@code name} from the server's state: {@code lines} gives each line's text
   * after the name (for {@code loadmodule}: every jar module loaded now, with its arguments), replacing the file's.
   */
  public void setDirectiveRewriter(String name, java.util.function.Supplier<List<String>> lines) {
    directiveRewriters.put(name.toLowerCase(Locale.ROOT), lines);
  }

  private final java.util.Set<String> keyedDirectives = new java.util.HashSet<>();

  /**
   * As {@link #setDirectiveRewriter(String, java.util.function.Supplier)}, for a directive whose first argument names
   * a sub-option ({@code sentinel monitor ...}): CONFIG REWRITE then puts each new line where the file had a line of the
   * same sub-option, in order, as Redis rewrites Sentinel's lines; the others go to the end.
   */
  public void setKeyedDirectiveRewriter(String name, java.util.function.Supplier<List<String>> lines) {
    setDirectiveRewriter(name, lines);
    keyedDirectives.add(name.toLowerCase(Locale.ROOT));
  }

  /** Whether directive {@code name} is rewritten line by line by its first argument. */
  public boolean keyedDirective(String name) {
    return keyedDirectives.contains(name.toLowerCase(Locale.ROOT));
  }

  /** The rewriter of directive {@code name}, or null (its lines are kept as they are). */
  public java.util.function.Supplier<List<String>> directiveRewriter(String name) {
    return directiveRewriters.get(name.toLowerCase(Locale.ROOT));
  }

  /** Directives that have a rewriter. */
  public java.util.Set<String> rewrittenDirectives() {
    return directiveRewriters.keySet();
  }

  /** The directive with this name, or null. */
  public Directive directive(String name) {
    return directives.get(name.toLowerCase(Locale.ROOT));
  }

  /** Module config values given at startup and not yet taken by their module, by full lower-case name. */
  public Map<String, String> pendingModuleConfigs() {
    return pendingModuleConfigs;
  }

  /** Registers a parameter; returns it, for keeping its typed field. */
  public <P extends ConfigParam> P register(P p) {
    for (String n : names(p)) {
      if (byName.putIfAbsent(n, p) != null) {
        throw new IllegalStateException("config parameter already registered: " + n);
      }
    }
    params.add(p);
    return p;
  }

  /** Removes a parameter (module unload). */
  public void unregister(ConfigParam p) {
    for (String n : names(p)) {
      byName.remove(n);
    }
    params.remove(p);
  }

  private static List<String> names(ConfigParam p) {
    List<String> n = new ArrayList<>();
    n.add(p.name);
    n.addAll(p.aliases);
    return n;
  }

  /** The parameter with this name or alias, or null. */
  public ConfigParam find(String name) {
    return byName.get(name.toLowerCase(Locale.ROOT));
  }

  /** Every parameter once, in registration order. */
  public Collection<ConfigParam> all() {
    return params;
  }

  /** Every name and alias with its parameter. */
  public Map<String, ConfigParam> byName() {
    return byName;
  }

  /** Sets a parameter by name (as from the command line); throws with "Bad directive or wrong number of arguments". */
  public void set(String name, String value) throws ConfigException {
    ConfigParam p = find(name);
    if (p == null) {
      throw new ConfigException("Bad directive or wrong number of arguments");
    }
    p.set(value);
  }
}
