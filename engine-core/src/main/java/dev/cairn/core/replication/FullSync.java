package dev.cairn.core.replication;

import dev.cairn.core.Engine;
import dev.cairn.core.log.Log;
import dev.cairn.core.persistence.Persistence;
import dev.cairn.core.persistence.RdbSnapshotSink;
import dev.cairn.core.persistence.Snapshot;
import dev.cairn.core.persistence.SnapshotInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One full sync: a fork-less snapshot ({@link Snapshot}, Persistence's one background job, of type RDB as Redis's
 * child) delivered to the replicas that were waiting when it started. Disk-based, the RDB file is written first and
 * then sent as {@code $<len>\r\n<bytes>}; diskless ({@code repl-diskless-sync}, replicas with {@code capa eof}), the
 * snapshot streams straight to the sockets between {@code $EOF:<40 chars>\r\n} and the same 40 characters. Writes go
 * on meanwhile: the stream produced from the snapshot's point on is held per replica and follows the RDB.
 *
 * <p>The RDB bytes are produced on a background thread and handed to the engine thread in 64 KB chunks; the producer
 * waits while a replica's socket has more than a few MB queued, so a slow replica slows its sync, not the master's
 * memory.
 */
final class FullSync {
  private static final int CHUNK = 64 * 1024;
  private static final long MAX_QUEUED = 4L << 20;

  private final Replication repl;
  private final Engine engine;
  private final boolean diskless;
  final List<ReplicaLink> links = new ArrayList<>();
  private final long offset;
  private final String eofMark = Engine.randomHex(40);
  private Snapshot snapshot;
  /** The largest backlog of queued output among the replicas, sampled on the engine thread. */
  private volatile long queued;
  private volatile boolean cancelled;
  /** The RDB is being sent (disk-based: the file is complete); no replica may attach any more. */
  private boolean sending;

  private FullSync(Replication repl, boolean diskless) {
    this.repl = repl;
    this.engine = repl.engine;
    this.diskless = diskless;
    this.offset = repl.offset();
  }

  boolean diskless() {
    return diskless;
  }

  /** The snapshot's offset: replicas of this sync continue the stream after it. */
  long offset() {
    return offset;
  }

  /** Starts a sync for the replicas waiting for one, when the rules allow (the cron, and each new SYNC). */
  static void maybeStart(Replication repl, long now) {
    List<ReplicaLink> waiting = new ArrayList<>();
    for (ReplicaLink r : repl.replicas) {
      if (r.state == ReplicaLink.State.WAIT_BGSAVE_START) {
        waiting.add(r);
      }
    }
    if (waiting.isEmpty()) {
      return;
    }
    FullSync running = repl.sync;
    if (running != null) {
      if (!running.diskless && !running.sending) {
        for (ReplicaLink r : waiting) {
          if (!r.capaEof || !repl.params().disklessSync.value) {
            running.attach(r); // a disk-based sync in progress serves a new replica too, as Redis attaches it
          }
        }
      }
      return;
    }
    Engine e = repl.engine;
    if (e.persistence().activeJob() != Persistence.JobType.NONE || e.aof().rewriteInProgress()) {
      return; // one background job at a time: the sync starts when the running one ends
    }
    boolean diskless = repl.params().disklessSync.value;
    long oldest = now;
    for (ReplicaLink r : waiting) {
      diskless &= r.capaEof;
      oldest = Math.min(oldest, r.waitSinceMillis);
    }
    if (diskless) {
      long delay = repl.params().disklessSyncDelay.value * 1000;
      long max = repl.params().disklessSyncMaxReplicas.value;
      if (now - oldest < delay && (max == 0 || waiting.size() < max)) {
        return; // wait a little for more replicas to share the snapshot
      }
    }
    FullSync s = new FullSync(repl, diskless);
    repl.sync = s;
    s.start(waiting);
  }

