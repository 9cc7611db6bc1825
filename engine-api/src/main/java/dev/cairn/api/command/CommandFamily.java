package dev.cairn.api.command;

/** A group of commands registered together: one per data type or concern ({@code StringCommands}, ...). */
public interface CommandFamily {
  void register(CommandRegistry registry);
}
