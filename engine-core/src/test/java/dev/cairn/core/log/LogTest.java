package dev.cairn.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
  @TempDir Path dir;

  @AfterEach
  void reset() {
    Log.reset();
  }

  private List<String> lines(Path f) throws Exception {
    return Files.readAllLines(f);
  }

  @Test
  void linesHaveRedisFormatAndHonourTheLevel() throws Exception {
    Path f = dir.resolve("log.txt");
    Log.configure("verbose", f.toString());
    LogMessage.STARTING.log();
    Log.setRole(() -> 'M');
    Log.log(Log.Level.DEBUG, "hidden");
    Log.log(Log.Level.VERBOSE, "shown verbose");
    LogMessage.READY_TO_EXIT.log("Redis");
    List<String> l = lines(f);
    assertEquals(3, l.size(), l.toString());
    String pid = Long.toString(ProcessHandle.current().pid());
    assertTrue(l.get(0).matches(pid + ":C \\d\\d [A-Z][a-z][a-z] \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\* "
        + "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"), l.get(0));
    assertTrue(l.get(1).matches(pid + ":M .* - shown verbose"), l.get(1));
    assertTrue(l.get(2).endsWith("# Redis is now ready to exit, bye bye..."), l.get(2));
  }

  @Test
  void levelNothingWritesNothingAndSetLevelChangesIt() throws Exception {
    Path f = dir.resolve("log.txt");
    Log.configure("nothing", f.toString());
    Log.log(Log.Level.WARNING, "no");
    Log.setLevel("warning");
    Log.log(Log.Level.NOTICE, "no");
    Log.log(Log.Level.WARNING, "yes");
    assertEquals(1, lines(f).size());
  }

  @Test
  void longMessagesAreCutAndRawTextIsWrittenAsItIs() throws Exception {
    Path f = dir.resolve("log.txt");
    Log.configure("notice", f.toString());
    Log.log(Log.Level.NOTICE, "x".repeat(5000));
    Log.raw(Log.Level.NOTICE, "logo\n PID: 1\n");
    List<String> l = lines(f);
    assertEquals(Log.MAX_LEN - 1, l.get(0).substring(l.get(0).indexOf("* ") + 2).length());
    assertEquals(" PID: 1", l.get(2));
  }

  @Test
  void systemLoggerAndJavaLoggingGoThroughTheServerLog() throws Exception {
    Path f = dir.resolve("log.txt");
    Log.configure("notice", f.toString());
    LogBridges.logger("test", "<mod> ").log(System.Logger.Level.INFO, "hello {0}", "you");
    LogBridges.logger("test", "").log(System.Logger.Level.DEBUG, "too low");
    List<String> l = lines(f);
    assertEquals(1, l.size());
    assertTrue(l.get(0).endsWith("* <mod> hello you"), l.get(0));
  }

  @Test
  void signalHandlerLinesCarryTheUnixTime() throws Exception {
    Path f = dir.resolve("log.txt");
    Log.configure("notice", f.toString());
    Log.fromSignalHandler(LogMessage.SIGNAL_SHUTDOWN.format("SIGTERM"));
    assertTrue(lines(f).get(0).matches("\\d+:signal-handler \\(\\d+\\) Received SIGTERM scheduling shutdown\\.\\.\\."));
  }

  /** The hand-made time stamp is strftime's "%d %b %Y %H:%M:%S.ms" in the local zone, daylight saving included. */
  @Test
  void timeStampMatchesAFormatterInEveryZone() {
    long seed = System.nanoTime();
    System.out.println("LogTest.timeStamp seed " + seed);
    Random r = new Random(seed);
    TimeZone saved = TimeZone.getDefault();
    DateTimeFormatter f = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);
    try {
      String[] zones = {"UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Kiritimati"};
      for (String zone : zones) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        for (int i = 0; i < 2000; i++) {
          long millis = i == 0 ? 0 : (r.nextLong() & Long.MAX_VALUE) % 4_102_444_800_000L; // 1970 to 2100
          assertEquals(f.format(Instant.ofEpochMilli(millis).atZone(ZoneId.of(zone))), Log.time(millis),
              zone + " " + millis);
        }
      }
    } finally {
      TimeZone.setDefault(saved);
    }
  }

  @Test
  void messagesFormatAsStringFormatInTheRootLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("ar-EG")); // other digits, if anything consulted the default locale
    try {
      for (LogMessage m : LogMessage.values()) {
        String t = m.format();
        List<Object> args = new java.util.ArrayList<>();
        java.util.regex.Matcher conv = java.util.regex.Pattern.compile("%(%|[^%a-zA-Z]*[a-zA-Z])").matcher(t);
        while (conv.find()) {
          String c = conv.group(1);
          if (c.equals("%")) {
            continue;
          }
          args.add(c.endsWith("d") ? (Object) (args.size() % 2 == 0 ? -1234567L : 42) : c.endsWith("f") ? 1.25
              : (Object) ("a%s b" + args.size()));
        }
        Object[] a = args.toArray();
        assertEquals(String.format(Locale.ROOT, t, a), m.format(a), m.name());
      }
      assertEquals("Ready to accept connections null", LogMessage.READY.format((Object) null));
    } finally {
      Locale.setDefault(before);
    }
  }
}
