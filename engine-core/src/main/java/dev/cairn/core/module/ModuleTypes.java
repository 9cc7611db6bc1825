package dev.cairn.core.module;

import dev.cairn.api.type.DataType;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The module data types the server knows, by their 9-character name (RDB loading and DUMP/RESTORE resolve here). */
public final class ModuleTypes {
  private final Map<String, DataType<?>> byName = new LinkedHashMap<>();
  private final Map<String, String> owner = new LinkedHashMap<>();

  /** The type with this name, or null. */
  public DataType<?> byName(String name) {
    return byName.get(name);
  }

  /** The module that registered the type named {@code name}, or null. */
  public String owner(String name) {
    return owner.get(name);
  }

  public Collection<DataType<?>> all() {
    return Collections.unmodifiableCollection(byName.values());
  }

  void add(DataType<?> type, String module) {
    byName.put(type.id().name(), type);
    owner.put(type.id().name(), module);
  }

  void remove(DataType<?> type) {
    byName.remove(type.id().name());
    owner.remove(type.id().name());
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }
}
