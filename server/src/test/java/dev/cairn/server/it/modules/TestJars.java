package dev.cairn.server.it.modules;

import dev.cairn.api.Module;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds module jars for tests from Java source text, compiled against engine-api only. The classes exist nowhere on
 * the test class path, so the server loads them through the jar's own class loader, as it would a real module.
 */
final class TestJars {
  private TestJars() {}

  /**
   * Compiles {@code sources} (class name to source) into {@code dir/<jarName>}; names {@code serviceClass} in
   * META-INF/services when it is not null.
   */
  static Path build(Path dir, String jarName, String serviceClass, Map<String, String> sources) throws IOException {
    Path src = Files.createTempDirectory(dir, "src");
    Path classes = Files.createTempDirectory(dir, "classes");
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      files.add(f.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", apiClassPath(), "--release", "21",
        "-nowarn"));
    args.addAll(files);
    int rc = javac.run(null, null, null, args.toArray(new String[0]));
    if (rc != 0) {
      throw new IllegalStateException("test module sources do not compile");
    }
    Path jar = dir.resolve(jarName);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(classes)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
      if (serviceClass != null) {
        out.putNextEntry(new JarEntry("META-INF/services/" + Module.class.getName()));
        OutputStream o = out;
        o.write((serviceClass + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  private static String apiClassPath() {
    try {
      return Path.of(Module.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
