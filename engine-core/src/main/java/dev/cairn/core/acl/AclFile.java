package dev.cairn.core.acl;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.util.SplitArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ACL file ({@code aclfile}) and the config file's {@code user} lines: one {@code user <name> <rules...>} per line.
 * A file is loaded whole or not at all: every error is reported with its line and the users stay as they were.
 */
final class AclFile {
  private AclFile() {}

  /** Parses users from {@code user} lines (each a list of words: name then rules); throws with Redis's message. */
  static Map<String, AclUser> parse(Acl acl, List<List<String>> lines, List<Integer> lineNumbers, String source) {
    Map<String, AclUser> users = Acl.newUserMap();
    StringBuilder errors = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      List<String> words = lines.get(i);
      String where = source == null ? "" : source + ":" + lineNumbers.get(i) + ": ";
      if (words.isEmpty()) {
        continue;
      }
      String name = words.get(0);
      if (users.containsKey(name)) {
        errors.append(where).append("Duplicate user '").append(name).append("' found. ");
        continue;
      }
      try {
        Acl.validateName(name);
        AclUser u = acl.create(name);
        acl.applyAll(u, words.subList(1, words.size()));
        users.put(name, u);
      } catch (RedisException e) {
        String m = e.getMessage();
        errors.append(where).append(m.startsWith("ERR ") ? m.substring(4) : m).append(". ");
      }
    }
    if (errors.length() > 0) {
      throw RedisException.err(errors.toString().trim());
    }
    return users;
  }

  /** Reads an ACL file: lines starting with {@code user}; blank lines and comments are skipped. */
  static Map<String, AclUser> load(Acl acl, Path file) {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw RedisException.err("Error loading ACLs, opening file '" + file + "': " + reason(e));
    }
    List<List<String>> lines = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    StringBuilder errors = new StringBuilder();
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      byte[] raw = line.getBytes(StandardCharsets.ISO_8859_1);
      List<byte[]> parts = SplitArgs.split(raw, 0, raw.length);
      if (parts == null) {
        errors.append(file).append(':').append(i + 1).append(": unbalanced quotes in acl line. ");
        continue;
      }
      String[] words = new String[parts.size()];
      for (int j = 0; j < words.length; j++) {
        words[j] = new String(parts.get(j), StandardCharsets.ISO_8859_1);
      }
      if (words.length == 0) {
        continue;
      }
      if (!words[0].equals("user") || words.length < 2) {
        errors.append(file).append(':').append(i + 1).append(": should start with user keyword. ");
        continue;
      }
      lines.add(List.of(words).subList(1, words.length));
      numbers.add(i + 1);
    }
    if (errors.length() > 0) {
      throw RedisException.err(errors.toString().trim());
    }
    return parse(acl, lines, numbers, file.toString());
  }

  /** ACL SAVE: writes every user to a temporary file and renames it over the ACL file. */
  static void save(Acl acl, Path file) {
    StringBuilder b = new StringBuilder();
    for (String line : acl.describeAll()) {
      b.append(line).append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.writeString(tmp, b, StandardCharsets.ISO_8859_1);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the save failed already; the temporary file is best effort
      }
      throw RedisException.err("There was an error trying to save the ACLs. Please check the server logs for more "
          + "information");
    }
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage();
  }
}
