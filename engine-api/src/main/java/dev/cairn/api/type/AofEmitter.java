package dev.cairn.api.type;

import java.nio.charset.StandardCharsets;

/** Receives the commands that rebuild a value (AOF rewrite, RedisModule_EmitAOF). */
@FunctionalInterface
public interface AofEmitter {
  void emit(byte[]... command);

  /** Emits a command given as strings (UTF-8). */
  default void emit(String... command) {
    byte[][] b = new byte[command.length][];
    for (int i = 0; i < command.length; i++) {
      b[i] = command[i].getBytes(StandardCharsets.UTF_8);
    }
    emit(b);
  }
}
