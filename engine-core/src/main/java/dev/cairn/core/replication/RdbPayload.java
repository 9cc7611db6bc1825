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
 * bytes up to the same 40-character mark (a diskless master). Disk-based, it is stored in a temporary file that then
 * replaces the RDB file (as Redis does); with {@code repl-diskless-load} the bytes go to a parser as they arrive
 * ({@link DisklessLoad}).
 */
final class RdbPayload {
  private final Path file;

  private RdbPayload(Path file) {
    this.file = file;
  }

  /** The payload's header: its length, or the EOF mark that ends it. */
  record Header(long length, byte[] mark) { }

  /** Where {@link #copy} puts the bytes it reads (the buffer is reused after the call). */
  interface Sink {
    void write(byte[] buf, int n) throws IOException, InterruptedException;
  }

  /** Reads the payload's header (on the link thread); {@code temp} is where it goes to disk, null for a parser. */
  static Header readHeader(MasterLink link, InputStream in, Path temp) throws IOException {
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
    String to = temp == null ? "parser" : "disk";
    link.transferRead = 0;
    if (header.startsWith("$EOF:")) {
      Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to " + to);
      return new Header(-1, header.substring(5).getBytes(StandardCharsets.US_ASCII));
    }
    long len = Long.parseLong(header.substring(1));
    link.transferSize = len;
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: receiving " + len + " bytes from master to " + to);
    return new Header(len, null);
  }

  /**
   * Copies the payload's bytes into {@code sink} (the EOF mark included, when there is one: an RDB reader stops at
   * the RDB's end before it); returns the payload's size without the mark.
   */
  static long copy(MasterLink link, InputStream in, Header h, Sink sink) throws IOException, InterruptedException {
    byte[] mark = h.mark();
    long len = h.length();
    byte[] buf = new byte[1 << 16];
    byte[] tail = new byte[mark == null ? 0 : mark.length];
    long total = 0;
    while (true) {
      int want = len >= 0 ? (int) Math.min(buf.length, len - total) : buf.length;
      if (want == 0) {
        return total;
      }
      int n = in.read(buf, 0, want);
      if (n < 0) {
        throw new IOException("I/O error trying to sync with MASTER: connection lost");
      }
      sink.write(buf, n);
      total += n;
      link.transferRead = total;
      link.lastIoMillis = System.currentTimeMillis();
      link.transferLastIoMillis = link.lastIoMillis;
      if (mark != null) {
        updateTail(tail, buf, n);
        if (total >= mark.length && Arrays.equals(tail, mark)) {
          return total - mark.length;
        }
      }
    }
  }

  /** Receives the payload into the temporary file {@code temp} (on the link thread). */
  static RdbPayload receive(MasterLink link, InputStream in, Path temp) throws IOException {
    Header h = readHeader(link, in, temp);
    long size;
    try (OutputStream out = Files.newOutputStream(temp)) {
      size = copy(link, in, h, (b, n) -> out.write(b, 0, n));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
    if (h.mark() != null) {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.truncate(size);
      }
    }
    Log.log(Log.Level.NOTICE, "MASTER <-> REPLICA sync: Done receiving to disk");
    return new RdbPayload(temp);
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

  /**
   * Loads the payload into the (flushed) dataset on the engine thread; keys whose time has passed are kept, as a
   * replica expires nothing itself (the master's DELs follow). Returns whether it loaded.
   */
  boolean load(Engine engine) {
    RdbLoader loader = engine.persistence().loader();
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
    RdbLoader.Result r;
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(target), 1 << 16)) {
      r = loader.load(new RdbInput(in, Files.size(target)), target.getFileName().toString(), true);
    } catch (IOException e) {
      Log.log(Log.Level.WARNING, "Failed trying to load the MASTER synchronization DB from disk: " + e.getMessage());
      return false;
    }
    return r.status() == RdbLoader.Status.OK;
  }
}
