package dev.cairn.core.config;

import dev.cairn.core.util.SplitArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads configuration as redis-server does: an optional file (a directive per line, quoted arguments, {@code include}),
 * then {@code --name value ...} options from the command line, which win. An unknown directive or a bad value stops
 * the startup with the file's line quoted.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /** A configuration error that must stop the server, with a message naming the line. */
  public static final class StartupError extends Exception {
    public StartupError(String msg) {
      super(msg, null, false, false);
    }
  }

  /** Applies {@code [file] [--name value ...]} to {@code config}. */
  public static void load(Config config, String[] argv) throws StartupError {
    int i = 0;
    StringBuilder text = new StringBuilder();
    if (argv.length > 0 && !argv[0].startsWith("--")) {
      Path file = Path.of(argv[0]).toAbsolutePath();
      config.configFile = file;
      appendFile(text, file, 0);
      i = 1;
    }
    // command-line options become lines after the file's, so they win
    for (; i < argv.length; i++) {
      String a = argv[i];
      if (a.startsWith("--") && a.length() > 2) {
        text.append('\n').append(a.substring(2));
      } else {
        text.append(' ').append(quote(a));
      }
    }
    apply(config, text.toString());
  }

  /** Applies configuration text (directive lines). */
  public static void apply(Config config, String text) throws StartupError {
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      List<byte[]> parts = SplitArgs.split(bytes, 0, bytes.length);
      if (parts == null) {
        throw error(n + 1, line, "Unbalanced quotes in configuration line");
      }
      if (parts.isEmpty()) {
        continue;
      }
      String name = new String(parts.get(0), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
      List<String> values = new ArrayList<>();
      for (int k = 1; k < parts.size(); k++) {
        values.add(new String(parts.get(k), StandardCharsets.UTF_8));
      }
      ConfigParam p = config.find(name);
      Config.Directive directive = p == null ? config.directive(name) : null;
      if (directive != null) {
        try {
          directive.apply(values);
        } catch (ConfigException e) {
          throw error(n + 1, line, e.getMessage());
        }
        continue;
      }
      if (p == null && name.indexOf('.') > 0 && values.size() == 1) {
        config.pendingModuleConfigs().put(name, values.get(0)); // a module's, applied when it loads
        continue;
      }
      if (p == null || values.isEmpty() && !acceptsNoValue(p)) {
        throw error(n + 1, line, "Bad directive or wrong number of arguments");
      }
      try {
        p.setFromFile(values);
      } catch (ConfigException e) {
        throw error(n + 1, line, e.getMessage());
      }
    }
  }

  private static boolean acceptsNoValue(ConfigParam p) {
    return p instanceof Params.Text || p instanceof SpecialParams.Save; // Redis's harness writes 'save ' for save ""
  }

  private static void appendFile(StringBuilder text, Path file, int depth) throws StartupError {
    if (depth > 16) {
      throw new StartupError("*** FATAL CONFIG FILE ERROR ***\ninclude nesting is too deep at " + file);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StartupError("Fatal error, can't open config file '" + file + "': " + e.getMessage());
    }
    for (String line : lines) {
      String s = line.strip();
      if (s.regionMatches(true, 0, "include ", 0, 8)) {
        Path inc = file.resolveSibling(s.substring(8).strip().replace("\"", ""));
        appendFile(text, inc, depth + 1);
      } else {
        text.append(line).append('\n');
      }
    }
  }

  private static StartupError error(int lineNo, String line, String reason) {
    return new StartupError("\n*** FATAL CONFIG FILE ERROR (Cairn) ***\nReading the configuration file, at line "
        + lineNo + "\n>>> '" + line + "'\n" + reason);
  }

  private static String quote(String a) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : a.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }
}
