package dev.cairn.api.reply;

/** Redis's error replies, byte for byte. Shared instances where the text never varies. */
public final class Errors {
  private Errors() {}

  public static final RedisException WRONGTYPE =
      RedisException.of("WRONGTYPE", "Operation against a key holding the wrong kind of value");
  public static final RedisException SYNTAX = RedisException.err("syntax error");
  public static final RedisException NOT_INTEGER = RedisException.err("value is not an integer or out of range");
  public static final RedisException NOT_FLOAT = RedisException.err("value is not a valid float");
  public static final RedisException NO_SUCH_KEY = RedisException.err("no such key");
  public static final RedisException INDEX_OUT_OF_RANGE = RedisException.err("index out of range");
  public static final RedisException OVERFLOW = RedisException.err("increment or decrement would overflow");
  public static final RedisException DB_INDEX_OUT_OF_RANGE = RedisException.err("DB index is out of range");
  public static final RedisException INVALID_EXPIRE_TIME_SET = RedisException.err("invalid expire time in 'set' command");
  public static final RedisException STRING_TOO_LONG = RedisException.err("string exceeds maximum allowed size (proto-max-bulk-len)");
  public static final RedisException NOAUTH = RedisException.of("NOAUTH", "Authentication required.");
  public static final RedisException WRONGPASS =
      RedisException.of("WRONGPASS", "invalid username-password pair or user is disabled.");

  /** {@code ERR wrong number of arguments for 'config|get' command}: the full (container|sub) name. */
  public static RedisException arity(String fullName) {
    return RedisException.err("wrong number of arguments for '" + fullName + "' command");
  }

  /** {@code ERR invalid expire time in 'expire' command}. */
  public static RedisException invalidExpire(String command) {
    return RedisException.err("invalid expire time in '" + command + "' command");
  }

  /** An {@code ERR} error with the given text. */
  public static RedisException err(String text) {
    return RedisException.err(text);
  }
}
