package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.util.List;
import java.util.Locale;

/**
 * A VECTOR field's declaration: {@code VECTOR FLAT|HNSW n TYPE t DIM d DISTANCE_METRIC m [INITIAL_CAP c]
 * [BLOCK_SIZE b] [M m] [EF_CONSTRUCTION e] [EF_RUNTIME r] [EPSILON x]}, parsed with RediSearch 2.10's rules and
 * error texts.
 */
final class VectorParams {
  enum Metric { L2, IP, COSINE }

  /** Element types: bytes per element. */
  enum ElementType {
    FLOAT32(4), FLOAT64(8), FLOAT16(2), BFLOAT16(2);

    final int size;

    ElementType(int size) {
      this.size = size;
    }
  }

  final boolean hnsw;
  ElementType type;
  int dim;
  Metric metric;
  long initialCap = -1;
  long blockSize = 1024;
  int m = 16;
  int efConstruction = 200;
  int efRuntime = 10;
  double epsilon = 0.01;
  /** The attributes as given, for the definition's replay. */
  int consumed;

  private VectorParams(boolean hnsw) {
    this.hnsw = hnsw;
  }

  String algorithm() {
    return hnsw ? "HNSW" : "FLAT";
  }

  /** Bytes of a vector blob in a hash. */
  int blobSize() {
    return dim * type.size;
  }

  /** Parses from {@code a.get(i)} (the algorithm); {@link #consumed} tells how many arguments it took. */
  static VectorParams parse(List<String> a, int i) {
    if (i >= a.size()) {
      throw RedisException.line("Bad arguments for vector similarity algorithm");
    }
    String algo = a.get(i).toUpperCase(Locale.ROOT);
    if (!algo.equals("FLAT") && !algo.equals("HNSW")) {
      throw RedisException.line("Bad arguments for vector similarity algorithm");
    }
    VectorParams p = new VectorParams(algo.equals("HNSW"));
    if (i + 1 >= a.size()) {
      throw RedisException.line("Bad arguments for vector similarity number of parameters");
    }
    long n;
    try {
      n = Long.parseLong(a.get(i + 1));
    } catch (NumberFormatException e) {
      throw RedisException.line("Bad arguments for vector similarity number of parameters");
    }
    if (n < 0) {
      throw RedisException.line("Bad arguments for vector similarity number of parameters");
    }
    int from = i + 2;
    if (from + n > a.size()) {
      throw RedisException.line("Bad arguments for vector similarity number of parameters: Expected " + n
          + " parameters but got " + (a.size() - from));
    }
    if (n % 2 != 0) {
      throw RedisException.line("Bad number of arguments for vector similarity index: got " + n
          + " but expected even number (as algorithm parameters should be submitted as named arguments)");
    }
    String what = "Bad arguments for vector similarity " + algo + " index ";
    for (int k = from; k < from + n; k += 2) {
      String key = a.get(k).toUpperCase(Locale.ROOT);
      String v = a.get(k + 1);
      switch (key) {
        case "TYPE" -> {
          try {
            p.type = ElementType.valueOf(v.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw RedisException.line(what + "type");
          }
        }
        case "DIM" -> p.dim = (int) positive(v, what + "dim", Integer.MAX_VALUE);
        case "DISTANCE_METRIC" -> {
          try {
            p.metric = Metric.valueOf(v.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw RedisException.line(what + "metric");
          }
        }
        case "INITIAL_CAP" -> p.initialCap = nonNegative(v, what + "initial cap");
        case "BLOCK_SIZE" -> {
          if (p.hnsw) {
            throw RedisException.line("Bad arguments for algorithm HNSW: " + a.get(k));
          }
          p.blockSize = positive(v, what + "blocksize", Long.MAX_VALUE);
        }
        case "M", "EF_CONSTRUCTION", "EF_RUNTIME", "EPSILON" -> {
          if (!p.hnsw) {
            throw RedisException.line("Bad arguments for algorithm FLAT: " + a.get(k));
          }
          switch (key) {
            // Lucene's graph allows at most 512 neighbours per node
            case "M" -> p.m = (int) positive(v, what + "m", 512);
            case "EF_CONSTRUCTION" -> p.efConstruction = (int) positive(v, what + "efConstruction", 1 << 20);
            case "EF_RUNTIME" -> p.efRuntime = (int) positive(v, what + "efRuntime", 1 << 20);
            default -> {
              try {
                p.epsilon = Double.parseDouble(v);
              } catch (NumberFormatException e) {
                throw RedisException.line(what + "epsilon");
              }
              if (!(p.epsilon > 0) || Double.isInfinite(p.epsilon)) {
                throw RedisException.line(what + "epsilon");
              }
            }
          }
        }
        default -> throw RedisException.line("Bad arguments for algorithm " + algo + ": " + a.get(k));
      }
    }
    for (String[] req : new String[][] {{"TYPE", p.type == null ? "" : null}, {"DIM", p.dim == 0 ? "" : null},
        {"DISTANCE_METRIC", p.metric == null ? "" : null}}) {
      if (req[1] != null) {
        throw RedisException.line("Missing mandatory parameter: cannot create " + algo + " index without "
            + "specifying " + req[0] + " argument");
      }
    }
    p.consumed = (int) (2 + n);
    return p;
  }

  private static long positive(String v, String error, long max) {
    long n = nonNegative(v, error);
    if (n == 0 || n > max) {
      throw RedisException.line(error);
    }
    return n;
  }

  private static long nonNegative(String v, String error) {
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw RedisException.line(error);
      }
      return n;
    } catch (NumberFormatException e) {
      throw RedisException.line(error);
    }
  }

  /** Decodes a blob of {@link #blobSize()} bytes (little-endian, as numpy's tobytes) into doubles. */
  double[] decode(byte[] blob) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(blob).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[dim];
    for (int i = 0; i < dim; i++) {
      out[i] = switch (type) {
        case FLOAT32 -> b.getFloat();
        case FLOAT64 -> b.getDouble();
        case FLOAT16 -> Float.float16ToFloat(b.getShort());
        case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
      };
    }
    return out;
  }

  /**
   * FT.INFO's attributes of a VECTOR field ({@code algorithm}, {@code data_type}, {@code dim},
   * {@code distance_metric}, HNSW's {@code M} and {@code ef_construction}, as RediSearch 2.10) or a GEOSHAPE field
   * ({@code coord_system}); values are Strings or Longs. Empty for other fields.
   */
  static List<Object[]> info(FieldSpec f) {
    List<Object[]> out = new java.util.ArrayList<>();
    if (f.type == FieldSpec.Type.GEOSHAPE) {
      out.add(new Object[] {"coord_system", f.flatShape ? "FLAT" : "SPHERICAL"});
    }
    VectorParams p = f.vector;
    if (f.type != FieldSpec.Type.VECTOR || p == null) {
      return out;
    }
    out.add(new Object[] {"algorithm", p.algorithm()});
    out.add(new Object[] {"data_type", p.type.name()});
    out.add(new Object[] {"dim", (long) p.dim});
    out.add(new Object[] {"distance_metric", p.metric.name()});
    if (p.hnsw) {
      out.add(new Object[] {"M", (long) p.m});
      out.add(new Object[] {"ef_construction", (long) p.efConstruction});
    }
    return out;
  }
}
