package dev.cairn.api;

import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.type.DataType;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a module sees while it loads. Registrations are collected here and committed together when
 * {@link Module#onLoad} returns; the registration methods throw {@link IllegalStateException} afterwards (the context is
 * sealed). {@link #server()} stays valid until the module is unloaded.
 */
public interface ModuleContext {
  /** The module's name, from {@link Module#info()}. */
  String moduleName();

  /** The load arguments: {@code MODULE LOAD x.jar a b} gives {@code [a, b]}. */
  List<String> args();

  /**
   * Registers a family of commands, declared exactly like core commands. Their specs are marked as the module's
   * (COMMAND DOCS reports the module name, COMMAND INFO the {@code module} flag). Names are namespaced by convention,
   * e.g. {@code BF.ADD}; a name already taken fails the load.
   */
  void registerCommands(CommandFamily family);

  /** Registers a data type; its 9-character name must be unique in the server. */
  void registerType(DataType<?> type);

  /**
   * Declares a string config parameter {@code <module>.<name>}; {@code validate} (may be null) throws
   * {@link IllegalArgumentException} with the reason to reject a value.
   */
  ConfigValue<String> stringConfig(String name, String defaultValue, Consumer<String> validate);

  /** Declares a numeric config parameter {@code <module>.<name>} within {@code [min, max]}. */
  ConfigValue<Long> numericConfig(String name, long defaultValue, long min, long max, Consumer<Long> validate);

  /** Declares a yes/no config parameter {@code <module>.<name>}. */
  ConfigValue<Boolean> boolConfig(String name, boolean defaultValue, Consumer<Boolean> validate);

  /**
   * Registers data kept outside the keyspace that RDB files must carry (Redis's module AUX data); its 9-character name
   * must be unique in the server among AUX registrations.
   */
  void registerAuxData(dev.cairn.api.type.AuxData<?> aux);

  /**
   * Subscribes to keyspace events of the classes in {@code types} (bits of
   * {@link dev.cairn.api.command.KeyspaceEvents}; {@code ALL} for every class), whatever
   * {@code notify-keyspace-events} says. Listeners run on the engine thread right after the change.
   */
  default void onKeyspaceEvent(int types, KeyspaceListener listener) {
    subscribeKeyspaceEvents(types, listener);
  }

  /**
   * As {@link #onKeyspaceEvent}, with a subscription whose classes the module can change later (to none while it has
   * nothing to follow, so that writes do not pay for it). Since API 1.2.
   */
  KeyspaceSubscription subscribeKeyspaceEvents(int types, KeyspaceListener listener);

  /** Subscribes to server events (flush, swapdb, shutdown, module load/unload). Runs on the engine thread. */
  void onServerEvent(Consumer<ServerEvent> listener);

  /**
   * Adds a section to INFO, named {@code <module>_<section>}; {@code fields} is called on the engine thread each time
   * INFO shows it.
   */
  void addInfoSection(String section, Supplier<Map<String, Object>> fields);

  /**
   * Exports {@code api} under {@code name} for other modules (Redis's {@code RM_ExportSharedAPI}); they find it with
   * {@link ModuleServer#sharedApi}. The contract between the two modules is the object's type, which both must see:
   * modules load in class loaders of their own, so it must be a JDK type (a {@code java.util.function} interface, a
   * {@code Map} of them) or one of {@code dev.cairn.api}. A name taken by a loaded module fails the load. The export
   * goes away when the module unloads, which is refused while another module uses it.
   */
  void exportSharedApi(String name, Object api);

  /**
   * Registers a filter that sees and may rewrite every command's arguments before it runs (Redis's
   * {@code RedisModule_RegisterCommandFilter}; see {@link dev.cairn.api.command.CommandFilter} for where it applies).
   * Filters run in the order they were registered. With {@code noSelf} (Redis's {@code REDISMODULE_CMDFILTER_NOSELF})
   * the filter skips the commands this module runs with {@link ServerAccess#call}, and those they run in turn.
   *
   * @since API 1.1
   */
  dev.cairn.api.command.CommandFilter.Handle registerCommandFilter(dev.cairn.api.command.CommandFilter filter,
      boolean noSelf);

  /**
   * Adds an ACL category (Redis 7.4's {@code RedisModule_AddACLCategory}): {@code ACL CAT} lists it, users get
   * {@code +@name}/{@code -@name}, and commands join it with {@code CommandSpec.Builder.acl("name")}. The name is
   * letters, digits, {@code -} and {@code _}; a core category's name, or one another loaded module added, fails the
   * load; at most 64 categories exist in a server. As in Redis a category stays when its module unloads (users' rules
   * may name it), and the module may add it again when it loads again.
   *
   * @since API 1.1
   */
  void addAclCategory(String name);

  /** The server, for work that starts on other threads and must come back to the keyspace. */
  ModuleServer server();
}
