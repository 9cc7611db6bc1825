package dev.cairn.api.command;

import java.util.Locale;

/** The command group COMMAND DOCS reports. */
public enum Group {
  GENERIC, STRING, LIST, SET, SORTED_SET, HASH, PUBSUB, TRANSACTIONS, CONNECTION, SERVER, SCRIPTING, HYPERLOGLOG,
  CLUSTER, SENTINEL, GEO, STREAM, BITMAP, MODULE;

  private final String replyName = name().toLowerCase(Locale.ROOT).replace('_', '-');

  public String replyName() {
    return replyName;
  }
}
