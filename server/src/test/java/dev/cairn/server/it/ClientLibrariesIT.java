package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clients Redis users run outside the JVM, against Cairn: redis-py (Debian's python3-redis) and ioredis (from the
 * npm registry, pinned by {@code package-lock.json}). Each runs a script of checks under {@code src/test/clients/}
 * that exits non-zero with the failures listed; the scripts pass against Redis too. A machine without the library
 * skips its test with a message saying how to get it ({@code .ci/run} installs python3-redis where it can).
 */
class ClientLibrariesIT extends ServerTestBase {
  private static final Path CLIENTS = Path.of("src/test/clients");

  @Test
  void redisPy() throws Exception {
    String python = null;
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (ToolRun.run(List.of(candidate, "-c", "import redis"), Path.of("."), 30).exit() == 0) {
        python = candidate;
        break;
      }
    }
    assumeTrue(python != null, "redis-py is not installed (apt-get install -y python3-redis)");
    ToolRun r = ToolRun.run(List.of(python, CLIENTS.resolve("redis-py/check.py").toString(), Integer.toString(port())),
        Path.of("."), 120);
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void ioredis() throws Exception {
    assumeTrue(ToolRun.run(List.of("node", "--version"), Path.of("."), 30).exit() == 0, "node is not installed");
    Path dir = Path.of("target/clients/ioredis");
    Files.createDirectories(dir);
    for (String f : List.of("package.json", "package-lock.json", "check.mjs")) {
      Files.copy(CLIENTS.resolve("ioredis").resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(dir.resolve("node_modules/ioredis"))) {
      ToolRun install = ToolRun.run(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, 300);
      assumeTrue(install.exit() == 0, "npm could not install ioredis (no npm registry?): " + install.output());
    }
    ToolRun r = ToolRun.run(List.of("node", "check.mjs", Integer.toString(port())), dir, 120);
    assertEquals(0, r.exit(), r.output());
  }
}
