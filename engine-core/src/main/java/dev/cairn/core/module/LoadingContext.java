package dev.cairn.core.module;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.KeyspaceListener;
import dev.cairn.api.KeyspaceSubscription;
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleServer;
import dev.cairn.api.ServerEvent;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Handler;
import dev.cairn.api.type.DataType;
import dev.cairn.core.KeyspaceEventsHub;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The context a module loads with: it only collects. {@link ModuleManager} checks what was collected and commits it
 * all at once after {@code onLoad} returned, then seals the context so that a module cannot register later.
 */
final class LoadingContext implements ModuleContext {
  /** A command and its handler (null for a container), in registration order. */
  record PendingCommand(CommandSpec spec, Handler handler) { }

  /**
   * A keyspace listener with the event classes it asks for; given out at once as the module's subscription, and
   * connected to the event stream when the load commits.
   */
  static final class PendingListener implements KeyspaceSubscription {
    final KeyspaceListener listener;
    private int types;
    KeyspaceEventsHub.Subscription registered;

    PendingListener(int types, KeyspaceListener listener) {
      this.types = types;
      this.listener = listener;
    }

    @Override
    public int types() {
      return types;
    }

    @Override
    public void setTypes(int types) {
      this.types = types;
      if (registered != null) {
        registered.setTypes(types);
      }
    }
  }

  /** A command filter; {@code handle} is given out at once and connected to the filter when the load commits. */
  static final class PendingFilter implements dev.cairn.api.command.CommandFilter.Handle {
    final dev.cairn.api.command.CommandFilter filter;
    final boolean noSelf;
    dev.cairn.api.command.CommandFilter.Handle registered;
    boolean removed;

    PendingFilter(dev.cairn.api.command.CommandFilter filter, boolean noSelf) {
      this.filter = filter;
      this.noSelf = noSelf;
    }

    @Override
    public boolean unregister() {
      if (removed) {
        return false;
      }
      removed = true;
      return registered == null || registered.unregister();
    }
  }

  private final String moduleName;
  private final List<String> args;
  private final ModuleServer server;
  private boolean sealed;

  final List<PendingCommand> commands = new ArrayList<>();
  final List<DataType<?>> types = new ArrayList<>();
  final List<dev.cairn.api.type.AuxData<?>> auxData = new ArrayList<>();
  final List<ModuleParam<?>> params = new ArrayList<>();
  final List<PendingListener> keyspaceListeners = new ArrayList<>();
  final List<Consumer<ServerEvent>> serverListeners = new ArrayList<>();
  final Map<String, Supplier<Map<String, Object>>> infoSections = new LinkedHashMap<>();
  final Map<String, Object> sharedApis = new LinkedHashMap<>();
  final List<PendingFilter> filters = new ArrayList<>();
  /** ACL categories to add, lower case. */
  final List<String> aclCategories = new ArrayList<>();

  LoadingContext(String moduleName, List<String> args, ModuleServer server) {
    this.moduleName = moduleName;
    this.args = List.copyOf(args);
    this.server = server;
  }

  void seal() {
    sealed = true;
  }

  private void checkOpen() {
    if (sealed) {
      throw new IllegalStateException("module " + moduleName + ": registrations are only allowed during onLoad");
    }
  }

  @Override
  public String moduleName() {
    return moduleName;
  }

  @Override
  public List<String> args() {
    return args;
  }

  @Override
  public void registerCommands(CommandFamily family) {
    checkOpen();
    family.register(new CommandRegistry() {
      @Override
      public void add(CommandSpec spec, Handler handler) {
        checkOpen();
        if (handler == null) {
          throw new IllegalArgumentException("no handler for " + spec.fullName());
        }
        commands.add(new PendingCommand(spec, handler));
      }

      @Override
      public void addContainer(CommandSpec spec) {
        checkOpen();
        commands.add(new PendingCommand(spec, null));
      }
    });
  }

  @Override
  public void registerAuxData(dev.cairn.api.type.AuxData<?> aux) {
    checkOpen();
    if (aux.id() == null) {
      throw new IllegalArgumentException("AUX data needs an id");
    }
    auxData.add(aux);
  }

  @Override
  public void registerType(DataType<?> type) {
    checkOpen();
    if (type.id() == null || type.valueClass() == null) {
      throw new IllegalArgumentException("a data type needs an id and a value class");
    }
    types.add(type);
  }

  private String fullName(String name) {
    if (name == null || name.isEmpty() || name.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("bad config name: " + name);
    }
    return (moduleName + "." + name).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public ConfigValue<String> stringConfig(String name, String defaultValue, Consumer<String> validate) {
    checkOpen();
    ModuleParam<String> p = ModuleParam.text(fullName(name), defaultValue, validate);
    params.add(p);
    return p.view();
  }

  @Override
  public ConfigValue<Long> numericConfig(String name, long defaultValue, long min, long max, Consumer<Long> validate) {
    checkOpen();
    ModuleParam<Long> p = ModuleParam.number(fullName(name), defaultValue, min, max, validate);
    params.add(p);
    return p.view();
  }

  @Override
  public ConfigValue<Boolean> boolConfig(String name, boolean defaultValue, Consumer<Boolean> validate) {
    checkOpen();
    ModuleParam<Boolean> p = ModuleParam.bool(fullName(name), defaultValue, validate);
    params.add(p);
    return p.view();
  }

  @Override
  public KeyspaceSubscription subscribeKeyspaceEvents(int types, KeyspaceListener listener) {
    checkOpen();
    PendingListener pl = new PendingListener(types, listener);
    keyspaceListeners.add(pl);
    return pl;
  }

  @Override
  public void onServerEvent(Consumer<ServerEvent> listener) {
    checkOpen();
    serverListeners.add(listener);
  }

  @Override
  public void addInfoSection(String section, Supplier<Map<String, Object>> fields) {
    checkOpen();
    infoSections.put(moduleName + "_" + section, fields);
  }

  @Override
  public void exportSharedApi(String name, Object api) {
    checkOpen();
    if (name == null || name.isEmpty() || api == null) {
      throw new IllegalArgumentException("a shared API needs a name and an object");
    }
    if (sharedApis.putIfAbsent(name, api) != null) {
      throw new IllegalArgumentException("shared API '" + name + "' exported twice");
    }
  }

  @Override
  public dev.cairn.api.command.CommandFilter.Handle registerCommandFilter(dev.cairn.api.command.CommandFilter filter,
      boolean noSelf) {
    checkOpen();
    PendingFilter f = new PendingFilter(java.util.Objects.requireNonNull(filter), noSelf);
    filters.add(f);
    return f;
  }

  @Override
  public void addAclCategory(String name) {
    checkOpen();
    if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
        || c == '-' || c == '_'))) {
      throw new IllegalArgumentException("ACL category name '" + name + "': letters, digits, - and _ only");
    }
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (aclCategories.contains(lower)) {
      throw new IllegalArgumentException("ACL category '" + name + "' added twice");
    }
    aclCategories.add(lower);
  }

  @Override
  public ModuleServer server() {
    return server;
  }
}
