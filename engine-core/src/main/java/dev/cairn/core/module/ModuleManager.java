package dev.cairn.core.module;

import dev.cairn.api.ApiVersion;
import dev.cairn.api.Module;
import dev.cairn.api.ModuleInfo;
import dev.cairn.api.ServerEvent;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Handler;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.ModuleValue;
import dev.cairn.core.Engine;
import dev.cairn.core.KeyspaceEventsHub;
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.ReplyGuard;
import dev.cairn.core.config.ConfigException;
import dev.cairn.core.config.ConfigParam;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Loads and unloads modules. A load is transactional: the module registers into a {@link LoadingContext}; only when
 * {@code onLoad} returned and every name (module, commands, types, config parameters) is free are the registrations
 * committed, together. Any failure leaves the server as it was. Runs on the engine thread.
 */
public final class ModuleManager {
  private static final System.Logger LOG = dev.cairn.core.log.LogBridges.logger("dev.cairn.modules", "");

  private final Engine engine;
  private final ModuleTypes types = new ModuleTypes();
  /** By lower-case name. */
  private final Map<String, LoadedModule> modules = new LinkedHashMap<>();
  private volatile String lastError;
  private boolean stopped;
  /** The parent of the jars' class loaders: the JDK and dev.cairn.api only. */
  private final ApiClassLoader apiLoader = new ApiClassLoader(Module.class.getClassLoader());
  /** The module whose command is running, or null. */
  private LoadedModule running;
  /** APIs modules export to each other. */
  private final SharedApis sharedApis = new SharedApis();

  public ModuleManager(Engine engine) {
    this.engine = engine;
    // CONFIG REWRITE writes a loadmodule line per jar module loaded now, so that its parameters find it at restart
    engine.config().setDirectiveRewriter("loadmodule", () -> {
      List<String> lines = new ArrayList<>();
      for (LoadedModule m : modules.values()) {
        if (m.loader != null && !bundled.contains(m)) { // bundled ones load again by themselves
          StringBuilder sb = new StringBuilder(quote(m.path));
          m.args.forEach(a -> sb.append(' ').append(quote(a)));
          lines.add(sb.toString());
        }
      }
      return lines;
    });
  }

