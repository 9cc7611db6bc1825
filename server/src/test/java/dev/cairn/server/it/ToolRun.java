package dev.cairn.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A run of an external program for the server's ITs (redis-cli, python3, node, npm): its exit code and its output
 * (standard output and error together, terminal colour codes removed). Modules' tests use the SDK's
 * {@code ExternalProgram}, which this module cannot depend on (the SDK depends on the server).
 *
 * @param exit the exit code; -1 when the program could not start (not installed), -2 when it timed out
 */
record ToolRun(int exit, String output) {
  /** Runs {@code command} in the working directory, up to {@code seconds}. */
  static ToolRun run(List<String> command, int seconds) throws IOException, InterruptedException {
    return run(command, Path.of("."), seconds);
  }

  /** Runs {@code command} in {@code dir} with its input closed, up to {@code seconds}; a timed-out run is killed. */
  static ToolRun run(List<String> command, Path dir, int seconds) throws IOException, InterruptedException {
    return run(command, dir, seconds, "");
  }

  /** Runs {@code command} in {@code dir} with {@code input} on its standard input (then closed), up to {@code seconds}. */
  static ToolRun run(List<String> command, Path dir, int seconds, String input)
      throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new ToolRun(-1, e.toString()); // not installed
    }
    try (var in = p.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // it exited without reading its input: its output says why
    }
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
      return new ToolRun(-2, String.join(" ", command) + " timed out after " + seconds + " s:\n" + text(out));
    }
    reader.join(5000);
    return new ToolRun(p.exitValue(), text(out));
  }

  private static String text(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
  }
}
