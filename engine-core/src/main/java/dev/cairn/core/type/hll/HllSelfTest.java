package dev.cairn.core.type.hll;

import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.Errors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * PFSELFTEST: checks the dense register packing (random values written and read back, neighbours untouched) and the
 * estimator (10 million distinct elements added to a dense and a sparse HLL side by side: both encodings must agree,
 * small cardinalities must stay sparse, and the error must stay within six standard errors at every power of ten).
 */
final class HllSelfTest {
  private HllSelfTest() {}

  private static final int CYCLES = 1000;

  static void run(CommandContext c, long sparseMaxBytes) {
    String failure = registers();
    if (failure == null) {
      failure = approximation(sparseMaxBytes);
    }
    if (failure != null) {
      throw Errors.err("TESTFAILED " + failure);
    }
    c.reply().ok();
  }

  private static String registers() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    byte[] dense = new byte[Hll.DENSE_SIZE];
    byte[] expected = new byte[Hll.REGISTERS];
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      for (int i = 0; i < Hll.REGISTERS; i++) {
        int v = rnd.nextInt(64);
        expected[i] = (byte) v;
        Hll.denseSet(dense, i, v);
      }
      for (int i = 0; i < Hll.REGISTERS; i++) {
        int v = Hll.denseGet(dense, i);
        if (v != expected[i]) {
          return "Register " + i + " should be " + expected[i] + " but is " + v;
        }
      }
    }
    return null;
  }

  private static String approximation(long sparseMaxBytes) {
    byte[] denseBytes = Hll.empty();
    Hll dense = new Hll(denseBytes, denseBytes.length);
    dense.toDense();
    byte[] sparseBytes = Hll.empty();
    Hll sparse = new Hll(sparseBytes, sparseBytes.length);
    double relErr = 1.04 / Math.sqrt(Hll.REGISTERS);
    long checkpoint = 1;
    long seed = ThreadLocalRandom.current().nextLong();
    byte[] ele = new byte[8];
    for (long j = 1; j <= 10_000_000; j++) {
      long e = j ^ seed;
      for (int k = 0; k < 8; k++) {
        ele[k] = (byte) (e >>> (8 * k));
      }
      dense.add(ele, sparseMaxBytes);
      sparse.add(ele, sparseMaxBytes);
      if (j != checkpoint) {
        continue;
      }
      if (j < sparseMaxBytes / 2 && sparse.encoding() != Hll.SPARSE) {
        return "sparse encoding not used";
      }
      long card = dense.count();
      if (card != sparse.count()) {
        return "dense/sparse disagree";
      }
      long maxErr = (long) Math.ceil(relErr * 6 * checkpoint);
      long absErr = Math.abs(checkpoint - card);
      if (absErr > maxErr) {
        return "Too big error. card:" + checkpoint + " abserr:" + absErr;
      }
      checkpoint *= 10;
    }
    return null;
  }
}
