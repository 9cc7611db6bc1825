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

  /** Applies {@code [file] [--name value ...]} to {@code config}; a {@code -} argument reads nothing. */
  public static void load(Config config, String[] argv) throws StartupError {
    load(config, argv, () -> "");
  }

  /** Where {@code -} on the command line reads configuration from (standard input for the server). */
  @FunctionalInterface
  public interface Stdin {
    String read() throws IOException;
  }

  /**
   * Applies {@code [file] [-] [--name value ...] [-]} to {@code config} as redis-server reads its command line: the
   * file first, then standard input (a {@code -} as the first option or the last argument), then the options, so the
   * last setting of a parameter wins. An option's values are the arguments up to the next {@code --name}, except that
   * a name given alone takes the next argument as its value even when it starts with {@code --}, and a bare
   * {@code --save} (followed by another option, or last) means {@code save ""}. Option values are quoted into the
   * text, so any bytes survive.
   */
  public static void load(Config config, String[] argv, Stdin stdin) throws StartupError {
    int i = 0;
    StringBuilder text = new StringBuilder();
    if (argv.length > 0 && !argv[0].startsWith("-")) {
      Path file = Path.of(argv[0]).toAbsolutePath();
      config.configFile = file;
      appendFile(text, file, 0);
      i = 1;
    }
    StringBuilder options = new StringBuilder();
    boolean fromStdin = false;
    boolean lastHasValue = true;
    for (int first = i; i < argv.length; i++) {
      String a = argv[i];
      if (a.equals("-") && (i == first || i == argv.length - 1)) {
        fromStdin = true;
      } else if (lastHasValue && a.startsWith("--")) {
        options.append('\n').append(a, 2, a.length()).append(' ');
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        List<byte[]> words = SplitArgs.split(b, 0, b.length);
        if (words != null && words.size() == 1) {
          boolean nextIsOption = i + 1 < argv.length && argv[i + 1].startsWith("--");
          boolean last = i == argv.length - 1;
          lastHasValue = false;
          if (a.equalsIgnoreCase("--save") && (nextIsOption || last)) {
            options.append("\"\"");
            lastHasValue = true;
          }
        } else {
          lastHasValue = true; // "--port 6380" as one argument
        }
      } else {
        options.append(quote(a)).append(' ');
        lastHasValue = true;
      }
    }
    if (fromStdin) {
      config.configFromStdin = true;
      try {
        text.append('\n').append(stdin.read());
      } catch (IOException e) {
        throw new StartupError("Fatal error, can't read config from stdin: " + e.getMessage());
      }
    }
    apply(config, text.append(options).toString());
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
      if (p == null) {
        throw error(n + 1, line, "Bad directive or wrong number of arguments");
      }
      if (!p.multiArg() && values.size() != 1) {
        throw error(n + 1, line, "wrong number of arguments");
      }
      try {
        p.setFromFile(values);
      } catch (ConfigException e) {
        throw error(n + 1, line, e.getMessage());
      }
    }
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

  /** A double-quoted argument in the syntax {@link SplitArgs} reads back: escapes for quotes and control bytes. */
  private static String quote(String a) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : a.toCharArray()) {
      switch (c) {
        case '"', '\\' -> sb.append('\\').append(c);
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
