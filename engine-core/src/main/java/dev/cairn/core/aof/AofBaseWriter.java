package dev.cairn.core.aof;

import dev.cairn.core.keyspace.KeyspaceSnapshot;
import dev.cairn.core.rdb.DumpPayload;
import dev.cairn.core.type.hash.HashValue;
import dev.cairn.core.type.list.ListValue;
import dev.cairn.core.type.set.SetValue;
import dev.cairn.core.type.string.StringValues;
import dev.cairn.core.type.zset.ZSetValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a snapshot as an AOF-format base: first FUNCTION LOAD of each function library, as Redis's rewrite does; then
 * for each database a SELECT, then per key the commands that rebuild it (SET,
 * RPUSH, SADD, ZADD, HMSET with at most 64 items per command as Redis does, HPEXPIREAT for hash fields with a TTL,
 * PEXPIREAT for the key's TTL). Module values are rebuilt by their type's {@code aofRewrite}; values of types without
 * a command form here are written as RESTORE of their DUMP payload, which any Redis-compatible loader replays.
 */
final class AofBaseWriter implements KeyspaceSnapshot.Visitor {
  static final int ITEMS_PER_COMMAND = 64;

  private final RespOut out;
  private final DumpPayload dump;
  private final Runnable afterKey;

  /** {@code afterKey} runs after each key (the rewrite's rdb-key-save-delay). */
  AofBaseWriter(OutputStream os, DumpPayload dump, Runnable afterKey) {
    this.out = new RespOut(os);
    this.dump = dump;
    this.afterKey = afterKey;
  }

  /** FUNCTION LOAD of each library's code. */
  void functions(java.util.List<byte[]> libraries) throws IOException {
    for (byte[] code : libraries) {
      out.command(3).bulk("FUNCTION").bulk("LOAD").bulk(code);
    }
  }

  @Override
  public void database(int index, long keys, long keysWithExpiry) throws IOException {
    out.command(2).bulk("SELECT").bulk(Long.toString(index));
  }

  @Override
  public void entry(byte[] key, Object value, long expireAt) throws IOException {
    if (StringValues.isString(value)) {
      out.command(3).bulk("SET").bulk(key).bulk(StringValues.bytes(value));
    } else if (value instanceof ListValue list) {
      byte[][] items = list.toArray();
      batches("RPUSH", key, items, null);
    } else if (value instanceof SetValue set) {
      batches("SADD", key, set.toArray(), null);
    } else if (value instanceof ZSetValue zset) {
      int n = zset.size();
      byte[][] members = new byte[n][];
      double[] scores = new double[n];
      int[] i = {0};
      zset.forEach((m, s) -> {
        members[i[0]] = m;
        scores[i[0]++] = s;
      });
      batches("ZADD", key, members, scores);
    } else if (value instanceof HashValue hash) {
      hash(key, hash);
    } else if (value instanceof dev.cairn.api.type.ModuleValue mv) {
      moduleValue(key, mv);
    } else {
      byte[] payload = dump.create(value);
      out.command(5).bulk("RESTORE").bulk(key).bulk("0").bulk(payload).bulk("REPLACE");
    }
    if (expireAt >= 0) {
      out.command(3).bulk("PEXPIREAT").bulk(key).bulk(Long.toString(expireAt));
    }
    afterKey.run();
  }

  /** A module type rebuilds its values with its own commands (its aofRewrite, Redis's aof_rewrite callback). */
  @SuppressWarnings("unchecked")
  private void moduleValue(byte[] key, dev.cairn.api.type.ModuleValue mv) throws IOException {
    IOException[] failed = {null};
    ((dev.cairn.api.type.DataType<Object>) mv.type()).aofRewrite(argv -> {
      try {
        out.command(argv.length);
        for (byte[] a : argv) {
          out.bulk(a);
        }
      } catch (IOException e) {
        failed[0] = e;
      }
    }, key, mv.value());
    if (failed[0] != null) {
      throw failed[0];
    }
  }

  private void batches(String cmd, byte[] key, byte[][] items, double[] scores) throws IOException {
    int per = scores == null ? 1 : 2;
    for (int from = 0; from < items.length; from += ITEMS_PER_COMMAND) {
      int n = Math.min(ITEMS_PER_COMMAND, items.length - from);
      out.command(2 + n * per).bulk(cmd).bulk(key);
      for (int j = from; j < from + n; j++) {
        if (scores != null) {
          out.bulk(score(scores[j]));
        }
        out.bulk(items[j]);
      }
    }
  }

  private void hash(byte[] key, HashValue hash) throws IOException {
    int n = hash.size();
    byte[][] fields = new byte[n][];
    byte[][] values = new byte[n][];
    long[] ttls = new long[n];
    int[] count = {0};
    hash.forEach(-1, (fb, fo, fl, vb, vo, vl) -> {
      int i = count[0]++;
      fields[i] = java.util.Arrays.copyOfRange(fb, fo, fo + fl);
      values[i] = java.util.Arrays.copyOfRange(vb, vo, vo + vl);
    });
    int total = count[0];
    for (int from = 0; from < total; from += ITEMS_PER_COMMAND) {
      int k = Math.min(ITEMS_PER_COMMAND, total - from);
      out.command(2 + 2 * k).bulk("HMSET").bulk(key);
      for (int j = from; j < from + k; j++) {
        out.bulk(fields[j]).bulk(values[j]);
      }
    }
    if (hash.volatileCount() > 0) {
      for (int j = 0; j < total; j++) {
        ttls[j] = hash.expireAt(fields[j]);
        if (ttls[j] >= 0) {
          out.command(6).bulk("HPEXPIREAT").bulk(key).bulk(Long.toString(ttls[j])).bulk("FIELDS").bulk("1")
              .bulk(fields[j]);
        }
      }
    }
  }

  /** A score as a string that reads back to the same double ("inf"/"-inf" as Redis writes them). */
  static byte[] score(double d) {
    String s;
    if (d == Double.POSITIVE_INFINITY) {
      s = "inf";
    } else if (d == Double.NEGATIVE_INFINITY) {
      s = "-inf";
    } else if (d == Math.rint(d) && Math.abs(d) < 1e17) {
      s = Long.toString((long) d);
    } else {
      s = Double.toString(d);
    }
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  void flush() throws IOException {
    out.flush();
  }

  /** RESP command writer over a stream. */
  static final class RespOut {
    private final OutputStream os;

    RespOut(OutputStream os) {
      this.os = os;
    }

    RespOut command(int argc) throws IOException {
      os.write('*');
      ascii(Integer.toString(argc));
      return this;
    }

    RespOut bulk(String s) throws IOException {
      return bulk(s.getBytes(StandardCharsets.US_ASCII));
    }

    RespOut bulk(byte[] b) throws IOException {
      os.write('$');
      ascii(Integer.toString(b.length));
      os.write(b);
      os.write('\r');
      os.write('\n');
      return this;
    }

    private void ascii(String s) throws IOException {
      for (int i = 0; i < s.length(); i++) {
        os.write(s.charAt(i));
      }
      os.write('\r');
      os.write('\n');
    }

    void flush() throws IOException {
      os.flush();
    }
  }
}
