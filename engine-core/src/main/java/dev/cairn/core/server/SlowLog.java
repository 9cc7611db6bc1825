package dev.cairn.core.server;

import java.util.ArrayDeque;
import java.util.Deque;

/** The slow log: commands that took longer than {@code slowlog-log-slower-than} microseconds, newest first. */
public final class SlowLog {
  /** One logged command, arguments already shortened as Redis does. */
  public record Item(long id, long timestampSeconds, long micros, byte[][] args, String peer, String clientName) { }

  private static final int MAX_ARGS = 32;
  private static final int MAX_ARG_LEN = 128;
  private final Deque<Item> items = new ArrayDeque<>();
  private long nextId;

  /** Adds an entry, trimming the log to {@code maxLen}. Arguments are copied and shortened (32 args, 128 bytes). */
  public void add(byte[][] argv, int argc, long micros, String peer, String clientName, int maxLen) {
    int n = Math.min(argc, MAX_ARGS);
    byte[][] kept = new byte[n][];
    for (int i = 0; i < n; i++) {
      if (i == MAX_ARGS - 1 && argc > MAX_ARGS) {
        kept[i] = ("... (" + (argc - MAX_ARGS + 1) + " more arguments)").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        break;
      }
      byte[] a = argv[i];
      if (a.length > MAX_ARG_LEN) {
        String suffix = "... (" + (a.length - MAX_ARG_LEN) + " more bytes)";
        byte[] s = suffix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] t = new byte[MAX_ARG_LEN + s.length];
        System.arraycopy(a, 0, t, 0, MAX_ARG_LEN);
        System.arraycopy(s, 0, t, MAX_ARG_LEN, s.length);
        kept[i] = t;
      } else {
        kept[i] = a.clone();
      }
    }
    items.addFirst(new Item(nextId++, System.currentTimeMillis() / 1000, micros, kept, peer,
        clientName == null ? "" : clientName));
    trim(maxLen);
  }

  public void trim(int maxLen) {
    while (items.size() > Math.max(0, maxLen)) {
      items.removeLast();
    }
  }

  public Deque<Item> items() {
    return items;
  }

  public void reset() {
    items.clear();
  }
}
