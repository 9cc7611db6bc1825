package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.server.embedded.EmbeddedCairn;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A third party's first steps, as sdk/README.md gives them: {@code sdk/new-module DIR}, then {@code DIR/build} in a
 * shell without JAVA_HOME (the build finds a JDK >= 21 itself), then the jar into a server with MODULE LOAD.
 *
 * <p>The child Maven build gets a private local repository holding this build's Cairn artifacts (copied from the
 * reactor's target directories, so the shared local repository never receives them) and takes everything else from the
 * build's own local repository as a file mirror: no network. The reactor built sdk/template first, so the plugins and
 * the library the template uses are there.
 */
class NewModuleIT {
  private static final Path ROOT = Path.of(System.getProperty("cairn.root", "../..")).toAbsolutePath().normalize();
  private static final String VERSION = System.getProperty("cairn.version", "0.1.0-SNAPSHOT");
  /** The Cairn artifacts a module project resolves: directory in the checkout, artifactId. */
  private static final Map<String, String> ARTIFACTS = Map.of("engine-api", "cairn-engine-api",
      "engine-core", "cairn-engine-core", "server", "cairn-server", "sdk", "cairn-sdk");

  @Test
  void newModuleBuildsWithItsBuildScriptAndLoads(@TempDir Path tmp) throws Exception {
    String mvn = onPath("mvn");
    if (mvn == null) {
      System.err.println("NewModuleIT SKIPPED: Maven (mvn) is not on the PATH");
    }
    assumeTrue(mvn != null, "Maven (mvn) is not on the PATH");
    for (Map.Entry<String, String> a : ARTIFACTS.entrySet()) {
      Path jar = ROOT.resolve(a.getKey()).resolve("target").resolve(a.getValue() + "-" + VERSION + ".jar");
      assumeTrue(Files.isRegularFile(jar), jar + " is not built (run `mvn verify`, which packages before this test)");
    }

    Path repo = Files.createDirectories(tmp.resolve("m2"));
    install(repo, "cairn-parent", ROOT.resolve("pom.xml"), null);
    for (Map.Entry<String, String> a : ARTIFACTS.entrySet()) {
      Path dir = ROOT.resolve(a.getKey());
      install(repo, a.getValue(), dir.resolve("pom.xml"), dir.resolve("target").resolve(a.getValue() + "-" + VERSION
          + ".jar"));
    }
    Path localRepo = Path.of(System.getProperty("cairn.localRepo", System.getProperty("user.home")
        + "/.m2/repository")).toAbsolutePath();
    Path settings = tmp.resolve("settings.xml");
    Files.writeString(settings, """
        <settings>
          <mirrors><mirror><id>build-local-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors>
        </settings>
        """.formatted(localRepo.toUri()));

    Path project = tmp.resolve("top-k");
    run(tmp, List.of(ROOT.resolve("sdk/new-module").toString(), project.toString()), 60);
    assertTrue(Files.isExecutable(project.resolve("build")));
    assertTrue(Files.notExists(project.resolve("target")), "no build output is copied");
    // the tests of the generated project are the template's (run in the reactor): here, the jar
    String out = run(project, List.of("./build", "-s", settings.toString(), "-Dmaven.repo.local=" + repo,
        "-Dmaven.test.skip=true"), 600);
    Path jar = project.resolve("target/topk.jar");
    assertTrue(out.contains("Built " + jar), out);

    try (EmbeddedCairn cairn = EmbeddedCairn.builder().port(0).dataDir(tmp).module(jar).start();
        Jedis j = new Jedis(cairn.host(), cairn.port(), 10_000)) {
      assertEquals("topk", j.moduleList().get(0).getName());
      assertEquals(5L, j.sendCommand(() -> "TOPK.BUMP".getBytes(), "c".getBytes(), "5".getBytes()));
      assertEquals("Topk_Cntr", j.type("c"));
      // the shaded, relocated library inside the jar
      assertEquals("{\"total\":5,\"bumps\":1}", new String((byte[]) j.sendCommand(() -> "TOPK.JSON".getBytes(),
          "c".getBytes()), StandardCharsets.UTF_8));
    }
  }

  /** Lays a pom (and jar) out as `mvn install` would in {@code repo}. */
  private static void install(Path repo, String artifactId, Path pom, Path jar) throws IOException {
    Path dir = Files.createDirectories(repo.resolve("dev/cairn").resolve(artifactId).resolve(VERSION));
    Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"));
    if (jar != null) {
      Files.copy(jar, dir.resolve(artifactId + "-" + VERSION + ".jar"));
    }
  }

  /** Runs {@code command} in {@code dir} as a shell whose java is the system's default and JAVA_HOME unset would. */
  private static String run(Path dir, List<String> command, int timeoutSeconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.remove("JAVA_HOME");
    // drop the JDK this test runs on from the PATH: the build script must find one itself
    String ourBin = Path.of(System.getProperty("java.home"), "bin").toString();
    List<String> path = new ArrayList<>();
    for (String p : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!p.equals(ourBin)) {
        path.add(p);
      }
    }
    env.put("PATH", String.join(File.pathSeparator, path));
    Path log = Files.createTempFile(dir.getParent(), "run", ".log");
    pb.redirectOutput(log.toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    String out = Files.readString(log);
    System.out.printf("%s: %.1f s%n", String.join(" ", command), (System.nanoTime() - start) / 1e9);
    assertTrue(done, "timed out after " + timeoutSeconds + " s: " + command + "\n" + out);
    assertEquals(0, p.exitValue(), command + " failed:\n" + out);
    return out;
  }

  private static String onPath(String name) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path f = Path.of(p, name);
      if (Files.isExecutable(f)) {
        return f.toString();
      }
    }
    return null;
  }
}
