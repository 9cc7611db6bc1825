package dev.cairn.core.acl;

/** A rule that cannot be applied; the message is Redis's reason, which callers wrap with the rule's text. */
final class AclException extends RuntimeException {
  static final AclException SYNTAX = new AclException("Syntax error");
  static final AclException UNKNOWN_COMMAND = new AclException("Unknown command or category name in ACL");

  AclException(String message) {
    super(message, null, false, false);
  }
}
