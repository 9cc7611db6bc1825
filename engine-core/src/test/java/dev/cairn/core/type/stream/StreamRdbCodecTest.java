package dev.cairn.core.type.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.core.rdb.Crc64;
import dev.cairn.core.rdb.DumpPayload;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.type.string.InProcessClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DUMP payloads of streams: Redis 7.0's own (fixtures in test resources), the legacy type 15, type 21, and corrupt
 * input, which must be refused without harm.
 */
class StreamRdbCodecTest {
  private final DumpPayload payloads;

  StreamRdbCodecTest() {
    RdbCodecs codecs = RdbCodecs.withBuiltins();
    codecs.register(new StreamRdbCodec(), StreamRdbCodec.TYPES);
    payloads = new DumpPayload(codecs);
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = StreamRdbCodecTest.class.getResourceAsStream("/rdb/streams/" + name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    }
  }

  private StreamValue restore(byte[] p) throws DumpPayload.InvalidPayload {
    return (StreamValue) payloads.restore(p);
  }

  private static String entries(StreamValue s) {
    StringBuilder sb = new StringBuilder();
    StreamIterator it = new StreamIterator(s, false);
    while (it.next()) {
      sb.append(new StreamId(it.ms, it.seq));
      it.forEachFieldBytes(x -> sb.append(' ').append(new String(x, StandardCharsets.UTF_8)));
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void redis70EntriesPayload() throws Exception {
    StreamValue s = restore(fixture("redis70-entries.bin"));
    // what redis-server 7.0.15 reported for this stream
    assertEquals(245, s.length);
    assertEquals(3, s.nodeCount());
    assertEquals(8, s.radixTreeNodes());
    assertEquals(new StreamId(250, 0), s.lastId());
    assertEquals(new StreamId(150, 0), s.maxDeletedId());
    assertEquals(250, s.entriesAdded);
    assertEquals(new StreamId(5, 2), s.firstId());
    String all = entries(s);
    assertEquals("5-2 item 5 value v5", all.lines().findFirst().orElseThrow());
    assertEquals("250-0 other 250 blob " + "x".repeat(250 % 70), all.lines().reduce((a, b) -> b).orElseThrow());

    // built by Cairn's commands, the stream has the same nodes, byte for byte
    InProcessClient c = new InProcessClient();
    for (int i = 1; i <= 250; i++) {
      if (i % 10 == 0) {
        c.run("XADD", "s1", i + "-0", "other", Integer.toString(i), "blob", "x".repeat(i % 70));
      } else {
        c.run("XADD", "s1", i + "-" + (i % 3), "item", Integer.toString(i), "value", "v" + i);
      }
    }
    c.run("XDEL", "s1", "100-1", "150-0");
    c.run("XTRIM", "s1", "MINID", "5-0");
    StreamValue mine = (StreamValue) c.session.db().get("s1".getBytes(StandardCharsets.US_ASCII));
    assertEquals(s.nodeCount(), mine.nodeCount());
    for (int i = 0; i < s.nodeCount(); i++) {
      assertEquals(s.nodeMs(i), mine.nodeMs(i));
      byte[] lp = mine.nodeLp(i);
      assertArrayEquals(s.nodeLp(i), Arrays.copyOf(lp, StreamNode.bytes(lp)), "node " + i);
    }
    // and writes it as Redis 7.0 can read it
    byte[] out = payloads.create(mine);
    assertEquals(RdbCodecs.TYPE_STREAM_LISTPACKS_2, out[0] & 0xFF);
    assertEquals(10, out[out.length - 10] | out[out.length - 9] << 8);
    assertEquals(entries(s), entries(restore(out)));
  }

  @Test
  void redis70GroupsPayload() throws Exception {
    StreamValue s = restore(fixture("redis70-groups.bin"));
    assertEquals(19, s.length);
    StreamGroup g1 = s.group("g1".getBytes(StandardCharsets.US_ASCII));
    StreamGroup g2 = s.group("g2".getBytes(StandardCharsets.US_ASCII));
    assertEquals(new StreamId(7, 1), g1.lastId);
    assertEquals(7, g1.entriesRead);
    assertEquals(13, s.lag(g1));
    assertEquals(20, g2.entriesRead);
    assertEquals(0, s.lag(g2));
    assertEquals(5, g1.pel.size());
    assertEquals(3, g1.consumers.size());
    StreamGroup.Consumer alice = g1.consumer("alice".getBytes(StandardCharsets.US_ASCII));
    assertEquals(3, alice.pel.size());
    assertEquals(alice.seenTime, alice.activeTime, "type 19 has no active time: it is the seen time");
    assertEquals("alice", new String(g1.pel.get(new StreamId(2, 1)).consumer.name, StandardCharsets.US_ASCII));
    // consumers whose active time is their seen time go back out as type 19
    byte[] out = payloads.create(s);
    assertEquals(RdbCodecs.TYPE_STREAM_LISTPACKS_2, out[0] & 0xFF);
    StreamValue back = restore(out);
    assertEquals(5, back.group("g1".getBytes(StandardCharsets.US_ASCII)).pel.size());
    // a consumer that was never active needs type 21 (and Redis 7.2's RDB version)
    g1.createConsumer("dave".getBytes(StandardCharsets.US_ASCII), 1234);
    out = payloads.create(s);
    assertEquals(RdbCodecs.TYPE_STREAM_LISTPACKS_3, out[0] & 0xFF);
    assertEquals(11, out[out.length - 10]);
    StreamGroup.Consumer dave = restore(out).group("g1".getBytes(StandardCharsets.US_ASCII))
        .consumer("dave".getBytes(StandardCharsets.US_ASCII));
    assertEquals(1234, dave.seenTime);
    assertEquals(-1, dave.activeTime);
  }

  @Test
  void redis70EmptyPayload() throws Exception {
    StreamValue s = restore(fixture("redis70-empty.bin"));
    assertEquals(0, s.length);
    assertEquals(0, s.nodeCount());
    assertEquals(new StreamId(7, 7), s.lastId());
    assertEquals(1, s.entriesAdded);
  }

  /** Type 15 (Redis 5 to 6.2): made from the 7.0 payload by leaving out what 7.0 added. */
  @Test
  void legacyType15() throws Exception {
    StreamValue s = restore(fixture("redis70-groups.bin"));
    RdbOutput out = new RdbOutput(256, false);
    out.writeByte(RdbCodecs.TYPE_STREAM_LISTPACKS);
    out.writeLength(s.nodeCount());
    for (int i = 0; i < s.nodeCount(); i++) {
      out.writeString(new StreamId(s.nodeMs(i), s.nodeSeq(i)).encode());
      out.writeString(s.nodeLp(i));
    }
    out.writeLength(s.length);
    out.writeLength(s.lastMs);
    out.writeLength(s.lastSeq);
    out.writeLength(1);
    out.writeString("g".getBytes(StandardCharsets.US_ASCII));
    out.writeLength(0);
    out.writeLength(0); // last ID 0-0: before the first entry
    out.writeLength(0); // no PEL
    out.writeLength(0); // no consumers
    out.writeLongLE(9, 2);
    byte[] noCrc = out.toByteArray();
    out.writeLongLE(Crc64.of(noCrc, 0, noCrc.length), 8);
    StreamValue legacy = restore(out.toByteArray());
    assertEquals(19, legacy.entriesAdded, "the offset starts as the length");
    assertEquals(StreamId.MIN, legacy.maxDeletedId());
    assertEquals(new StreamId(1, 1), legacy.firstId());
    StreamGroup g = legacy.group("g".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, g.entriesRead, "estimated: before the first entry with no tombstones");
    assertEquals(19, legacy.lag(g));
  }

  @Test
  void corruptPayloadsAreRefused() throws Exception {
    byte[] good = fixture("redis70-entries.bin");
    byte[] body = Arrays.copyOf(good, good.length - 10);
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("corruptPayloadsAreRefused seed " + seed);
    Random rnd = new Random(seed);
    int refused = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] bad = body.clone();
      int flips = 1 + rnd.nextInt(4);
      for (int f = 0; f < flips; f++) {
        bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
      }
      if (rnd.nextInt(5) == 0) {
        bad = Arrays.copyOf(bad, rnd.nextInt(bad.length));
      }
      byte[] p = withTrailer(bad);
      try {
        // whatever was accepted must be walkable; a flipped type byte may make a valid payload of another type
        if (payloads.restore(p) instanceof StreamValue s) {
          entries(s);
        }
      } catch (DumpPayload.InvalidPayload e) {
        refused++;
      }
    }
    System.out.println("refused " + refused + " of 2000 corrupt payloads");
    byte[] truncated = withTrailer(Arrays.copyOf(body, body.length / 2));
    assertThrows(DumpPayload.InvalidPayload.class, () -> restore(truncated));
  }

  private static byte[] withTrailer(byte[] body) {
    RdbOutput out = new RdbOutput(body.length + 10, false);
    out.writeBytes(body, 0, body.length);
    out.writeLongLE(10, 2);
    byte[] noCrc = out.toByteArray();
    out.writeLongLE(Crc64.of(noCrc, 0, noCrc.length), 8);
    return out.toByteArray();
  }
}
