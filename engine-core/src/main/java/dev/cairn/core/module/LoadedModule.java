package dev.cairn.core.module;

import dev.cairn.api.Module;
import dev.cairn.api.ModuleInfo;
import dev.cairn.api.ServerEvent;
import dev.cairn.api.type.DataType;
import dev.cairn.core.KeyspaceEventsHub;
import dev.cairn.core.config.ConfigParam;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A module the server has loaded, with everything it registered (removed again on unload). */
public final class LoadedModule {
  public final Module module;
  public final ModuleInfo info;
  /** The jar's path, or {@code classpath:<class>} for a module given as an instance (embedded servers). */
  public final String path;
  public final List<String> args;
  /** The jar's own class loader; null for a module given as an instance. */
  final URLClassLoader loader;

  final List<String> commands = new ArrayList<>();
  final List<DataType<?>> types = new ArrayList<>();
  final List<dev.cairn.api.type.AuxData<?>> auxData = new ArrayList<>();
  final List<ConfigParam> params = new ArrayList<>();
  final List<KeyspaceEventsHub.Subscription> keyspaceListeners = new ArrayList<>();
  final List<Consumer<ServerEvent>> serverListeners = new ArrayList<>();
  final Map<String, Supplier<Map<String, Object>>> infoSections = new LinkedHashMap<>();
  /** Clients blocked by the module's commands and not answered yet (engine thread). */
  int blockedClients;
  /** Timers not fired or stopped yet (any thread). */
  final java.util.Set<dev.cairn.api.ModuleTimer> timers = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** How deep the module is in {@code ServerAccess.call}s (engine thread): NOSELF filters skip those commands. */
  int inCall;
  /** Cleared on unload: background tasks handed in afterwards are dropped. */
  volatile boolean live = true;

  LoadedModule(Module module, ModuleInfo info, String path, List<String> args, URLClassLoader loader) {
    this.module = module;
    this.info = info;
    this.path = path;
    this.args = List.copyOf(args);
    this.loader = loader;
  }

  /** INFO sections, by full name ({@code <module>_<section>}). */
  public Map<String, Supplier<Map<String, Object>>> infoSections() {
    return infoSections;
  }
}
