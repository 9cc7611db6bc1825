package dev.cairn.core.type.list;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The list RDB codec: round trips, and corrupt listpacks are refused without an exception escaping. */
class ListRdbCodecTest {
  private final ListRdbCodec codec = new ListRdbCodec();

  @Test
  void roundTripsRandomLists() throws Exception {
    long seed = System.nanoTime();
    System.out.println("ListRdbCodecTest seed " + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 50; round++) {
      ListValue l = new ListValue();
      int n = 1 + rnd.nextInt(round < 25 ? 20 : 3000);
      for (int k = 0; k < n; k++) {
        byte[] v = value(rnd);
        l.convertForAdd(v.length, 1, -2);
        l.push(v, rnd.nextBoolean(), -2);
      }
      RdbOutput out = new RdbOutput(64, rnd.nextBoolean());
      codec.write(out, l);
      byte[] body = out.toByteArray();
      ListValue back = (ListValue) codec.read(new RdbInput(body, 0, body.length), RdbCodecs.TYPE_LIST_QUICKLIST_2);
      assertEquals(l.size(), back.size(), "seed " + seed);
      assertEquals(l.encoding(), back.encoding(), "seed " + seed);
      byte[][] a = l.toArray();
      byte[][] b = back.toArray();
      for (int k = 0; k < a.length; k++) {
        assertArrayEquals(a[k], b[k], "seed " + seed + " element " + k);
      }
    }
  }

  @Test
  void corruptListpacksAreRefused() {
    long seed = System.nanoTime();
    System.out.println("ListRdbCodecTest corruption seed " + seed);
    Random rnd = new Random(seed);
    ListValue l = new ListValue();
    for (int k = 0; k < 40; k++) {
      byte[] v = value(rnd);
      l.convertForAdd(v.length, 1, -2);
      l.push(v, false, -2);
    }
    ListNode node = l.nodeAt(0);
    int used = node.end - node.start;
    byte[] lp = new byte[used + 7];
    lp[0] = (byte) lp.length;
    lp[1] = (byte) (lp.length >> 8);
    lp[4] = (byte) node.count;
    System.arraycopy(node.buf, node.start, lp, 6, used);
    lp[lp.length - 1] = (byte) 0xFF;
    assertEquals(node.count, ListRdbCodec.validListpack(lp));
    int refused = 0;
    for (int k = 0; k < 5000; k++) {
      byte[] bad = lp.clone();
      for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
        bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
      }
      int count = ListRdbCodec.validListpack(bad); // must not throw
      if (count < 0) {
        refused++;
      }
    }
    assertTrue(refused > 0, "seed " + seed);
  }

  private static byte[] value(Random rnd) {
    String s = switch (rnd.nextInt(5)) {
      case 0 -> Long.toString(rnd.nextLong());
      case 1 -> Integer.toString(rnd.nextInt(1000));
      case 2 -> "z".repeat(rnd.nextInt(300));
      case 3 -> rnd.nextInt(50) == 0 ? "big".repeat(4000) : "v" + rnd.nextInt();
      default -> "element:" + rnd.nextInt(100000);
    };
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
