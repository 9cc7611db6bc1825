package dev.cairn.core.aof;

import dev.cairn.core.util.SplitArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Redis 7's multi-part AOF manifest: which files make up the AOF, one line each,
 * {@code file <name> seq <n> type <b|h|i>}. One base file (a full dataset, RDB or AOF format), the incr files written
 * after it in sequence order, and history files (replaced by a rewrite, deleted in the background). Parsing follows
 * redis-server's rules and error messages, so that a manifest either loads in both or fails in both with the same
 * words; extra key/value pairs on a line are ignored for forward compatibility.
 */
public final class AofManifest {
  /** Longest line Redis reads from a manifest. */
  static final int MAX_LINE = 1024;

  /** The kinds of file a manifest lists, by their one-letter code. */
  public enum Type {
    BASE('b'), HISTORY('h'), INCR('i');

    final char code;

    Type(char code) {
      this.code = code;
    }
  }

  /** One file of the AOF. */
  public record FileInfo(String name, long seq, Type type) {
    FileInfo as(Type t) {
      return new FileInfo(name, seq, t);
    }
  }

  /** A manifest that cannot be used; {@code line} is the offending line (null if none), {@code lineNumber} 1-based. */
  public static final class ManifestException extends Exception {
    public final int lineNumber;
    public final String line;

    ManifestException(String message, int lineNumber, String line) {
      super(message);
      this.lineNumber = lineNumber;
      this.line = line;
    }
  }

  FileInfo base;
  final List<FileInfo> incrs = new ArrayList<>();
  final List<FileInfo> history = new ArrayList<>();
  long baseSeq;
  long incrSeq;

  public FileInfo base() {
    return base;
  }

  public List<FileInfo> incrs() {
    return incrs;
  }

  public List<FileInfo> history() {
    return history;
  }

  boolean isEmpty() {
    return base == null && incrs.isEmpty();
  }

  AofManifest copy() {
    AofManifest m = new AofManifest();
    m.base = base;
    m.incrs.addAll(incrs);
    m.history.addAll(history);
    m.baseSeq = baseSeq;
    m.incrSeq = incrSeq;
    return m;
  }

