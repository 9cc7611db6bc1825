package dev.cairn.server;

import dev.cairn.core.Engine;

/**
 * The start-up logo, written when {@code always-show-logo} is set or the log goes to a terminal. It carries the
 * {@code Port:} and {@code PID:} lines that redis-server's logo has, which Redis's test harness reads to find the
 * server it started.
 */
final class Logo {
  private Logo() {}

  private static final String ART = """
                          _.--._
                        (________)            Cairn %s (Redis %s compatible) 64 bit
                      (____________)
                    (________________)        Running in %s mode
                  (____________________)      Port: %d
                (________________________)    PID: %d
              (____________________________)
                                                     Java %s

      """;

  static String text(String mode, int port, long pid) {
    return String.format(java.util.Locale.ROOT, ART, Engine.CAIRN_VERSION, Engine.REDIS_VERSION, mode, port, pid,
        Runtime.version().feature());
  }
}
