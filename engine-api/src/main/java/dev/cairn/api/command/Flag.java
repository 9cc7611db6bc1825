package dev.cairn.api.command;

import java.util.Locale;

/** Command flags, as COMMAND INFO names them (lower case, no underscores). */
public enum Flag {
  WRITE, READONLY, DENYOOM, MODULE, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE, SKIP_MONITOR, SKIP_SLOWLOG,
  ASKING, FAST, NO_AUTH, MAY_REPLICATE, SENTINEL, ONLY_SENTINEL, NO_MANDATORY_KEYS, PROTECTED, NO_ASYNC_LOADING,
  NO_MULTI, MOVABLE_KEYS, ALLOW_BUSY;

  private final String replyName = this.name().equals("MOVABLE_KEYS") ? "movablekeys" : name().toLowerCase(Locale.ROOT);

  /** The name COMMAND INFO replies with: {@code write}, {@code skip_monitor}, {@code movablekeys}, ... */
  public String replyName() {
    return replyName;
  }
}