  /** Parses a manifest file's bytes. */
  static AofManifest parse(byte[] content) throws ManifestException {
    AofManifest m = new AofManifest();
    long maxSeq = 0;
    int lineNumber = 0;
    int p = 0;
    if (content.length == 0) {
      throw new ManifestException("Found an empty AOF manifest", 0, null);
    }
    while (p < content.length) {
      int nl = indexOf(content, p, (byte) '\n');
      int end = nl < 0 ? content.length : nl;
      lineNumber++;
      if (content[p] == '#') {
        if (nl < 0 && end - p > MAX_LINE) {
          throw new ManifestException("The AOF manifest file contains too long line", lineNumber, null);
        }
        p = nl < 0 ? content.length : nl + 1;
        continue;
      }
      if (nl < 0 || end - p + 1 > MAX_LINE) {
        // as Redis, a line must end with a newline within the buffer
        throw new ManifestException("The AOF manifest file contains too long line", lineNumber, null);
      }
      String raw = new String(content, p, end - p, StandardCharsets.ISO_8859_1).strip();
      p = nl + 1;
      if (raw.isEmpty()) {
        throw new ManifestException("Invalid AOF manifest file format", lineNumber, raw);
      }
      byte[] lb = raw.getBytes(StandardCharsets.ISO_8859_1);
      List<byte[]> argv = SplitArgs.split(lb, 0, lb.length);
      if (argv == null || argv.size() < 6 || argv.size() % 2 != 0) {
        throw new ManifestException("Invalid AOF manifest file format", lineNumber, raw);
      }
      String name = null;
      long seq = 0;
      char type = 0;
      for (int i = 0; i < argv.size(); i += 2) {
        String k = new String(argv.get(i), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        byte[] v = argv.get(i + 1);
        switch (k) {
          case "file" -> {
            name = new String(v, StandardCharsets.ISO_8859_1);
            if (name.indexOf('/') >= 0) {
              throw new ManifestException("File can't be a path, just a filename", lineNumber, raw);
            }
          }
          case "seq" -> seq = atoll(v);
          case "type" -> type = v.length == 0 ? 0 : (char) v[0];
          default -> { } // later versions may add keys
        }
      }
      if (name == null || seq == 0 || type == 0) {
        throw new ManifestException("Invalid AOF manifest file format", lineNumber, raw);
      }
      switch (type) {
        case 'b' -> {
          if (m.base != null) {
            throw new ManifestException("Found duplicate base file information", lineNumber, raw);
          }
          m.base = new FileInfo(name, seq, Type.BASE);
          m.baseSeq = seq;
        }
        case 'h' -> m.history.add(new FileInfo(name, seq, Type.HISTORY));
        case 'i' -> {
          if (seq <= maxSeq) {
            throw new ManifestException("Found a non-monotonic sequence number", lineNumber, raw);
          }
          m.incrs.add(new FileInfo(name, seq, Type.INCR));
          m.incrSeq = seq;
          maxSeq = seq;
        }
        default -> throw new ManifestException("Unknown AOF file type", lineNumber, raw);
      }
    }
    return m;
  }

  /** The manifest's text: base, then history, then incr files, as Redis writes it. */
  byte[] format() {
    StringBuilder sb = new StringBuilder();
    if (base != null) {
      line(sb, base);
    }
    for (FileInfo f : history) {
      line(sb, f);
    }
    for (FileInfo f : incrs) {
      line(sb, f);
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void line(StringBuilder sb, FileInfo f) {
    sb.append("file ").append(quoteIfNeeded(f.name)).append(" seq ").append(f.seq).append(" type ")
        .append(f.type.code).append('\n');
  }

  /** A name with spaces, quotes or unprintable bytes goes in double quotes with escapes, as Redis writes it. */
  static String quoteIfNeeded(String name) {
    boolean needs = name.isEmpty();
    for (int i = 0; i < name.length() && !needs; i++) {
      char c = name.charAt(i);
      needs = c == '\\' || c == '"' || c <= ' ' || c >= 127;
    }
    if (!needs) {
      return name;
    }
    return dev.cairn.core.config.ConfigText.quote(name);
  }

  // ---- changes (the caller persists the manifest afterwards)

  /** A new base file name, seq one past the current base. */
  FileInfo newBase(String prefix, boolean rdb) {
    baseSeq++;
    FileInfo f = new FileInfo(prefix + "." + baseSeq + ".base" + (rdb ? ".rdb" : ".aof"), baseSeq, Type.BASE);
    if (base != null) {
      history.add(0, base.as(Type.HISTORY));
    }
    base = f;
    return f;
  }

  /** A new incr file, seq one past the last one, appended to the incr list. */
  FileInfo newIncr(String prefix) {
    incrSeq++;
    FileInfo f = new FileInfo(prefix + "." + incrSeq + ".incr.aof", incrSeq, Type.INCR);
    incrs.add(f);
    return f;
  }

  /**
   * After a rewrite: every incr file but the one being written now ({@code keepLast}) has its content in the new base
   * and becomes history; with none kept (AOF off), all do.
   */
  void markIncrsAsHistory(boolean keepLast) {
    int n = keepLast ? incrs.size() - 1 : incrs.size();
    for (int i = 0; i < n; i++) {
      history.add(0, incrs.remove(0).as(Type.HISTORY));
    }
  }

  private static int indexOf(byte[] b, int from, byte v) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** C's atoll: leading digits after an optional sign, 0 when none. */
  private static long atoll(byte[] v) {
    long n = 0;
    int i = 0;
    boolean neg = false;
    if (i < v.length && (v[i] == '-' || v[i] == '+')) {
      neg = v[i] == '-';
      i++;
    }
    for (; i < v.length && v[i] >= '0' && v[i] <= '9'; i++) {
      n = n * 10 + (v[i] - '0');
    }
    return neg ? -n : n;
  }
}
