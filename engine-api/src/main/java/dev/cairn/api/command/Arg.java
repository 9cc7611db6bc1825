package dev.cairn.api.command;

import java.util.List;

/**
 * One argument of a command's syntax, for COMMAND DOCS (and so redis-cli hints). Mirrors Redis's argument docs: a name,
 * a type, an optional token that precedes it, flags, and child arguments for {@code oneof} and {@code block}.
 */
public record Arg(String name, Type type, String token, int keySpecIndex, boolean isOptional, boolean isMultiple,
    boolean isMultipleToken, String since, List<Arg> children) {

  /** Argument types, as COMMAND DOCS names them. */
  public enum Type {
    STRING("string"), INTEGER("integer"), DOUBLE("double"), KEY("key"), PATTERN("pattern"), UNIX_TIME("unix-time"),
    PURE_TOKEN("pure-token"), ONEOF("oneof"), BLOCK("block");

    public final String replyName;

    Type(String replyName) {
      this.replyName = replyName;
    }
  }

  public static Arg key(String name, int keySpecIndex) {
    return new Arg(name, Type.KEY, null, keySpecIndex, false, false, false, null, List.of());
  }

  public static Arg string(String name) {
    return new Arg(name, Type.STRING, null, -1, false, false, false, null, List.of());
  }

  public static Arg integer(String name) {
    return new Arg(name, Type.INTEGER, null, -1, false, false, false, null, List.of());
  }

  public static Arg dbl(String name) {
    return new Arg(name, Type.DOUBLE, null, -1, false, false, false, null, List.of());
  }

  public static Arg pattern(String name) {
    return new Arg(name, Type.PATTERN, null, -1, false, false, false, null, List.of());
  }

  public static Arg unixTime(String name) {
    return new Arg(name, Type.UNIX_TIME, null, -1, false, false, false, null, List.of());
  }

  /** A bare keyword such as {@code NX}: its name is the token in lower case. */
  public static Arg token(String token) {
    return new Arg(token.toLowerCase(java.util.Locale.ROOT), Type.PURE_TOKEN, token, -1, false, false, false, null,
        List.of());
  }

  public static Arg oneOf(String name, Arg... children) {
    return new Arg(name, Type.ONEOF, null, -1, false, false, false, null, List.of(children));
  }

  public static Arg block(String name, Arg... children) {
    return new Arg(name, Type.BLOCK, null, -1, false, false, false, null, List.of(children));
  }

  public Arg optional() {
    return new Arg(name, type, token, keySpecIndex, true, isMultiple, isMultipleToken, since, children);
  }

  public Arg multiple() {
    return new Arg(name, type, token, keySpecIndex, isOptional, true, isMultipleToken, since, children);
  }

  public Arg multipleToken() {
    return new Arg(name, type, token, keySpecIndex, isOptional, isMultiple, true, since, children);
  }

  /** The same argument preceded by a token, e.g. {@code Arg.integer("count").withToken("COUNT")}. */
  public Arg withToken(String t) {
    return new Arg(name, type, t, keySpecIndex, isOptional, isMultiple, isMultipleToken, since, children);
  }

  public Arg since(String version) {
    return new Arg(name, type, token, keySpecIndex, isOptional, isMultiple, isMultipleToken, version, children);
  }
}
