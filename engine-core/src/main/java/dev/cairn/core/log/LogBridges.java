package dev.cairn.core.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Routes other logging APIs into {@link Log}, so that every line of the process has redis-server's format:
 * {@link #logger} gives code that logs through {@link System.Logger} (modules, helpers) a logger writing to the
 * server log, and {@link #captureJavaLogging} sends java.util.logging (what Netty and the JDK's default System.Logger
 * write to) there as well. The capture is process-wide, so only the standalone server installs it; an application
 * that embeds Cairn keeps its own logging.
 */
public final class LogBridges {
  private LogBridges() {}

  /** A {@link System.Logger} writing to the server log, each message after {@code prefix} (may be empty). */
  public static System.Logger logger(String name, String prefix) {
    return new ServerLogger(name, prefix);
  }

  /** Replaces java.util.logging's root handlers with one that writes to the server log. */
  public static void captureJavaLogging() {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        Log.Level l = level(r.getLevel().intValue());
        if (!Log.enabled(l)) {
          return;
        }
        String msg = r.getMessage();
        if (msg != null && r.getParameters() != null && r.getParameters().length > 0) {
          try {
            msg = MessageFormat.format(msg, r.getParameters());
          } catch (IllegalArgumentException e) {
            // keep the pattern as it is
          }
        }
        Log.log(l, withThrown(r.getLoggerName() + ": " + msg, r.getThrown()));
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    });
  }

  /** java.util.logging levels: SEVERE/WARNING are warnings, INFO a notice, CONFIG/FINE verbose, below that debug. */
  static Log.Level level(int julLevel) {
    if (julLevel >= java.util.logging.Level.WARNING.intValue()) {
      return Log.Level.WARNING;
    }
    if (julLevel >= java.util.logging.Level.INFO.intValue()) {
      return Log.Level.NOTICE;
    }
    if (julLevel >= java.util.logging.Level.FINE.intValue()) {
      return Log.Level.VERBOSE;
    }
    return Log.Level.DEBUG;
  }

  static Log.Level level(System.Logger.Level l) {
    return switch (l) {
      case ERROR, WARNING -> Log.Level.WARNING;
      case INFO -> Log.Level.NOTICE;
      case DEBUG -> Log.Level.VERBOSE;
      case ALL, TRACE -> Log.Level.DEBUG;
      case OFF -> Log.Level.NOTHING;
    };
  }

  /** A failure's own message after the line; its stack trace only at debug level, as Redis logs no traces. */
  private static String withThrown(String msg, Throwable t) {
    if (t == null) {
      return msg;
    }
    if (Log.enabled(Log.Level.DEBUG)) {
      java.io.StringWriter sw = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(sw));
      return msg + ": " + sw;
    }
    return msg + ": " + t;
  }

  private record ServerLogger(String name, String prefix) implements System.Logger {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return Log.enabled(LogBridges.level(level));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      Log.Level l = LogBridges.level(level);
      if (Log.enabled(l)) {
        Log.log(l, withThrown(prefix + msg, thrown));
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      Log.Level l = LogBridges.level(level);
      if (Log.enabled(l)) {
        Log.log(l, prefix + (params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
      }
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
      Log.Level l = LogBridges.level(level);
      if (Log.enabled(l)) {
        Log.log(l, prefix + msgSupplier.get());
      }
    }
  }
}
