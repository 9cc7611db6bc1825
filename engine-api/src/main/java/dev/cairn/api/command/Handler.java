package dev.cairn.api.command;

/** Runs one command. Arity, flags and keys have been checked by the dispatcher; errors are thrown as RedisException. */
@FunctionalInterface
public interface Handler {
  void handle(CommandContext c, Args a);
}