  private void start(List<ReplicaLink> waiting) {
    Log.log(Log.Level.NOTICE, "Starting BGSAVE for SYNC with target: " + (diskless ? "replicas sockets" : "disk"));
    repl.forceSelect();
    for (ReplicaLink r : waiting) {
      attach(r);
    }
    Persistence p = engine.persistence();
    SnapshotInfo info = p.snapshotInfo();
    engine.stats().totalForks++;
    // Redis's lines for its child, which tests wait for; the snapshot is a thread of this process
    if (diskless) {
      Log.log(Log.Level.NOTICE, "Background RDB transfer started by pid " + Log.pid());
    } else {
      dev.cairn.core.log.LogMessage.BGSAVE_STARTED.log(Log.pid());
    }
    RdbSnapshotSink sink;
    if (diskless) {
      Pump pump = new Pump();
      pump.writeAscii("$EOF:" + eofMark + "\r\n");
      // the header goes at once: the replicas start their load on it (LOADING, the swapdb set-aside), as Redis's do
      // when the child's first write reaches them, rather than when a first chunk of the RDB has filled
      pump.flushChunk();
      sink = new RdbSnapshotSink(engine.rdbCodecs(), pump, p.rdbOptions(info, false));
      snapshot = p.startSnapshot(Persistence.JobType.RDB, sink, info, (outcome, failure) -> {
        if (outcome == Snapshot.Outcome.DONE) {
          pump.writeAscii(eofMark);
          pump.drainHere(); // on the engine thread: the last bytes go now, after the chunks queued before them
          finished();
        } else {
          failed(failure);
        }
      });
    } else {
      Path file = p.rdbFile();
      Path temp = engine.params().dir.resolve("temp-sync-" + Log.pid() + ".rdb");
      sink = new RdbSnapshotSink(engine.rdbCodecs(), file, temp, p.rdbOptions(info, false));
      snapshot = p.startSnapshot(Persistence.JobType.RDB, sink, info, (outcome, failure) -> {
        if (outcome == Snapshot.Outcome.DONE) {
          Log.log(Log.Level.NOTICE, "Background RDB transfer started");
          sending = true;
          sendFile(file);
        } else if (cancelled) {
          dev.cairn.core.log.LogMessage.BGSAVE_STOPPED.log(); // no replica waits for it any more (replicaGone)
          repl.sync = null;
        } else {
          failed(failure);
        }
      });
    }
    if (diskless) {
      sending = true;
    }
  }

