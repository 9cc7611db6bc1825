package dev.cairn.api.reply;

/**
 * Writes one client's replies in the protocol it speaks (RESP2 or RESP3).
 *
 * <p>Aggregates are announced with their length and followed by exactly that many elements ({@link #map} counts pairs).
 * Where RESP2 has no such type the RESP2 form is written: a map as a flat array, a double as a bulk string, a boolean as
 * 1/0. When the length is not known up front, use {@link #beginDeferred()} and then one of the {@code end...} methods.
 */
public interface Reply {
  /** The protocol version this client speaks: 2 or 3. */
  int protocol();

  void ok();

  /** A simple string, {@code +text}; must not contain CR or LF. */
  void simple(String text);

  void error(RedisException e);

  void integer(long value);

  void bulk(byte[] value);

  void bulk(byte[] value, int offset, int length);

  /** A bulk string of the text's UTF-8 bytes. */
  void bulk(String value);

  /** A bulk string holding the decimal form of {@code value}, as Redis writes numbers returned as strings. */
  void bulkLong(long value);

  /** The null bulk string ({@code $-1}), or RESP3 null. */
  void nullBulk();

  /** The null array ({@code *-1}), or RESP3 null. */
  void nullArray();

  void array(int length);

  /** A map of {@code pairs} key/value pairs; RESP2 sees an array of {@code 2 * pairs} elements. */
  void map(int pairs);

  /** A set; RESP2 sees an array. */
  void set(int length);

  /** A RESP3 push frame; RESP2 sees an array (as pub/sub messages do). */
  void push(int length);

  /** A RESP3 double; RESP2 sees a bulk string in Redis's formatting ({@code %.17g} shortest form, inf, -inf). */
  void doubleValue(double value);

  /**
   * A RESP3 double written with digits the command formatted itself (GEOPOS and WITHCOORD write Redis's 17-decimal
   * "human" form, not the shortest one); RESP2 sees a bulk string of the same text.
   */
  void doubleText(String text);

  /** A RESP3 boolean; RESP2 sees the integers 1 and 0. */
  void bool(boolean value);

  /** A RESP3 big number; RESP2 sees a bulk string. */
  void bigNumber(String digits);

  /** A RESP3 verbatim string with a three-letter format ({@code txt}, {@code mkd}); RESP2 sees a bulk string. */
  void verbatim(String format, String text);

  /** Marks the start of an aggregate whose length will be known only after its elements are written. */
  long beginDeferred();

  /** Closes a deferred aggregate as an array of {@code length} elements. */
  void endDeferredArray(long mark, int length);

  /** Closes a deferred aggregate as a map of {@code pairs} pairs. */
  void endDeferredMap(long mark, int pairs);

  /** Closes a deferred aggregate as a set of {@code length} elements. */
  void endDeferredSet(long mark, int length);
}
