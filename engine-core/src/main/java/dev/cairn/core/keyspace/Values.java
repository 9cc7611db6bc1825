package dev.cairn.core.keyspace;

import dev.cairn.api.keyspace.RedisValue;

/** TYPE and OBJECT ENCODING of any stored value: {@code byte[]} is a string, anything else a {@link RedisValue}. */
public final class Values {
  private Values() {}

  public static String typeName(Object v) {
    return v instanceof RedisValue r ? r.typeName() : "string";
  }

  /** OBJECT ENCODING: for plain strings, int / embstr (44 bytes or fewer) / raw, as Redis decides at creation. */
  public static String encoding(Object v) {
    if (v instanceof RedisValue r) {
      return r.encoding();
    }
    byte[] b = (byte[]) v;
    if (b.length <= 20 && dev.cairn.api.command.Args.isLong(b)) {
      return "int";
    }
    return b.length <= 44 ? "embstr" : "raw";
  }
}
