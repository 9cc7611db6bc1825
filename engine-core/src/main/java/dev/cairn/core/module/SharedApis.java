package dev.cairn.core.module;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * APIs modules export to each other by name (Redis's {@code RM_ExportSharedAPI}/{@code RM_GetSharedAPI}), with who uses
 * whom: a module whose export another module looked up cannot be unloaded before that one, and INFO modules shows the
 * {@code usedby}/{@code using} lists. Engine thread only, apart from {@link #lookup}'s read, which a module thread may do.
 */
final class SharedApis {
  private record Export(LoadedModule owner, Object api) { }

  private final Map<String, Export> exports = new java.util.concurrent.ConcurrentHashMap<>();
  /** user -> the modules whose APIs it looked up; exporter -> its users. */
  private final Map<LoadedModule, Set<LoadedModule>> using = new HashMap<>();
  private final Map<LoadedModule, Set<LoadedModule>> usedBy = new HashMap<>();

  /** Whether {@code name} is exported by a loaded module. */
  boolean taken(String name) {
    return exports.containsKey(name);
  }

  void export(LoadedModule owner, String name, Object api) {
    exports.put(name, new Export(owner, api));
  }

  /** The API exported under {@code name}, recording that {@code user} uses its exporter; null if none. */
  <T> T lookup(LoadedModule user, String name, Class<T> type) {
    Export e = exports.get(name);
    if (e == null || !user.live) {
      return null;
    }
    T api = type.cast(e.api());
    if (e.owner() != user) {
      synchronized (this) {
        if (e.owner().live && using.computeIfAbsent(user, k -> new LinkedHashSet<>()).add(e.owner())) {
          usedBy.computeIfAbsent(e.owner(), k -> new LinkedHashSet<>()).add(user);
        }
      }
    }
    return api;
  }

  /** Whether another loaded module uses one of {@code m}'s exports. */
  synchronized boolean isUsed(LoadedModule m) {
    Set<LoadedModule> users = usedBy.get(m);
    return users != null && !users.isEmpty();
  }

  /** Forgets {@code m}'s exports and its use of other modules' (it is being unloaded). */
  synchronized void remove(LoadedModule m) {
    exports.values().removeIf(e -> e.owner() == m);
    Set<LoadedModule> used = using.remove(m);
    if (used != null) {
      for (LoadedModule u : used) {
        Set<LoadedModule> users = usedBy.get(u);
        if (users != null) {
          users.remove(m);
        }
      }
    }
    usedBy.remove(m);
  }

  /** INFO modules' {@code usedby} (or {@code using}) list of {@code m}: {@code [a|b]}. */
  synchronized String render(LoadedModule m, boolean users) {
    Set<LoadedModule> s = (users ? usedBy : using).get(m);
    List<String> names = new ArrayList<>();
    if (s != null) {
      s.forEach(x -> names.add(x.info.name()));
    }
    return "[" + String.join("|", names) + "]";
  }
}
