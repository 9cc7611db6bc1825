package dev.cairn.core.replication;

import dev.cairn.core.Engine;
import dev.cairn.core.log.Log;
import dev.cairn.core.persistence.RdbLoader;
import dev.cairn.core.rdb.RdbInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The RDB of a full sync as a replica receives it: {@code $<len>} then that many bytes, or {@code $EOF:<mark>} then
 * bytes up to the same 40-character mark (a diskless master). Stored in a temporary file that then replaces the RDB
 * file (as Redis does), or kept in memory with {@code repl-diskless-load}.
 */
final class RdbPayload {
  private final Path file;
  private byte[] memory;
  private int size;

  private RdbPayload(Path file) {
    this.file = file;
  }

  /** Whether the payload is parsed from memory (repl-diskless-load), rather than from the RDB file it replaced. */
  boolean inMemory() {
    return file == null;
  }

  /** Reads the payload from the master (on the link thread); {@code temp} null keeps it in memory. */
  static RdbPayload receive(MasterLink link, InputStream in, Path temp) throws IOException {
    String header = MasterLink.readLine(in);
    while (header.isEmpty()) {
      link.lastIoMillis = System.currentTimeMillis();
      header = MasterLink.readLine(in); // newlines the master sends while it prepares the RDB
    }
    if (header.startsWith("-")) {
      throw new IOException("MASTER aborted replication with an error: " + header.substring(1));
    }
    if (!header.startsWith("$")) {
      throw new IOException("Bad protocol from MASTER, the first byte is not '$' (we received '" + header + "')");
    }
    byte[] mark = null;
    long len = -1;
    if (header.startsWith("$EOF:")) {
      mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
      Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to " + (temp == null ? "parser"
          : "disk"));
    } else {
      len = Long.parseLong(header.substring(1));
      link.transferSize = len;
      Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: receiving " + len + " bytes from master to " + (temp == null ? "parser"
          : "disk"));
    }
    RdbPayload p = new RdbPayload(temp);
    OutputStream out = temp == null ? p.memoryStream() : Files.newOutputStream(temp);
    link.transferRead = 0;
    try (out) {
      byte[] buf = new byte[1 << 16];
      byte[] tail = new byte[mark == null ? 0 : mark.length];
      long total = 0;
      while (true) {
        int want = len >= 0 ? (int) Math.min(buf.length, len - total) : buf.length;
        if (want == 0) {
          break;
        }
        int n = in.read(buf, 0, want);
        if (n < 0) {
          throw new IOException("I/O error trying to sync with MASTER: connection lost");
        }
        out.write(buf, 0, n);
        total += n;
        link.transferRead = total;
        link.lastIoMillis = System.currentTimeMillis();
        link.transferLastIoMillis = link.lastIoMillis;
        if (mark != null) {
          updateTail(tail, buf, n);
          if (total >= mark.length && Arrays.equals(tail, mark)) {
            p.size = (int) Math.min(Integer.MAX_VALUE, total - mark.length);
            break;
          }
        }
      }
      if (mark == null) {
        p.size = (int) Math.min(Integer.MAX_VALUE, total);
      }
    }
    if (temp != null && mark != null) {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.truncate(Files.size(temp) - mark.length);
      }
    }
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Done receiving" + (temp == null ? "" : " to disk"));
    return p;
  }

  private static void updateTail(byte[] tail, byte[] buf, int n) {
    int k = tail.length;
    if (n >= k) {
      System.arraycopy(buf, n - k, tail, 0, k);
    } else {
      System.arraycopy(tail, n, tail, 0, k - n);
      System.arraycopy(buf, 0, tail, k - n, n);
    }
  }

  private OutputStream memoryStream() {
    memory = new byte[1 << 16];
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        if (size + len > memory.length) {
          memory = Arrays.copyOf(memory, (int) Math.min(Integer.MAX_VALUE - 16,
              Math.max(memory.length * 2L, (long) size + len)));
        }
        System.arraycopy(b, off, memory, size, len);
        size += len;
      }
    };
  }

  /**
   * Loads the payload into the (flushed) dataset on the engine thread; keys whose time has passed are kept, as a
   * replica expires nothing itself (the master's DELs follow). Returns whether it loaded.
   */
  boolean load(Engine engine) {
    RdbLoader loader = engine.persistence().loader();
    RdbLoader.Result r;
    if (file == null) {
      r = loader.load(new RdbInput(memory, 0, size), "the master's stream", true);
      memory = null;
    } else {
      Path target = engine.persistence().rdbFile();
      try {
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        try {
          Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e2) {
          Log.log(Log.Level.WARNING, "Failed trying to rename the temp DB into " + target.getFileName() + " in MASTER <-> REPLICA"
              + " synchronization: " + e2.getMessage());
          return false;
        }
      }
      try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(target), 1 << 16)) {
        r = loader.load(new RdbInput(in, Files.size(target)), target.getFileName().toString(), true);
      } catch (IOException e) {
        Log.log(Log.Level.WARNING, "Failed trying to load the MASTER synchronization DB from disk: " + e.getMessage());
        return false;
      }
    }
    return r.status() == RdbLoader.Status.OK;
  }
}
