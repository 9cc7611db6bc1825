package dev.cairn.core.connection;

import java.util.Collection;

/**
 * Sizes of the clients' reply buffers, as Redis 7 keeps them: each client writes its replies into a buffer of its own
 * (what does not fit goes to the socket in further buffers, freed once written); a new client's is 16 KB, and the cron
 * resizes it from the largest fill seen (the peak): it halves towards the peak (never below 1 KB) when the peak stayed
 * under half the size, and doubles (up to 16 KB) when the peak reached the size. The peak restarts from what the buffer
 * holds now every {@link #peakResetMillis} (5 s; DEBUG REPLYBUFFER PEAK-RESET-TIME), so an idle client's buffer shrinks
 * to 1 KB and a busy one's grows back. CLIENT LIST shows size and peak as rbs= and rbp=; INFO counts the resizes.
 */
public final class ReplyBuffers {
  /** A new client's size, and the most the cron grows a buffer to (Redis's PROTO_REPLY_CHUNK_BYTES). */
  public static final int INITIAL_SIZE = 16 * 1024;
  /** The least the cron shrinks a buffer to (PROTO_REPLY_MIN_BYTES). */
  public static final int MIN_SIZE = 1024;
  public static final long DEFAULT_PEAK_RESET_MILLIS = 5000;
  /** Redis's clientsCron looks at no fewer clients than this a tick (all, when there are fewer). */
  private static final int MIN_CLIENTS_PER_TICK = 5;

  /** How often a client's peak restarts; negative: never. */
  public long peakResetMillis = DEFAULT_PEAK_RESET_MILLIS;
  /** DEBUG REPLYBUFFER RESIZING: when off, the cron leaves sizes and peaks alone. */
  public boolean resizing = true;
  /** INFO reply_buffer_shrinks / reply_buffer_expands. */
  public long shrinks;
  public long expands;
  /** The last client the cron looked at: each tick goes on after it, so that every client gets its turn. */
  private long lastClientId;

  /**
   * The size a buffer of {@code size} bytes whose fill peaked at {@code peak} moves to, or 0 to keep it: shrink when
   * the peak is under half the size (to one byte more than the peak, at least {@link #MIN_SIZE}), grow when the peak
   * reached the size (twice the size, at most {@link #INITIAL_SIZE}).
   */
  public static int target(int size, long peak) {
    int half = size / 2;
    if (half >= MIN_SIZE && peak < half) {
      return (int) Math.max(MIN_SIZE, peak + 1);
    }
    long twice = 2L * size;
    if (twice < 2L * INITIAL_SIZE && peak == size) {
      return (int) Math.min(INITIAL_SIZE, twice);
    }
    return 0;
  }

  /**
   * One cron tick: as Redis's clientsCron, {@code clients/hz} clients (at least {@link #MIN_CLIENTS_PER_TICK}, or all
   * when there are fewer), taking turns in connection order, so that each is seen about once a second.
   */
  public void cron(Collection<Session> clients, int hz, long nowMillis) {
    int n = clients.size();
    if (!resizing || n == 0) {
      return;
    }
    int quota = Math.max(n / Math.max(1, hz), Math.min(n, MIN_CLIENTS_PER_TICK));
    // clients are in connection (id) order: first those after the last one seen, then from the start again
    long start = lastClientId;
    for (int pass = 0; pass < 2 && quota > 0; pass++) {
      long after = pass == 0 ? start : Long.MIN_VALUE;
      long upTo = pass == 0 ? Long.MAX_VALUE : start;
      for (Session s : clients) {
        if (quota == 0) {
          break;
        }
        if (s.id > after && s.id <= upTo) {
          resize(s, nowMillis);
          lastClientId = s.id;
          quota--;
        }
      }
    }
  }

  /**
   * The client's peak (rbp=): the most its buffer held, counting what it holds now (replies of a batch not yet
   * flushed; the connection notes the fill in {@link Session#replyBufferPeak} when it flushes) up to its size.
   */
  public static long peak(Session s) {
    Connection c = s.connection;
    return Math.max(s.replyBufferPeak, Math.min(c.replyBufferBytes(), c.replyBufferSize()));
  }

  /** One client's turn: the size its peak calls for, then the peak restarts if its time has come. */
  void resize(Session s, long nowMillis) {
    Connection c = s.connection;
    int size = (int) c.replyBufferSize();
    int next = target(size, peak(s));
    if (next > size) {
      expands++;
    } else if (next != 0) {
      shrinks++;
    }
    if (peakResetMillis >= 0 && nowMillis - s.replyBufferPeakResetMillis >= peakResetMillis) {
      s.replyBufferPeak = Math.min(c.replyBufferBytes(), size);
      s.replyBufferPeakResetMillis = nowMillis;
    }
    if (next != 0) {
      c.resizeReplyBuffer(next);
    }
  }
}
