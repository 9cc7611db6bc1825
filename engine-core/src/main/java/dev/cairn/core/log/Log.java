package dev.cairn.core.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The server log, in redis-server's format and the one place that owns it:
 * {@code pid:role dd Mon yyyy HH:MM:SS.mmm <level> message}, where the level is {@code .} debug, {@code -} verbose,
 * {@code *} notice, {@code #} warning, and the role {@code C} before the server is initialized (Redis's "child or
 * not yet the server"), then {@code M} (master) or {@code S} (replica). Lines go to {@code logfile} (empty: standard
 * output) and, with {@code syslog-enabled}, to syslog where a {@link SyslogSink} is available.
 *
 * <p>One log per process, as redis-server has: it is configured from the server's config ({@link #configure}) and
 * everything that logs in the process, modules and libraries included ({@link LogBridges}), writes through it.
 * Callers normally log catalogued messages ({@link LogMessage}) so Redis's wording stays in one place.
 */
public final class Log {
  /** Redis's verbosity levels, lowest first; a line is written when its level is at least the configured one. */
  public enum Level {
    DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#'), NOTHING(' ');

    final char mark;

    Level(char mark) {
      this.mark = mark;
    }

    /** The level named as in {@code loglevel} ("debug", "verbose", "notice", "warning", "nothing"). */
    public static Level of(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /** Longest message written, as Redis's LOG_MAX_LEN: longer ones are cut. */
  static final int MAX_LEN = 1024;

  /** A syslog writer (the server module provides one where the JVM can reach the system's syslog socket). */
  public interface SyslogSink {
    void send(Level level, String message);
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);
  private static final long PID = ProcessHandle.current().pid();

  private static volatile Level level = Level.NOTICE;
  private static volatile PrintStream out = System.out;
  private static volatile String file = "";
  private static volatile SyslogSink syslog;
  private static volatile IntSupplier role = () -> 'C';

  private Log() {}

  /** The process id written at the start of each line. */
  public static long pid() {
    return PID;
  }

  /**
   * Applies the logging parameters. {@code logfile} empty means standard output; a file is opened for appending and
   * kept open. Throws when the file cannot be opened (the server refuses to start, as Redis does).
   */
  public static synchronized void configure(String loglevel, String logfile) throws IOException {
    level = Level.of(loglevel);
    if (!logfile.equals(file)) {
      PrintStream next = logfile.isEmpty() ? System.out
          : new PrintStream(new FileOutputStream(logfile, true), true, StandardCharsets.UTF_8);
      PrintStream prev = out;
      out = next;
      file = logfile;
      if (prev != System.out) {
        prev.close();
      }
    }
  }

  /** CONFIG SET loglevel. */
  public static void setLevel(String loglevel) {
    level = Level.of(loglevel);
  }

  /** Sends lines to syslog too (null: stop). */
  public static void setSyslog(SyslogSink sink) {
    syslog = sink;
  }

  /** Supplies the role character ('M' or 'S') once the server is initialized. */
  public static void setRole(IntSupplier roleChar) {
    role = roleChar;
  }

  /** Back to the state of a fresh process (tests). */
  public static synchronized void reset() {
    level = Level.NOTICE;
    syslog = null;
    role = () -> 'C';
    if (out != System.out) {
      out.close();
    }
    out = System.out;
    file = "";
  }

  /** Whether a line at {@code l} would be written (to skip building messages nobody reads). */
  public static boolean enabled(Level l) {
    return l != Level.NOTHING && l.compareTo(level) >= 0;
  }

  /** Writes one line at {@code l}. */
  public static void log(Level l, String message) {
    if (!enabled(l)) {
      return;
    }
    if (message.length() > MAX_LEN - 1) {
      message = message.substring(0, MAX_LEN - 1);
    }
    write(PID + ":" + (char) role.getAsInt() + " " + TIME.format(Instant.now().atZone(ZoneId.systemDefault())) + " "
        + l.mark + " " + message + "\n");
    SyslogSink s = syslog;
    if (s != null) {
      s.send(l, message);
    }
  }

  /** Writes text as it is, without the line prefix (the start-up logo). */
  public static void raw(Level l, String text) {
    if (enabled(l)) {
      write(text);
    }
  }

  /**
   * A line written from a signal handler, which Redis marks {@code pid:signal-handler (unix-seconds) message}
   * because it cannot safely format the time there.
   */
  public static void fromSignalHandler(String message) {
    if (enabled(Level.WARNING)) {
      write(PID + ":signal-handler (" + Instant.now().getEpochSecond() + ") " + message + "\n");
    }
  }

  private static synchronized void write(String text) {
    PrintStream p = out;
    p.print(text);
    p.flush();
  }

  /** The stream the log writes to (standard output, or the log file). */
  static OutputStream stream() {
    return out;
  }
}
