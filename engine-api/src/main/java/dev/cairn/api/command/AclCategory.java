package dev.cairn.api.command;

import java.util.Locale;

/** ACL categories ({@code @string}, {@code @fast}, ...). */
public enum AclCategory {
  KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM, PUBSUB, ADMIN, FAST, SLOW,
  BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING;

  private final String replyName = "@" + name().toLowerCase(Locale.ROOT);

  /** {@code @string} and so on. */
  public String replyName() {
    return replyName;
  }
}
