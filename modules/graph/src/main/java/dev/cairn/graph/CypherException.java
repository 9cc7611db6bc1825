package dev.cairn.graph;

/**
 * A query error. {@code kind} is the openCypher error class (SyntaxError, SemanticError, TypeError, ArgumentError,
 * EntityNotFound, ConstraintVerificationFailed, ParameterMissing, ProcedureError) or {@code Unsupported} for a
 * feature this module does not implement; the message is the text the client sees (RedisGraph's where it has one).
 */
public final class CypherException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  public final String kind;

  public CypherException(String kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  static CypherException syntax(String m) {
    return new CypherException("SyntaxError", m);
  }

  static CypherException semantic(String m) {
    return new CypherException("SemanticError", m);
  }

  static CypherException type(String m) {
    return new CypherException("TypeError", m);
  }

  static CypherException argument(String m) {
    return new CypherException("ArgumentError", m);
  }

  static CypherException unsupported(String m) {
    return new CypherException("Unsupported", m);
  }

  static CypherException typeMismatch(String expected, Object got) {
    return type("Type mismatch: expected " + expected + " but was " + Values.typeName(got));
  }
}
