package dev.cairn.api.command;

/** Key-spec flags, as COMMAND INFO names them (upper case). */
public enum KeyFlag {
  RW, RO, OW, RM, ACCESS, UPDATE, INSERT, DELETE, NOT_KEY, INCOMPLETE, VARIABLE_FLAGS
}
