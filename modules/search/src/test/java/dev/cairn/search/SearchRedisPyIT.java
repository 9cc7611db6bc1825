package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * redis-py's JSON and search clients (r.json() and r.ft() in Debian's python3-redis 4.3: index definitions on hashes
 * and JSON, queries with sorting, filters, scores and returned fields, FT.INFO and FT.AGGREGATE parsing, FT.EXPLAIN,
 * FT.DROPINDEX) against the search and JSON jars, running {@code src/test/clients/json_search_check.py}. Skips,
 * saying how to get it, where redis-py is missing.
 */
@ExtendWith(CairnExtension.class)
@WithCairn(jars = {"target/cairn-search.jar", "../json/target/cairn-json.jar"}, config = {"dir", "target", "save", ""})
class SearchRedisPyIT {
  @Test
  void redisPyJsonAndSearchClients(EmbeddedCairn cairn) throws Exception {
    String python = null;
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (run(List.of(candidate, "-c", "from redis.commands.search.query import Query"), 30).exit == 0) {
        python = candidate;
        break;
      }
    }
    assumeTrue(python != null, "redis-py is not installed (apt-get install -y python3-redis)");
    Result r = run(List.of(python, "src/test/clients/json_search_check.py", Integer.toString(cairn.port())), 120);
    assertEquals(0, r.exit, r.output);
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, int seconds) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(-1, e.toString()); // not installed
    }
    p.getOutputStream().close();
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
      return new Result(-2, String.join(" ", command) + " timed out after " + seconds + " s:\n" + out);
    }
    reader.join(5000);
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }
}
