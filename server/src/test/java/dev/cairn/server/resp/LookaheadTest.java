package dev.cairn.server.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.util.Hashing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lookahead finds the keys of complete multibulk commands, and stops at anything else, leaving the buffer alone. */
class LookaheadTest {
  private static ByteBuf buf(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static String cmd(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  /** What a prefetcher was given: the hashes of each key and member. */
  private static final class Recorder implements Lookahead.Prefetcher {
    final List<int[]> calls = new ArrayList<>();

    @Override
    public int prefetch(int[] keyHashes, int[] memberHashes, int count) {
      int[] got = new int[2 * count];
      for (int i = 0; i < count; i++) {
        got[2 * i] = keyHashes[i];
        got[2 * i + 1] = memberHashes[i];
      }
      calls.add(got);
      return count;
    }
  }

  private static int hash(String s) {
    return Hashing.hash(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void hashesTheKeyAndTheNextArgumentOfEachCommand() {
    ByteBuf in = buf(cmd("GET", "key:1") + cmd("HSET", "h", "field", "v") + cmd("PING") + cmd("SADD", "s", "m"));
    int reader = in.readerIndex();
    Recorder r = new Recorder();
    assertEquals(4, new Lookahead().prefetch(in, r));
    assertEquals(1, r.calls.size());
    // PING has no key: three keys recorded, in order
    assertArrayEquals(new int[] {hash("key:1"), 0, hash("h"), hash("field"), hash("s"), hash("m")}, r.calls.get(0));
    assertEquals(reader, in.readerIndex());
  }

  @Test
  void aSingleCommandIsNotPrefetched() {
    Recorder r = new Recorder();
    assertEquals(1, new Lookahead().prefetch(buf(cmd("GET", "k")), r));
    assertEquals(0, r.calls.size());
  }

  @Test
  void stopsAtAnIncompleteCommand() {
    String two = cmd("GET", "a") + cmd("GET", "b");
    String third = cmd("SET", "c", "value");
    for (int cut = 0; cut < third.length(); cut++) {
      Lookahead l = new Lookahead();
      assertEquals(2, l.scan(buf(two + third.substring(0, cut))), "cut at " + cut);
      assertEquals(2, l.keys());
    }
    assertEquals(3, new Lookahead().scan(buf(two + third)));
  }

  @Test
  void stopsAtInlineOrMalformedInput() {
    String get = cmd("GET", "a");
    assertEquals(1, new Lookahead().scan(buf(get + "PING\r\n" + get)));
    assertEquals(1, new Lookahead().scan(buf(get + "*2\r\n+GET\r\n$1\r\na\r\n")));
    assertEquals(1, new Lookahead().scan(buf(get + "*x\r\n")));
    assertEquals(1, new Lookahead().scan(buf(get + "*2\r\n$-1\r\n")));
    assertEquals(0, new Lookahead().scan(buf("*0\r\n" + get)));
    assertEquals(0, new Lookahead().scan(buf("*99999999999999\r\n")));
  }

  @Test
  void scansAtMostMaxCommandsFromTheReaderIndex() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Lookahead.MAX + 5; i++) {
      sb.append(cmd("INCR", "counter:" + i));
    }
    ByteBuf in = buf(sb.toString());
    Lookahead l = new Lookahead();
    assertEquals(Lookahead.MAX, l.scan(in));
    in.readerIndex(l.keyAt(Lookahead.MAX - 1) + ("counter:" + (Lookahead.MAX - 1)).length() + 2);
    assertEquals(5, l.scan(in));
    assertEquals(in.readerIndex() + "*2\r\n$4\r\nINCR\r\n$10\r\n".length(), l.keyAt(0));
    assertEquals(-1, l.memberAt(0));
  }
}
