package dev.cairn.json;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * JSON.SET's storage cost without the network (not a test: run by hand, see the module README): parse the 1 KB
 * bench document 500k times into 100k live slots, as a server holding 100k documents under JSON.SET would, packed
 * ({@code packed}) or as trees ({@code tree}); prints the time, the collector's time and the live heap.
 */
public class JsonSetGcBench {
  public static void main(String[] args) throws Exception {
    boolean packed = args[0].equals("packed");
    byte[] text = TapeTest.benchDocument().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Object[] slots = new Object[100_000];
    for (int warm = 0; warm < 2; warm++) {
      run(packed, text, slots, warm == 0 ? "warm-up" : "measured");
    }
  }

  static void run(boolean packed, byte[] text, Object[] slots, String label) {
    long gc0 = gcMillis();
    long t0 = System.nanoTime();
    for (int i = 0; i < 5 * slots.length; i++) {
      slots[i % slots.length] = packed ? JsonReader.parseDoc(text, true) : JsonReader.parse(text);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long gc = gcMillis() - gc0;
    System.gc();
    Runtime r = Runtime.getRuntime();
    System.out.printf("%s %s: %d ms for 500k sets, GC %d ms, heap after full GC %d MB%n", packed ? "packed" : "tree",
        label, ms, gc, (r.totalMemory() - r.freeMemory()) >> 20);
  }

  static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, b.getCollectionTime());
    }
    return t;
  }
}
