package dev.cairn.api.command;

/** The client a command runs for, as modules may see it. */
public interface ClientHandle {
  long id();

  /** The connection name set with CLIENT SETNAME or HELLO SETNAME, or null. */
  String name();

  /** The protocol the client speaks: 2 or 3. */
  int protocol();

  /** The index of the client's selected database. */
  int dbIndex();
}
