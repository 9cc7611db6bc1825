package dev.cairn.api;

/**
 * A Cairn module: commands, data types, configuration and event hooks written in plain Java and loaded from a jar.
 *
 * <p>A jar names its module class in {@code META-INF/services/dev.cairn.api.Module} (one class per jar). The server
 * creates it with its public no-argument constructor, calls {@link #onLoad} once on the engine thread with a context
 * that collects everything the module registers, and commits the whole registration only when {@code onLoad} returns
 * normally: a module that throws leaves the server exactly as it was.
 */
public interface Module {
  /** The module's name (MODULE LIST, MODULE UNLOAD, config prefix) and version. */
  ModuleInfo info();

  /**
   * Registers the module's commands, types, configuration and hooks on {@code ctx}; the context is sealed when this
   * returns. Throwing fails the load and undoes every registration.
   */
  void onLoad(ModuleContext ctx) throws Exception;

  /**
   * Called on the engine thread when the module is unloaded (or the server stops), after its commands, types, config
   * parameters and hooks have been removed. Stop background threads here.
   */
  default void onUnload() {
  }
}
