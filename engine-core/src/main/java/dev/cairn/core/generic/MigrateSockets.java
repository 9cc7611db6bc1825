package dev.cairn.core.generic;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MIGRATE's connections to target instances, kept for later calls as Redis keeps them: at most 64, each closed after
 * 10 seconds unused (by the cron), and the one unused longest closed when a new one is needed. INFO's
 * migrate_cached_sockets counts them. Engine thread only.
 */
public final class MigrateSockets {
  static final int MAX = 64;
  static final long IDLE_MILLIS = 10_000;

  /** A connection to one host:port, and the database it last selected there (-1: unknown). */
  static final class Target {
    final String name;
    final Socket socket;
    final OutputStream out;
    final InputStream in;
    long db = 0;
    long lastUse;

    Target(String name, Socket socket) throws IOException {
      this.name = name;
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = new BufferedInputStream(socket.getInputStream());
    }

    void write(byte[] b) throws IOException {
      out.write(b);
      out.flush();
    }

    /** One reply line (status, error or integer): MIGRATE's commands get nothing else. */
    String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int prev = -1;
      for (int ch; ; prev = ch) {
        ch = in.read();
        if (ch < 0) {
          throw new EOFException();
        }
        if (prev == '\r' && ch == '\n') {
          byte[] b = line.toByteArray();
          return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
        }
        line.write(ch);
      }
    }
  }

  private final Map<String, Target> cache = new LinkedHashMap<>();

  /** A connection to host:port with {@code timeoutMs} for connecting and for each read and write. */
  Target get(String host, int port, int timeoutMs) throws IOException {
    String name = host + ":" + port;
    Target t = cache.get(name);
    if (t == null) {
      if (cache.size() >= MAX) {
        close(cache.values().iterator().next()); // insertion order: the oldest
      }
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), timeoutMs);
      } catch (IOException e) {
        s.close();
        throw e;
      }
      t = new Target(name, s);
      cache.put(name, t);
    }
    t.socket.setSoTimeout(timeoutMs);
    t.lastUse = System.currentTimeMillis();
    return t;
  }

  void close(Target t) {
    cache.remove(t.name);
    try {
      t.socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** From the cron: closes connections unused for 10 seconds. */
  public void closeIdle(long nowMillis) {
    if (cache.isEmpty()) {
      return; // the usual case: no iterator made hz times a second
    }
    for (Iterator<Target> it = cache.values().iterator(); it.hasNext(); ) {
      Target t = it.next();
      if (nowMillis - t.lastUse > IDLE_MILLIS) {
        it.remove();
        try {
          t.socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  public int size() {
    return cache.size();
  }
}
