package dev.cairn.core.connection;

import java.util.Locale;

/** The classes of client Redis tells apart for CLIENT LIST/KILL TYPE and output-buffer limits. */
public enum ClientType {
  NORMAL("normal"), REPLICA("slave"), PUBSUB("pubsub"), MASTER("master");

  /** The name client-output-buffer-limit writes (Redis keeps "slave" there). */
  public final String configName;

  ClientType(String configName) {
    this.configName = configName;
  }

  /** Parses a class name as CLIENT LIST/KILL TYPE and the config accept it; null if unknown. */
  public static ClientType parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "normal" -> NORMAL;
      case "slave", "replica" -> REPLICA;
      case "pubsub" -> PUBSUB;
      case "master" -> MASTER;
      default -> null;
    };
  }
}
