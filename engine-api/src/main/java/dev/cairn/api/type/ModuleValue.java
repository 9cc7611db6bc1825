package dev.cairn.api.type;

import dev.cairn.api.keyspace.RedisValue;

/**
 * A module type's value as the keyspace stores it: the {@link DataType} and the value. TYPE replies with the type's
 * name, OBJECT ENCODING with {@code raw} (Redis's answer for every module type).
 */
public final class ModuleValue implements RedisValue {
  private final DataType<?> type;
  private final Object value;

  public <V> ModuleValue(DataType<V> type, V value) {
    if (!type.valueClass().isInstance(value)) {
      throw new IllegalArgumentException("value of " + type.id().name() + " must be a " + type.valueClass().getName());
    }
    this.type = type;
    this.value = value;
  }

  public DataType<?> type() {
    return type;
  }

  public Object value() {
    return value;
  }

  /** The value, if this holds one of {@code t}; else null. */
  public <V> V valueIf(DataType<V> t) {
    return type == t ? t.valueClass().cast(value) : null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public long estimatedBytes(int samples) {
    return ((DataType<Object>) type).memoryUsage(value);
  }

  /** COPY: the type's deep copy. */
  @Override
  @SuppressWarnings("unchecked")
  public RedisValue copy() {
    DataType<Object> t = (DataType<Object>) type;
    return new ModuleValue(t, t.copy(value));
  }

  @Override
  public String typeName() {
    return type.id().name();
  }

  @Override
  public String encoding() {
    return "raw";
  }
}
