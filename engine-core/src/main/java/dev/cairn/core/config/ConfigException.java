package dev.cairn.core.config;

/** A config value was rejected; the message is the reason Redis gives ("argument must be 'yes' or 'no'"). */
public final class ConfigException extends Exception {
  public ConfigException(String reason) {
    super(reason, null, false, false);
  }
}
