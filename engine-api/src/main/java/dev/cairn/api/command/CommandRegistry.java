package dev.cairn.api.command;

/** Where command families add their commands. A name registered twice fails, naming the command. */
public interface CommandRegistry {
  /** Adds a command (or a subcommand: a spec built with {@link CommandSpec#subcommand}) and its handler. */
  void add(CommandSpec spec, Handler handler);

  /**
   * Adds a container command such as CONFIG whose work is done by subcommands; a call with an unknown subcommand gets
   * Redis's "unknown subcommand" error. The container's HELP subcommand, if any, is registered like any other.
   */
  void addContainer(CommandSpec spec);
}
