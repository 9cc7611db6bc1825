package dev.cairn.core.resp;

import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.util.DoubleFormat;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies as RESP2 or RESP3 bytes straight into the connection's output buffer: no object per reply element,
 * numbers written as digits without a String in between. The connection flushes the buffer once per batch of commands
 * read, so a pipeline of replies leaves in as few writes as the socket allows.
 */
public final class RespWriter implements Reply {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] SMALL_INTS = new byte[1025][];
  private static final byte[][] BULK_HEADERS = new byte[1025][];

  static {
    // digits written straight into the arrays: two thousand strings made and encoded cost every start milliseconds
    for (int i = 0; i < SMALL_INTS.length; i++) {
      SMALL_INTS[i] = line(':', i);
      BULK_HEADERS[i] = line('$', i);
    }
  }

  /** {@code type}, the digits of {@code n} (0 or more) and CRLF. */
  private static byte[] line(char type, int n) {
    int digits = decimalLength(n);
    byte[] b = new byte[digits + 3];
    b[0] = (byte) type;
    for (int p = digits; p >= 1; p--, n /= 10) {
      b[p] = (byte) ('0' + n % 10);
    }
    b[digits + 1] = '\r';
    b[digits + 2] = '\n';
    return b;
  }

  private ByteBuf out;
  private int protocol = 2;
  /** Counts replies written (ok, errors, elements do not count): the dispatcher checks that each command replied. */
  private long topLevelErrors;

  public RespWriter(ByteBuf out) {
    this.out = out;
  }

  /** The buffer replies go into. */
  public ByteBuf buffer() {
    return out;
  }

  /** Replaces the buffer (after the connection handed the previous one to the socket). */
  public void setBuffer(ByteBuf buf) {
    this.out = buf;
  }

  public void setProtocol(int protocol) {
    this.protocol = protocol;
  }

  @Override
  public int protocol() {
    return protocol;
  }

  public long errorsWritten() {
    return topLevelErrors;
  }

  @Override
  public void ok() {
    out.writeBytes(OK);
  }

  @Override
  public void simple(String text) {
    out.writeByte('+');
    out.writeCharSequence(text, StandardCharsets.UTF_8);
    out.writeBytes(CRLF);
  }

  @Override
  public void error(RedisException e) {
    topLevelErrors++;
    out.writeByte('-');
    String msg = e.getMessage();
    // an error line must stay one line: Redis turns newlines into spaces
    if (msg.indexOf('\r') >= 0 || msg.indexOf('\n') >= 0) {
      msg = msg.replace('\r', ' ').replace('\n', ' ');
    }
    out.writeCharSequence(msg, StandardCharsets.UTF_8);
    out.writeBytes(CRLF);
  }

  @Override
  public void integer(long value) {
    if (value >= 0 && value < SMALL_INTS.length) {
      out.writeBytes(SMALL_INTS[(int) value]);
      return;
    }
    out.writeByte(':');
    writeDecimal(value);
    out.writeBytes(CRLF);
  }

  @Override
  public void bulk(byte[] value) {
    bulk(value, 0, value.length);
  }

  @Override
  public void bulk(byte[] value, int offset, int length) {
    header('$', length);
    out.writeBytes(value, offset, length);
    out.writeBytes(CRLF);
  }

  @Override
  public void bulk(String value) {
    bulk(value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void bulkLong(long value) {
    int len = decimalLength(value);
    header('$', len);
    writeDecimal(value);
    out.writeBytes(CRLF);
  }

  @Override
  public void nullBulk() {
    out.writeBytes(protocol == 3 ? NULL3 : NULL_BULK);
  }

  @Override
  public void nullArray() {
    out.writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY);
  }

  @Override
  public void array(int length) {
    header('*', length);
  }

  @Override
  public void map(int pairs) {
    if (protocol == 3) {
      header('%', pairs);
    } else {
      header('*', pairs * 2);
    }
  }

  /** A RESP3 attribute of {@code pairs} pairs; callers write none in RESP2, where there is no such thing. */
  public void attribute(int pairs) {
    header('|', pairs);
  }

  @Override
  public void set(int length) {
    header(protocol == 3 ? '~' : '*', length);
  }

  @Override
  public void push(int length) {
    header(protocol == 3 ? '>' : '*', length);
  }

  @Override
  public void doubleValue(double value) {
    doubleText(DoubleFormat.format(value));
  }

  @Override
  public void doubleText(String text) {
    if (protocol == 3) {
      out.writeByte(',');
      out.writeCharSequence(text, StandardCharsets.US_ASCII);
      out.writeBytes(CRLF);
    } else {
      bulk(text);
    }
  }

  @Override
  public void bool(boolean value) {
    if (protocol == 3) {
      out.writeByte('#');
      out.writeByte(value ? 't' : 'f');
      out.writeBytes(CRLF);
    } else {
      integer(value ? 1 : 0);
    }
  }

  @Override
  public void bigNumber(String digits) {
    if (protocol == 3) {
      out.writeByte('(');
      out.writeCharSequence(digits, StandardCharsets.US_ASCII);
      out.writeBytes(CRLF);
    } else {
      bulk(digits);
    }
  }

  @Override
  public void verbatim(String format, String text) {
    if (protocol == 3) {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      header('=', body.length + 4);
      out.writeCharSequence(format, StandardCharsets.US_ASCII);
      out.writeByte(':');
      out.writeBytes(body);
      out.writeBytes(CRLF);
    } else {
      bulk(text);
    }
  }

  @Override
  public long beginDeferred() {
    return out.writerIndex();
  }

  @Override
  public void endDeferredArray(long mark, int length) {
    insertHeader((int) mark, '*', length);
  }

  @Override
  public void endDeferredMap(long mark, int pairs) {
    if (protocol == 3) {
      insertHeader((int) mark, '%', pairs);
    } else {
      insertHeader((int) mark, '*', pairs * 2);
    }
  }

  @Override
  public void endDeferredSet(long mark, int length) {
    insertHeader((int) mark, protocol == 3 ? '~' : '*', length);
  }

  /** Writes raw protocol bytes (for replies prepared elsewhere, e.g. MONITOR lines). */
  public void raw(byte[] bytes) {
    out.writeBytes(bytes);
  }

  private void insertHeader(int mark, char type, int length) {
    int end = out.writerIndex();
    int bodyLen = end - mark;
    byte[] body = new byte[bodyLen];
    out.getBytes(mark, body);
    out.writerIndex(mark);
    header(type, length);
    out.writeBytes(body);
  }

  private void header(char type, long length) {
    if (type == '$' && length >= 0 && length < BULK_HEADERS.length) {
      out.writeBytes(BULK_HEADERS[(int) length]);
      return;
    }
    out.writeByte(type);
    writeDecimal(length);
    out.writeBytes(CRLF);
  }

  private void writeDecimal(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        out.writeCharSequence("-9223372036854775808", StandardCharsets.US_ASCII);
        return;
      }
      out.writeByte('-');
      v = -v;
    }
    int len = decimalLength(v);
    int idx = out.writerIndex();
    out.ensureWritable(len);
    for (int p = idx + len - 1; p >= idx; p--) {
      out.setByte(p, (int) ('0' + v % 10));
      v /= 10;
    }
    out.writerIndex(idx + len);
  }

  /** Number of characters of the decimal form of {@code v}, sign included. */
  public static int decimalLength(long v) {
    if (v < 0) {
      return v == Long.MIN_VALUE ? 20 : 1 + decimalLength(-v);
    }
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }
}