  /** Adds a replica to this sync: +FULLRESYNC with the snapshot's offset, and the stream held from there. */
  private void attach(ReplicaLink r) {
    links.add(r);
    r.state = ReplicaLink.State.WAIT_BGSAVE_END;
    r.waitingForRdb = true;
    r.syncOffset = offset;
    r.sendFrom = offset + 1; // the stream from the snapshot on waits in the shared buffer
    if (!r.oldSync) {
      r.session.writer.raw(("+FULLRESYNC " + engine.replId + " " + offset + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      engine.flushLater(r.session);
    }
  }

  /**
   * A replica of this sync went away. A diskless sync with nobody left stops; so does a disk-based one whose file is
   * still being written when no other replica waits for it and no save point wants the file (as Redis kills its RDB
   * child then: the next sync or BGSAVE can start at once).
   */
  void replicaGone(ReplicaLink r) {
    links.remove(r);
    if (snapshot == null || cancelled) {
      return;
    }
    if (links.isEmpty() && diskless) {
      // Redis's wording: its RDB comes from a fork child through a pipe
      Log.log(Log.Level.WARNING, "Diskless rdb transfer, last replica dropped, killing fork child.");
      cancelled = true;
      snapshot.abort();
    } else if (!diskless && !sending && engine.params().persistence.save.rules.length == 0
        && links.stream().noneMatch(l -> !l.session.closing && l.state == ReplicaLink.State.WAIT_BGSAVE_END)) {
      cancelled = true;
      snapshot.abort();
    }
  }

  private void failed(Throwable failure) {
    cancelled = true;
    Log.log(Log.Level.WARNING, "Background transfer error" + (failure == null ? "" : ": " + failure.getMessage()));
    for (ReplicaLink r : new ArrayList<>(links)) {
      r.session.connection.closeNow();
    }
    repl.sync = null;
  }

  /**
   * The cron: a replica of a diskless sync whose socket took none of its queued bytes for {@code repl-timeout} is
   * dropped (the sync goes on for the others), as Redis drops one its pipe writer could not write to.
   */
  void cron(long now, long timeoutMillis) {
    if (!diskless || !sending) {
      return;
    }
    for (ReplicaLink r : new ArrayList<>(links)) {
      if (r.session.closing) {
        continue;
      }
      long pending = r.session.connection.pendingOutputBytes();
      if (pending == 0 || pending < r.syncPending || r.syncProgressMillis == 0) {
        r.syncProgressMillis = now;
      }
      r.syncPending = pending;
      if (now - r.syncProgressMillis > timeoutMillis) {
        Log.log(Log.Level.WARNING, "Disconnecting timedout replica (full sync): " + r.ip() + ":" + r.listeningPort);
        r.session.connection.closeNow();
      }
    }
  }

  /** Every byte of the RDB is queued for the replicas: they go online, the held stream follows. */
  private void finished() {
    if (diskless) {
      long up = links.stream().filter(r -> !r.session.closing).count();
      Log.log(Log.Level.NOTICE, "Diskless rdb transfer, done reading from pipe, " + up + " replicas still up.");
    }
    for (ReplicaLink r : links) {
      if (r.session.closing) {
        continue;
      }
      r.state = ReplicaLink.State.ONLINE;
      r.ackMillis = System.currentTimeMillis();
      if (diskless) {
        // the stream waits for the replica's first ACK (it has loaded by then): a replica reading the EOF-marked
        // payload must not find stream bytes right behind it
        r.session.connection.flush();
        Log.log(Log.Level.NOTICE, "Streamed RDB transfer with replica " + r.ip() + ":" + r.listeningPort
            + " succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming");
        continue;
      }
      r.waitingForRdb = false;
      repl.startStream(r);
      r.session.connection.flush();
      Log.log(Log.Level.NOTICE, "Synchronization with replica " + r.ip() + ":" + r.listeningPort + " succeeded");
    }
    if (repl.sync == this) {
      repl.sync = null;
    }
    if (!diskless) {
      engine.persistence().removeSyncFileIfUnpersisted(
          "Removing the RDB file used to feed replicas in a persistence-less instance");
    }
    FullSync.maybeStart(repl, System.currentTimeMillis());
  }

  /** Disk-based: the finished file goes to each replica as a bulk, read on a thread of its own. */
  private void sendFile(Path file) {
    for (ReplicaLink r : links) {
      r.state = ReplicaLink.State.SEND_BULK;
    }
    InputStream in;
    long size;
    try {
      in = Files.newInputStream(file);
      size = Files.size(file);
    } catch (IOException e) {
      failed(e);
      return;
    }
    Thread t = new Thread(() -> {
      Pump pump = new Pump();
      try (in) {
        pump.writeAscii("$" + size + "\r\n");
        byte[] buf = new byte[CHUNK];
        int n;
        while (!cancelled && (n = in.read(buf)) > 0) {
          pump.write(buf, 0, n);
        }
        pump.flushChunk();
        engine.loop().execute(this::finished);
      } catch (IOException e) {
        engine.loop().execute(() -> failed(e));
      }
    }, "cairn-repl-send");
    t.setDaemon(true);
    t.start();
  }

  /** On the engine thread: a chunk of RDB to every replica of the sync. */
  private void deliver(byte[] chunk, int len) {
    long max = 0;
    for (ReplicaLink r : links) {
      if (!r.session.closing) {
        r.session.writer.buffer().writeBytes(chunk, 0, len);
        r.session.connection.flush();
        max = Math.max(max, r.session.connection.pendingOutputBytes());
      }
    }
    queued = max;
  }

  private void sample() {
    long max = 0;
    for (ReplicaLink r : links) {
      if (!r.session.closing) {
        max = Math.max(max, r.session.connection.pendingOutputBytes());
      }
    }
    queued = max;
  }

  /** The RDB's bytes as the snapshot (or the file reader) produces them, to the engine thread in chunks. */
  private final class Pump extends OutputStream {
    private byte[] buf = new byte[CHUNK];
    private int n;

    void writeAscii(String s) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      write(b, 0, b.length);
    }

    @Override
    public void write(int b) {
      if (n == buf.length) {
        flushChunk();
      }
      buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      while (len > 0) {
        if (n == buf.length) {
          flushChunk();
        }
        int k = Math.min(len, buf.length - n);
        System.arraycopy(b, off, buf, n, k);
        n += k;
        off += k;
        len -= k;
      }
    }

    void flushChunk() {
      if (n == 0) {
        return;
      }
      while (queued > MAX_QUEUED && !cancelled) {
        engine.loop().execute(FullSync.this::sample);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] chunk = buf;
      int len = n;
      buf = new byte[CHUNK];
      n = 0;
      queued += len;
      engine.loop().execute(() -> deliver(chunk, len));
    }

    /** On the engine thread: what is left goes at once (no waiting for room: the engine thread is the one that makes it). */
    void drainHere() {
      if (n > 0) {
        deliver(buf, n);
        n = 0;
      }
    }

    @Override
    public void flush() {
      // chunks leave when full and at the end; a flush of the RDB writer's buffer is not a reason to send a small one
    }
  }
}
