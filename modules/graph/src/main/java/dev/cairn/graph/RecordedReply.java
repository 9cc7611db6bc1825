package dev.cairn.graph;

import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reply written on a reader thread and played into the client's {@link Reply} on the engine thread: the result set
 * is rendered where the query ran, while the graph it names is the one the query saw, so a write that follows cannot
 * change what the reply says.
 */
final class RecordedReply implements Reply {
  private static final byte OK = 0;
  private static final byte SIMPLE = 1;
  private static final byte ERROR = 2;
  private static final byte INTEGER = 3;
  private static final byte BULK = 4;
  private static final byte BULK_LONG = 5;
  private static final byte NULL_BULK = 6;
  private static final byte NULL_ARRAY = 7;
  private static final byte ARRAY = 8;
  private static final byte MAP = 9;
  private static final byte SET = 10;
  private static final byte PUSH = 11;
  private static final byte DOUBLE = 12;
  private static final byte DOUBLE_TEXT = 13;
  private static final byte BOOL = 14;
  private static final byte BIG_NUMBER = 15;
  private static final byte VERBATIM = 16;
  private static final byte BEGIN_DEFERRED = 17;
  private static final byte END_ARRAY = 18;
  private static final byte END_MAP = 19;
  private static final byte END_SET = 20;

  private final int protocol;
  private byte[] kinds = new byte[64];
  private long[] nums = new long[64];
  private Object[] objs = new Object[64];
  private int size;

  RecordedReply(int protocol) {
    this.protocol = protocol;
  }

  private void add(byte kind, long num, Object obj) {
    if (size == kinds.length) {
      kinds = Arrays.copyOf(kinds, size * 2);
      nums = Arrays.copyOf(nums, size * 2);
      objs = Arrays.copyOf(objs, size * 2);
    }
    kinds[size] = kind;
    nums[size] = num;
    objs[size++] = obj;
  }

  /** Writes what was recorded into {@code r}. */
  void replay(Reply r) {
    long[] marks = null;
    for (int i = 0; i < size; i++) {
      long n = nums[i];
      Object o = objs[i];
      switch (kinds[i]) {
        case OK -> r.ok();
        case SIMPLE -> r.simple((String) o);
        case ERROR -> r.error((RedisException) o);
        case INTEGER -> r.integer(n);
        case BULK -> r.bulk((byte[]) o);
        case BULK_LONG -> r.bulkLong(n);
        case NULL_BULK -> r.nullBulk();
        case NULL_ARRAY -> r.nullArray();
        case ARRAY -> r.array((int) n);
        case MAP -> r.map((int) n);
        case SET -> r.set((int) n);
        case PUSH -> r.push((int) n);
        case DOUBLE -> r.doubleValue(Double.longBitsToDouble(n));
        case DOUBLE_TEXT -> r.doubleText((String) o);
        case BOOL -> r.bool(n != 0);
        case BIG_NUMBER -> r.bigNumber((String) o);
        case VERBATIM -> {
          String[] fv = (String[]) o;
          r.verbatim(fv[0], fv[1]);
        }
        case BEGIN_DEFERRED -> {
          if (marks == null) {
            marks = new long[size];
          }
          marks[i] = r.beginDeferred();
        }
        case END_ARRAY -> r.endDeferredArray(marks[(int) (n >>> 32)], (int) n);
        case END_MAP -> r.endDeferredMap(marks[(int) (n >>> 32)], (int) n);
        case END_SET -> r.endDeferredSet(marks[(int) (n >>> 32)], (int) n);
        default -> throw new IllegalStateException("reply op " + kinds[i]);
      }
    }
  }

  @Override
  public int protocol() {
    return protocol;
  }

  @Override
  public void ok() {
    add(OK, 0, null);
  }

  @Override
  public void simple(String text) {
    add(SIMPLE, 0, text);
  }

  @Override
  public void error(RedisException e) {
    add(ERROR, 0, e);
  }

  @Override
  public void integer(long value) {
    add(INTEGER, value, null);
  }

  @Override
  public void bulk(byte[] value) {
    add(BULK, 0, value);
  }

  @Override
  public void bulk(byte[] value, int offset, int length) {
    add(BULK, 0, Arrays.copyOfRange(value, offset, offset + length));
  }

  @Override
  public void bulk(String value) {
    add(BULK, 0, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void bulkLong(long value) {
    add(BULK_LONG, value, null);
  }

  @Override
  public void nullBulk() {
    add(NULL_BULK, 0, null);
  }

  @Override
  public void nullArray() {
    add(NULL_ARRAY, 0, null);
  }

  @Override
  public void array(int length) {
    add(ARRAY, length, null);
  }

  @Override
  public void map(int pairs) {
    add(MAP, pairs, null);
  }

  @Override
  public void set(int length) {
    add(SET, length, null);
  }

  @Override
  public void push(int length) {
    add(PUSH, length, null);
  }

  @Override
  public void doubleValue(double value) {
    add(DOUBLE, Double.doubleToRawLongBits(value), null);
  }

  @Override
  public void doubleText(String text) {
    add(DOUBLE_TEXT, 0, text);
  }

  @Override
  public void bool(boolean value) {
    add(BOOL, value ? 1 : 0, null);
  }

  @Override
  public void bigNumber(String digits) {
    add(BIG_NUMBER, 0, digits);
  }

  @Override
  public void verbatim(String format, String text) {
    add(VERBATIM, 0, new String[] {format, text});
  }

  @Override
  public long beginDeferred() {
    add(BEGIN_DEFERRED, 0, null);
    return size - 1;
  }

  @Override
  public void endDeferredArray(long mark, int length) {
    add(END_ARRAY, (mark << 32) | (length & 0xffffffffL), null);
  }

  @Override
  public void endDeferredMap(long mark, int pairs) {
    add(END_MAP, (mark << 32) | (pairs & 0xffffffffL), null);
  }

  @Override
  public void endDeferredSet(long mark, int length) {
    add(END_SET, (mark << 32) | (length & 0xffffffffL), null);
  }
}
