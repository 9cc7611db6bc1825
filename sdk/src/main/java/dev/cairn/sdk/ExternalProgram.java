package dev.cairn.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A run of an external program against a test's server (a client library's script: redis-py, node): its exit code
 * and its output (standard output and error together), with a time limit. For a module's tests that check a real
 * client against the module, such as the bundled search and graph modules' redis-py tests.
 *
 * @param exit the exit code; {@link #NOT_STARTED} when the program could not start (not installed), {@link #TIMED_OUT}
 *     when it ran past its limit and was killed
 * @param output what it printed
 */
public record ExternalProgram(int exit, String output) {
  public static final int NOT_STARTED = -1;
  public static final int TIMED_OUT = -2;

  /** Runs {@code command} in the working directory with its input closed, up to {@code seconds}. */
  public static ExternalProgram run(List<String> command, int seconds) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new ExternalProgram(NOT_STARTED, e.toString());
    }
    p.getOutputStream().close();
    // read while it runs: a full pipe would stall it
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        p.getInputStream().transferTo(out);
      } catch (IOException ignored) {
        // the process went away
      }
    });
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(5000);
      return new ExternalProgram(TIMED_OUT, String.join(" ", command) + " timed out after " + seconds + " s:\n"
          + out.toString(StandardCharsets.UTF_8));
    }
    reader.join(5000);
    return new ExternalProgram(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  /**
   * The python3 that can run {@code pythonImport} (e.g. {@code "from redis.commands.graph import Graph"}): Debian's
   * first, as its python3-redis is the one a test installs, then the one on the PATH; empty when neither can.
   */
  public static Optional<String> pythonWith(String pythonImport) throws IOException, InterruptedException {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (run(List.of(candidate, "-c", pythonImport), 30).exit() == 0) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
