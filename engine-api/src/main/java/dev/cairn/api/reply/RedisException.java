package dev.cairn.api.reply;

/**
 * An error reply: the dispatcher writes {@code -CODE text} and carries on with the next command.
 *
 * <p>Carries no stack trace: errors are control flow here, and filling a trace per WRONGTYPE would cost more than the
 * command. The message is the whole error line after the dash, code included ({@code "ERR syntax error"}).
 */
public final class RedisException extends RuntimeException {
  private final String code;

  private RedisException(String code, String fullMessage) {
    super(fullMessage, null, false, false);
    this.code = code;
  }

  /** An error whose line is {@code code + " " + text}, e.g. {@code of("WRONGTYPE", "Operation against ...")}. */
  public static RedisException of(String code, String text) {
    return new RedisException(code, code + " " + text);
  }

  /** An {@code ERR} error. */
  public static RedisException err(String text) {
    return of("ERR", text);
  }

  /** An error from a full line such as {@code "NOSCRIPT No matching script"}; the code is the first word. */
  public static RedisException line(String fullLine) {
    int sp = fullLine.indexOf(' ');
    return new RedisException(sp < 0 ? fullLine : fullLine.substring(0, sp), fullLine);
  }

  /** The error code, the first word of the line: {@code ERR}, {@code WRONGTYPE}, ... (INFO errorstats counts by it). */
  public String code() {
    return code;
  }
}