  /** A word as a config file line needs it: quoted when it has spaces, quotes or is empty. */
  private static String quote(String w) {
    if (!w.isEmpty() && w.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\\' || c == '\'')) {
      return w;
    }
    return "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public ModuleTypes types() {
    return types;
  }

  /** The AUX data registration named {@code name} of a loaded module, or null. */
  public dev.cairn.api.type.AuxData<?> auxData(String name) {
    for (LoadedModule m : modules.values()) {
      for (dev.cairn.api.type.AuxData<?> a : m.auxData) {
        if (a.id().name().equals(name)) {
          return a;
        }
      }
    }
    return null;
  }

  /** Every loaded module's AUX data registrations, in load order. */
  public List<dev.cairn.api.type.AuxData<?>> auxData() {
    List<dev.cairn.api.type.AuxData<?>> out = new ArrayList<>();
    for (LoadedModule m : modules.values()) {
      out.addAll(m.auxData);
    }
    return out;
  }

  /**
   * The commands that rebuild every loaded module's AUX data ({@code AuxData.aofRewrite} of a fresh capture), for an
   * AOF rewrite without an RDB preamble. Engine thread.
   */
  @SuppressWarnings("unchecked")
  public List<byte[][]> auxCommands() {
    List<byte[][]> out = new ArrayList<>();
    for (dev.cairn.api.type.AuxData<?> a : auxData()) {
      dev.cairn.api.type.AuxData<Object> aux = (dev.cairn.api.type.AuxData<Object>) a;
      try {
        Object image = aux.capture();
        if (image != null) {
          aux.aofRewrite(out::add, image);
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "AUX data " + a.id().name() + " failed to rewrite as commands", e);
      }
    }
    return out;
  }

  public Collection<LoadedModule> list() {
    return modules.values();
  }

  /** INFO modules' {@code usedby=} (users true) or {@code using=} list of {@code m}, as {@code [a|b]}. */
  public String sharedApiUsers(LoadedModule m, boolean users) {
    return sharedApis.render(m, users);
  }

  public LoadedModule get(String name) {
    return modules.get(name.toLowerCase(Locale.ROOT));
  }

  /** Why the last load or unload failed (the server log has it too); null if none failed. */
  public String lastError() {
    return lastError;
  }

  // ---- loading

  /**
   * Loads the module of the jar at {@code jar} in its own class loader, whose parent shows the JDK and
   * {@code dev.cairn.api} only ({@link ApiClassLoader}).
   */
  public LoadedModule loadJar(Path jar, List<String> args, Map<String, String> configs) throws ModuleLoadException {
    String path = jar.toString();
    try {
      if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
        throw new ModuleLoadException(path + ": no such readable file");
      }
      URLClassLoader loader;
      try {
        loader = new URLClassLoader("cairn-module:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, apiLoader);
      } catch (IOException e) {
        throw new ModuleLoadException(path + ": " + e, e);
      }
      Module m;
      try {
        m = findModule(loader, path);
      } catch (ModuleLoadException | RuntimeException | LinkageError | java.util.ServiceConfigurationError e) {
        closeQuietly(loader); // ServiceConfigurationError: the named class is missing, not a Module, or has no
                              // public no-argument constructor
        throw e instanceof ModuleLoadException mle ? mle : new ModuleLoadException(path + ": " + e, e);
      }
      return load(m, path, loader, args, configs);
    } catch (ModuleLoadException e) {
      fail(e);
      throw e;
    }
  }

  /** Modules loaded from the distribution's bundled jars (not written by CONFIG REWRITE). */
  private final java.util.Set<LoadedModule> bundled = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  /**
   * Loads a bundled module's jar as {@link #loadJar} does; returns null, loading nothing, when a module of the same
   * name is loaded already (a {@code loadmodule} line for that jar, or another version of the module, wins).
   */
  public LoadedModule loadBundledJar(Path jar) throws ModuleLoadException {
    try {
      LoadedModule lm = loadJar(jar, List.of(), Map.of());
      bundled.add(lm);
      return lm;
    } catch (ModuleLoadException e) {
      if (e.alreadyLoaded) {
        LOG.log(System.Logger.Level.INFO, "Bundled module " + jar + " not loaded: " + e.getMessage());
        lastError = null;
        return null;
      }
      throw e;
    }
  }

  /** Loads a module given as an instance (a module on the server's class path, e.g. in an embedded server). */
  public LoadedModule loadInstance(Module m, List<String> args, Map<String, String> configs)
      throws ModuleLoadException {
    try {
      return load(m, "classpath:" + m.getClass().getName(), null, args, configs);
    } catch (ModuleLoadException e) {
      fail(e);
      throw e;
    }
  }

  /** Logs why a MODULE LOADEX could not even start loading (bad arguments). */
  public void logLoadexSyntax(String reason) {
    lastError = reason;
    LOG.log(System.Logger.Level.WARNING, reason);
  }

  private void fail(ModuleLoadException e) {
    lastError = e.getMessage();
    LOG.log(System.Logger.Level.WARNING, "Module failed to load: " + e.getMessage(), e.getCause());
  }

  /** The one module class this jar declares (providers seen through the parent loader are not this jar's). */
  private static Module findModule(URLClassLoader loader, String path) throws ModuleLoadException {
    List<ServiceLoader.Provider<Module>> own = new ArrayList<>();
    Iterator<ServiceLoader.Provider<Module>> it = ServiceLoader.load(Module.class, loader).stream().iterator();
    while (it.hasNext()) {
      ServiceLoader.Provider<Module> p = it.next();
      if (p.type().getClassLoader() == loader) {
        own.add(p);
      }
    }
    if (own.isEmpty()) {
      throw new ModuleLoadException(path + ": no module class named in META-INF/services/" + Module.class.getName());
    }
    if (own.size() > 1) {
      throw new ModuleLoadException(path + ": more than one module class in META-INF/services/"
          + Module.class.getName());
    }
    return own.get(0).get();
  }

  private LoadedModule load(Module m, String path, URLClassLoader loader, List<String> args,
      Map<String, String> configs) throws ModuleLoadException {
    LoadedModule lm = null;
    boolean onLoadReturned = false;
    try {
      ModuleInfo info = m.info();
      if (info == null) {
        throw new ModuleLoadException(path + ": info() returned null");
      }
      if (!ApiVersion.supports(info.apiMajor(), info.apiMinor())) {
        throw new ModuleLoadException("module '" + info.name() + "' (" + path + ") needs module API "
            + info.apiMajor() + "." + info.apiMinor() + " but this server has API " + ApiVersion.string()
            + (info.apiMajor() == ApiVersion.MAJOR ? ": load it into a newer server"
                : ": rebuild it against this server's cairn-engine-api"));
      }
      LoadedModule existing = modules.get(info.name().toLowerCase(Locale.ROOT));
      if (existing != null) {
        ModuleLoadException dup = new ModuleLoadException("module '" + info.name() + "' of " + path
            + " is already loaded from " + existing.path);
        dup.alreadyLoaded = true;
        throw dup;
      }
      lm = new LoadedModule(m, info, path, args, loader);
      LoadingContext ctx = new LoadingContext(info.name(), args, new ModuleServerImpl(engine, lm, sharedApis));
      try {
        m.onLoad(ctx);
      } catch (Exception | LinkageError e) {
        throw new ModuleLoadException("module '" + info.name() + "' (" + path + ") failed in onLoad: " + e, e);
      } finally {
        ctx.seal();
      }
      onLoadReturned = true;
      check(lm, ctx);
      applyConfigs(lm, ctx, configs);
      commit(lm, ctx);
      dev.cairn.core.log.LogMessage.MODULE_LOADED.log(info.name(), path);
      fireServerEvent(new ServerEvent(ServerEvent.Kind.MODULE_LOADED, -1, -1), lm);
      return lm;
    } catch (ModuleLoadException | RuntimeException e) {
      if (lm != null) {
        lm.live = false; // tasks its threads hand in from now on are dropped
        stopTimers(lm);
      }
      if (onLoadReturned) {
        try {
          m.onUnload(); // let it stop what onLoad started
        } catch (RuntimeException ignored) {
          // the load has failed already
        }
      }
      if (loader != null) {
        closeQuietly(loader);
      }
      throw e instanceof ModuleLoadException mle ? mle : new ModuleLoadException(path + ": " + e, e);
    }
  }

  private String describe(String moduleName) {
    if (moduleName == null) {
      return "the server core";
    }
    LoadedModule o = modules.get(moduleName.toLowerCase(Locale.ROOT));
    return "module '" + moduleName + "'" + (o == null ? "" : " (" + o.path + ")");
  }

  /** Every name the module wants must be free; nothing is changed here. */
  private void check(LoadedModule lm, LoadingContext ctx) throws ModuleLoadException {
    String me = "module '" + lm.info.name() + "' (" + lm.path + ")";
    Set<String> names = new HashSet<>();
    Set<String> ownContainers = new HashSet<>();
    for (LoadingContext.PendingCommand pc : ctx.commands) {
      CommandSpec s = pc.spec();
      if (!names.add(s.fullName())) {
        throw new ModuleLoadException(me + " registers command '" + s.fullName() + "' twice");
      }
      if (s.container() == null) {
        Command existing = engine.commands().lookup(s.name());
        if (existing != null) {
          throw new ModuleLoadException(me + ": command '" + s.name() + "' is already registered by "
              + describe(existing.spec.module()));
        }
        if (pc.handler() == null) {
          ownContainers.add(s.name());
        }
      } else if (!ownContainers.contains(s.container())) {
        throw new ModuleLoadException(me + ": subcommand '" + s.fullName()
            + "' must follow its container, registered by the same module");
      }
    }
    String aclRefusal = engine.commands().moduleAclCategories.refusal(ctx.aclCategories, lm.info.name());
    if (aclRefusal != null) {
      throw new ModuleLoadException(me + ": " + aclRefusal);
    }
    for (LoadingContext.PendingCommand pc : ctx.commands) {
      for (String cat : pc.spec().moduleAclCategories()) {
        if (!ctx.aclCategories.contains(cat) && !engine.commands().moduleAclCategories.exists(cat)) {
          throw new ModuleLoadException(me + ": command '" + pc.spec().fullName() + "' names ACL category '" + cat
              + "', which is neither a core category nor one a module added");
        }
      }
    }
    Set<String> typeNames = new HashSet<>();
    for (DataType<?> t : ctx.types) {
      String n = t.id().name();
      if (!typeNames.add(n)) {
        throw new ModuleLoadException(me + " registers data type '" + n + "' twice");
      }
      if (types.byName(n) != null) {
        throw new ModuleLoadException(me + ": data type '" + n + "' is already registered by "
            + describe(types.owner(n)));
      }
    }
    Set<String> auxNames = new HashSet<>();
    for (dev.cairn.api.type.AuxData<?> a : ctx.auxData) {
      String n = a.id().name();
      if (!auxNames.add(n) || auxData(n) != null) {
        throw new ModuleLoadException(me + ": AUX data '" + n + "' is already registered");
      }
    }
    for (String api : ctx.sharedApis.keySet()) {
      if (sharedApis.taken(api)) {
        throw new ModuleLoadException(me + ": shared API '" + api + "' is already exported");
      }
    }
    Set<String> paramNames = new HashSet<>();
    for (ModuleParam<?> p : ctx.params) {
      if (!paramNames.add(p.name())) {
        throw new ModuleLoadException(me + " declares config parameter '" + p.name() + "' twice");
      }
      ConfigParam existing = engine.config().find(p.name());
      if (existing != null) {
        throw new ModuleLoadException(me + ": config parameter '" + p.name() + "' is already declared by "
            + describe(existing.module()));
      }
    }
  }

  /** LOADEX values first checked, then those from the config file; an unknown LOADEX name fails the load. */
  private void applyConfigs(LoadedModule lm, LoadingContext ctx, Map<String, String> configs)
      throws ModuleLoadException {
    Map<String, ModuleParam<?>> byName = new LinkedHashMap<>();
    for (ModuleParam<?> p : ctx.params) {
      byName.put(p.name(), p);
    }
    String prefix = lm.info.name().toLowerCase(Locale.ROOT) + ".";
    Map<String, String> pending = engine.config().pendingModuleConfigs();
    List<String> taken = new ArrayList<>();
    Map<String, String> all = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : pending.entrySet()) {
      if (e.getKey().startsWith(prefix) && byName.containsKey(e.getKey())) {
        all.put(e.getKey(), e.getValue());
        taken.add(e.getKey());
      }
    }
    for (Map.Entry<String, String> e : configs.entrySet()) {
      String n = e.getKey().toLowerCase(Locale.ROOT);
      if (!byName.containsKey(n)) {
        throw new ModuleLoadException("module '" + lm.info.name() + "' has no config parameter '" + e.getKey() + "'");
      }
      all.put(n, e.getValue());
    }
    for (Map.Entry<String, String> e : all.entrySet()) {
      try {
        byName.get(e.getKey()).set(e.getValue());
      } catch (ConfigException ex) {
        throw new ModuleLoadException("module '" + lm.info.name() + "': config '" + e.getKey() + "' value '"
            + e.getValue() + "': " + ex.getMessage());
      }
    }
    taken.forEach(pending::remove);
  }

  private void commit(LoadedModule lm, LoadingContext ctx) {
    String name = lm.info.name();
    engine.commands().moduleAclCategories.add(ctx.aclCategories, name);
    for (LoadingContext.PendingCommand pc : ctx.commands) {
      CommandSpec spec = pc.spec().forModule(name);
      if (pc.handler() == null) {
        engine.commands().addContainer(spec);
      } else {
        engine.commands().add(spec, guard(lm, pc.handler()));
      }
      if (spec.container() == null) {
        lm.commands.add(spec.name());
      }
    }
    for (DataType<?> t : ctx.types) {
      types.add(t, name);
      lm.types.add(t);
    }
    for (ModuleParam<?> p : ctx.params) {
      engine.config().register(p.declaredBy(name));
      lm.params.add(p);
    }
    for (LoadingContext.PendingListener pl : ctx.keyspaceListeners) {
      // the stream calls it only for the classes it asks for, which it may change later
      KeyspaceEventsHub.Listener l = (type, event, key, db) -> {
        try {
          pl.listener.onEvent(type, event, key, db);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "module '" + name + "' keyspace listener failed", e);
        }
      };
      pl.registered = engine.events().addListener(l, pl.types());
      lm.keyspaceListeners.add(pl.registered);
    }
    for (LoadingContext.PendingFilter f : ctx.filters) {
      if (!f.removed) {
        f.registered = engine.dispatcher().filters().add(f.filter, f.noSelf ? () -> lm.inCall > 0 : null, name);
      }
    }
    lm.auxData.addAll(ctx.auxData);
    ctx.sharedApis.forEach((api, o) -> sharedApis.export(lm, api, o));
    lm.serverListeners.addAll(ctx.serverListeners);
    lm.infoSections.putAll(ctx.infoSections);
    modules.put(name.toLowerCase(Locale.ROOT), lm);
    if (!types.isEmpty()) {
      engine.keyspace().setValueReleasedListener(this::released);
    }
  }

  /**
   * Runs a module's handler: one that fails with something other than a Redis error gets an error reply, not a dead
   * client, and a handler that fails after it started its reply gets the error instead of that reply (a half-written
   * array would leave the client out of step); while it runs, clients it blocks are counted as its own.
   */
  private Handler guard(LoadedModule lm, Handler h) {
    String module = lm.info.name();
    return (c, a) -> {
      LoadedModule outer = running;
      running = lm;
      ReplyGuard.Mark mark = ReplyGuard.mark(c);
      try {
        h.handle(c, a);
      } catch (RedisException e) {
        mark.rewind();
        throw e;
      } catch (RuntimeException | LinkageError e) {
        mark.rewind();
        LOG.log(System.Logger.Level.ERROR, "module '" + module + "' command " + a.string(0) + " failed", e);
        throw Errors.err("module '" + module + "' failed to run the command: " + e);
      } finally {
        running = outer;
      }
    };
  }

  /**
   * Counts a client blocked by the running module command (UNLOAD waits for them, as Redis); returns what to run when
   * it is answered, or null outside module commands.
   */
  public Runnable trackBlockedClient() {
    LoadedModule lm = running;
    if (lm == null) {
      return null;
    }
    lm.blockedClients++;
    return () -> lm.blockedClients--;
  }

  @SuppressWarnings("unchecked")
  private void released(Object value) {
    if (value instanceof ModuleValue mv) {
      try {
        ((DataType<Object>) mv.type()).free(mv.value());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "type " + mv.typeName() + " failed to free a value", e);
      }
    }
  }

  // ---- unloading

  /**
   * Unloads the module named {@code name}; throws with Redis's reason text ("no such module with that name", ...).
   * Refuses while any key holds a value of one of the module's types.
   */
  public void unload(String name) throws ModuleLoadException {
    LoadedModule lm = modules.get(name.toLowerCase(Locale.ROOT));
    if (lm == null) {
      throw new ModuleLoadException("no such module with that name");
    }
    if (!lm.types.isEmpty() && holdsValuesOf(lm)) {
      throw new ModuleLoadException("the module exports one or more module-side data types, can't unload");
    }
    if (sharedApis.isUsed(lm)) {
      throw new ModuleLoadException("the module exports APIs used by other modules. "
          + "Please unload them first and try again");
    }
    if (lm.blockedClients > 0) {
      throw new ModuleLoadException("the module has blocked clients. Please wait for them to be unblocked and try again");
    }
    remove(lm);
    dev.cairn.core.log.LogMessage.MODULE_UNLOADED.log(lm.info.name());
    fireServerEvent(new ServerEvent(ServerEvent.Kind.MODULE_UNLOADED, -1, -1), null);
  }

  private boolean holdsValuesOf(LoadedModule lm) {
    Set<DataType<?>> mine = Set.copyOf(lm.types);
    for (int i = 0; i < engine.keyspace().databases(); i++) {
      boolean[] found = {false};
      engine.keyspace().db(i).forEach(e -> {
        if (e.value() instanceof ModuleValue mv && mine.contains(mv.type())) {
          found[0] = true;
        }
      });
      if (found[0]) {
        return true;
      }
    }
    return false;
  }

  private static void stopTimers(LoadedModule lm) {
    for (dev.cairn.api.ModuleTimer t : List.copyOf(lm.timers)) {
      t.stop();
    }
  }

  private void remove(LoadedModule lm) {
    lm.live = false;
    stopTimers(lm);
    engine.dispatcher().filters().removeAll(lm.info.name());
    for (String c : lm.commands) {
      engine.commands().remove(c);
    }
    for (DataType<?> t : lm.types) {
      types.remove(t);
    }
    for (ConfigParam p : lm.params) {
      engine.config().unregister(p);
    }
    for (KeyspaceEventsHub.Subscription s : lm.keyspaceListeners) {
      s.cancel();
    }
    modules.remove(lm.info.name().toLowerCase(Locale.ROOT));
    sharedApis.remove(lm);
    if (types.isEmpty()) {
      engine.keyspace().setValueReleasedListener(null);
    }
    try {
      lm.module.onUnload();
    } catch (RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "module '" + lm.info.name() + "' failed in onUnload", e);
    }
    if (lm.loader != null) {
      closeQuietly(lm.loader);
    }
  }

  /** Server stop: SHUTDOWN to every module, then each is unloaded (values may remain: the process ends). */
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    fireServerEvent(new ServerEvent(ServerEvent.Kind.SHUTDOWN, -1, -1), null);
    for (LoadedModule lm : new ArrayList<>(modules.values())) {
      remove(lm);
    }
  }

  // ---- events

  /** Tells every module (but {@code except}) about a server event. */
  public void fireServerEvent(ServerEvent e, LoadedModule except) {
    for (LoadedModule lm : new ArrayList<>(modules.values())) {
      if (lm == except) {
        continue;
      }
      for (Consumer<ServerEvent> l : lm.serverListeners) {
        try {
          l.accept(e);
        } catch (RuntimeException ex) {
          LOG.log(System.Logger.Level.WARNING, "module '" + lm.info.name() + "' server event listener failed", ex);
        }
      }
    }
  }

  public void fireServerEvent(ServerEvent e) {
    fireServerEvent(e, null);
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException ignored) {
      // the jar stays open until collected
    }
  }

  /** The client of {@code ServerAccess.call}, made on first use (engine thread). */
  ModuleCall moduleCall() {
    if (moduleCall == null) {
      moduleCall = new ModuleCall(engine);
    }
    return moduleCall;
  }

  private ModuleCall moduleCall;
}
