package dev.cairn.server.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.keyspace.Db;
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

  /** What a prefetcher was given: the hashes of each key and, asked for each, of its member. */
  private static final class Recorder implements Lookahead.Prefetcher {
    final List<int[]> calls = new ArrayList<>();

    @Override
    public int prefetch(int[] keyHashes, int count, Db.MemberHashes members) {
      int[] got = new int[2 * count];
      for (int i = 0; i < count; i++) {
        got[2 * i] = keyHashes[i];
        got[2 * i + 1] = members.memberHash(i);
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
    ByteBuf in = buf(cmd("GET", "key:1") + cmd("HSET", "h", "field", "v") + cmd("PING") + cmd("SADD", "s", "m")
        + cmd("zadd", "z", "1.5", "member") + cmd("ZINCRBY", "z", "2", "other") + cmd("ZSCORE", "z", "third"));
    int reader = in.readerIndex();
    Recorder r = new Recorder();
    assertEquals(7, new Lookahead(r).scanAndPrefetch(in));
    assertEquals(1, r.calls.size());
    // PING has no key: six keys recorded, in order; a sorted set's member follows ZADD's and ZINCRBY's score
    assertArrayEquals(new int[] {hash("key:1"), 0, hash("h"), hash("field"), hash("s"), hash("m"), hash("z"),
        hash("member"), hash("z"), hash("other"), hash("z"), hash("third")}, r.calls.get(0));
    assertEquals(reader, in.readerIndex());
  }

  @Test
  void everyKeyOfAMultiKeyCommandIsPrefetched() {
    Recorder r = new Recorder();
    // one MSET (keys 1, 3, 5), then MGET and DEL (every argument a key), then a GET: lower case is the same
    assertEquals(4, new Lookahead(r).scanAndPrefetch(buf(cmd("MSET", "a", "1", "b", "2", "c", "3")
        + cmd("mget", "d", "e") + cmd("Del", "f", "g", "h") + cmd("GET", "i"))));
    int[] got = r.calls.get(0);
    String[] keys = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
    assertEquals(2 * keys.length, got.length);
    for (int i = 0; i < keys.length; i++) {
      assertEquals(hash(keys[i]), got[2 * i], keys[i]);
    }
    // a single command with several keys is prefetched too (MSET at pipelining 1)
    Recorder one = new Recorder();
    new Lookahead(one).scanAndPrefetch(buf(cmd("MSET", "a", "1", "b", "2")));
    assertEquals(1, one.calls.size());
    assertEquals(hash("b"), one.calls.get(0)[2]);
    // SET's value is not a key
    Recorder set = new Recorder();
    new Lookahead(set).scanAndPrefetch(buf(cmd("SET", "a", "1")));
    assertEquals(0, set.calls.size());
  }

  @Test
  void aSingleKeyIsNotPrefetched() {
    Recorder r = new Recorder();
    assertEquals(2, new Lookahead(r).scanAndPrefetch(buf(cmd("GET", "k") + cmd("PING"))));
    assertEquals(0, r.calls.size());
  }

  @Test
  void stopsAtAnIncompleteCommand() {
    String two = cmd("GET", "a") + cmd("GET", "b");
    String third = cmd("SET", "c", "value");
    for (int cut = 0; cut < third.length(); cut++) {
      Lookahead l = new Lookahead(null);
      assertEquals(2, l.scan(buf(two + third.substring(0, cut))), "cut at " + cut);
      assertEquals(2, l.keys());
    }
    assertEquals(3, new Lookahead(null).scan(buf(two + third)));
  }

  @Test
  void stopsAtInlineOrMalformedInput() {
    String get = cmd("GET", "a");
    assertEquals(1, new Lookahead(null).scan(buf(get + "PING\r\n" + get)));
    assertEquals(1, new Lookahead(null).scan(buf(get + "*2\r\n+GET\r\n$1\r\na\r\n")));
    assertEquals(1, new Lookahead(null).scan(buf(get + "*x\r\n")));
    assertEquals(1, new Lookahead(null).scan(buf(get + "*2\r\n$-1\r\n")));
    assertEquals(0, new Lookahead(null).scan(buf("*0\r\n" + get)));
    assertEquals(0, new Lookahead(null).scan(buf("*99999999999999\r\n")));
    // what the decoder refuses or questions is left to it: a leading zero, a sign
    assertEquals(1, new Lookahead(null).scan(buf(get + "*01\r\n$4\r\nPING\r\n")));
    assertEquals(1, new Lookahead(null).scan(buf(get + "*1\r\n$04\r\nPING\r\n")));
    assertEquals(1, new Lookahead(null).scan(buf(get + "*1\r\n$+4\r\nPING\r\n")));
    assertEquals(2, new Lookahead(null).scan(buf(get + "*1\r\n$0\r\n\r\n")));
    // more arguments than a scan records
    String[] many = new String[Lookahead.MAX_ARGS + 1];
    java.util.Arrays.fill(many, "x");
    assertEquals(1, new Lookahead(null).scan(buf(get + cmd(many))));
  }

  @Test
  void readsADirectBufferAsAHeapOne() {
    String input = cmd("SET", "key:123456789012", "v") + cmd("HGET", "h", "field:1") + cmd("GET", "k");
    ByteBuf direct = Unpooled.directBuffer(input.length() + 8);
    direct.writeBytes(new byte[5]).readerIndex(5);
    direct.writeBytes(input.getBytes(StandardCharsets.US_ASCII));
    Recorder heap = new Recorder();
    Recorder off = new Recorder();
    assertEquals(3, new Lookahead(heap).scanAndPrefetch(buf(input)));
    assertEquals(3, new Lookahead(off).scanAndPrefetch(direct));
    assertArrayEquals(new int[] {hash("key:123456789012"), hash("v"), hash("h"), hash("field:1"), hash("k"), 0},
        off.calls.get(0));
    assertArrayEquals(heap.calls.get(0), off.calls.get(0));
    direct.release();
  }

  @Test
  void scansAtMostMaxCommandsFromTheReaderIndex() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Lookahead.MAX + 5; i++) {
      sb.append(cmd("INCR", "counter:" + i));
    }
    ByteBuf in = buf(sb.toString());
    Lookahead l = new Lookahead(null);
    assertEquals(Lookahead.MAX, l.scan(in));
    in.readerIndex(l.keyAt(Lookahead.MAX - 1) + ("counter:" + (Lookahead.MAX - 1)).length() + 2);
    assertEquals(5, l.scan(in));
    assertEquals(in.readerIndex() + "*2\r\n$4\r\nINCR\r\n$10\r\n".length(), l.keyAt(0));
    assertEquals(0, l.memberHash(0), "INCR has no member");
  }
}
