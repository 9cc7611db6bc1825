package dev.cairn.core.aof;

import dev.cairn.core.persistence.SnapshotInfo;
import dev.cairn.core.persistence.SnapshotSink;
import dev.cairn.core.rdb.DumpPayload;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbValueCodec;
import dev.cairn.core.type.hash.HashValue;
import dev.cairn.core.type.list.ListValue;
import dev.cairn.core.type.set.SetValue;
import dev.cairn.core.type.string.StringValues;
import dev.cairn.core.type.zset.ZSetValue;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a snapshot as an AOF-format base file (a {@link SnapshotSink}: the rewrite reads the dataset through the
 * copy-on-write snapshot): first FUNCTION LOAD of each function library, as Redis's rewrite does; then per key the
 * commands that rebuild it (SET, RPUSH, SADD, ZADD, HMSET with at most 64 items per command as Redis does,
 * HPEXPIREAT for hash fields with a TTL, PEXPIREAT for the key's TTL), with a SELECT whenever the database changes
 * (the snapshot hands keys of all databases interleaved). Module values are rebuilt by their type's
 * {@code aofRewrite}, which runs on the engine thread ({@link #prepare}); values of types without a command form here
 * are written as RESTORE of their DUMP payload, which any Redis-compatible loader replays.
 */
final class AofBaseWriter implements SnapshotSink {
  static final int ITEMS_PER_COMMAND = 64;
  /** Bytes written between fsyncs with {@code aof-rewrite-incremental-fsync}, as Redis's 4 MB. */
  private static final long AUTOSYNC_BYTES = 4L * 1024 * 1024;

  private final Path file;
  private final RdbCodecs codecs;
  private final DumpPayload dump;
  private final List<byte[]> libraries;
  private final boolean timestamps;
  private final boolean incrementalFsync;
  private FileOutputStream fos;
  private OutputStream os;
  private RespOut out;
  private int selected = -1;
  /** Commands that rebuild modules' AUX data, written after the function libraries and before the keys. */
  private List<byte[][]> moduleCommands = List.of();

  /**
   * Writes to {@code file} (a temporary file the caller renames into place); {@code libraries} are the function
   * libraries' code as the snapshot starts; {@code timestamps} starts the file with a {@code #TS:} annotation.
   */
  AofBaseWriter(Path file, RdbCodecs codecs, DumpPayload dump, List<byte[]> libraries, boolean timestamps,
      boolean incrementalFsync) {
    this.file = file;
    this.codecs = codecs;
    this.dump = dump;
    this.libraries = libraries;
    this.timestamps = timestamps;
    this.incrementalFsync = incrementalFsync;
  }

  /** Sets the commands that rebuild modules' AUX data (captured on the engine thread as the rewrite starts). */
  void moduleCommands(List<byte[][]> commands) {
    this.moduleCommands = commands;
  }

  /** The types whose RDB codec may read them on the snapshot thread may be encoded there; module values may not. */
  @Override
  public boolean concurrent(Object value) {
    if (value instanceof byte[]) {
      return true;
    }
    if (value instanceof dev.cairn.api.type.ModuleValue) {
      return false;
    }
    RdbValueCodec codec = codecs.writer(value);
    return codec != null && codec.writesConcurrently();
  }

  /** On the engine thread: the commands that rebuild the value, already encoded. */
  @Override
  public Object prepare(int db, byte[] key, Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      value(new RespOut(bytes), key, value);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  @Override
  public void begin(SnapshotInfo info) throws IOException {
    fos = new FileOutputStream(file.toFile());
    os = new BufferedOutputStream(syncing(fos), 64 * 1024);
    out = new RespOut(os);
    if (timestamps) {
      os.write(AofWriter.timestampAnnotation());
    }
    for (byte[] code : libraries) {
      out.command(3).bulk("FUNCTION").bulk("LOAD").bulk(code);
    }
    for (byte[][] argv : moduleCommands) {
      out.command(argv.length);
      for (byte[] a : argv) {
        out.bulk(a);
      }
    }
  }

  @Override
  public void write(int db, byte[] key, Object value, boolean prepared, long expireAt, int lru) throws IOException {
    if (db != selected) {
      out.command(2).bulk("SELECT").bulk(Long.toString(db));
      selected = db;
    }
    if (prepared) {
      os.write((byte[]) value);
    } else {
      value(out, key, value);
    }
    if (expireAt >= 0) {
      out.command(3).bulk("PEXPIREAT").bulk(key).bulk(Long.toString(expireAt));
    }
  }

  /** The base is complete once it is on disk. */
  @Override
  public void finish() throws IOException {
    os.flush();
    fos.getChannel().force(true);
    os.close();
  }

  @Override
  public void discard() {
    try {
      if (os != null) {
        os.close();
      }
    } catch (IOException e) {
      // the file goes anyway
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a stale temporary file is overwritten by the next rewrite of the same name
    }
  }

  /** With incremental fsync, the file is fsynced every 4 MB so the final fsync does not stall on a huge backlog. */
  private OutputStream syncing(FileOutputStream f) {
    if (!incrementalFsync) {
      return f;
    }
    return new OutputStream() {
      private long sinceSync;

      @Override
      public void write(int b) throws IOException {
        f.write(b);
        count(1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        f.write(b, off, len);
        count(len);
      }

      private void count(long n) throws IOException {
        sinceSync += n;
        if (sinceSync >= AUTOSYNC_BYTES) {
          f.getChannel().force(false);
          sinceSync = 0;
        }
      }
    };
  }

  /** The commands that rebuild {@code value} under {@code key}. */
  private void value(RespOut out, byte[] key, Object value) throws IOException {
    if (StringValues.isString(value)) {
      out.command(3).bulk("SET").bulk(key).bulk(StringValues.bytes(value));
    } else if (value instanceof ListValue list) {
      byte[][] items = list.toArray();
      batches(out, "RPUSH", key, items, null);
    } else if (value instanceof SetValue set) {
      batches(out, "SADD", key, set.toArray(), null);
    } else if (value instanceof ZSetValue zset) {
      int n = zset.size();
      byte[][] members = new byte[n][];
      double[] scores = new double[n];
      int[] i = {0};
      zset.forEach((m, s) -> {
        members[i[0]] = m;
        scores[i[0]++] = s;
      });
      batches(out, "ZADD", key, members, scores);
    } else if (value instanceof HashValue hash) {
      hash(out, key, hash);
    } else if (value instanceof dev.cairn.api.type.ModuleValue mv) {
      moduleValue(out, key, mv);
    } else {
      byte[] payload = dump.create(value);
      out.command(5).bulk("RESTORE").bulk(key).bulk("0").bulk(payload).bulk("REPLACE");
    }
  }

  /** A module type rebuilds its values with its own commands (its aofRewrite, Redis's aof_rewrite callback). */
  @SuppressWarnings("unchecked")
  private static void moduleValue(RespOut out, byte[] key, dev.cairn.api.type.ModuleValue mv) throws IOException {
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

  private static void batches(RespOut out, String cmd, byte[] key, byte[][] items, double[] scores) throws IOException {
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

  private static void hash(RespOut out, byte[] key, HashValue hash) throws IOException {
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
