package dev.cairn.core.acl;

import dev.cairn.core.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * An ACL user: enabled or not, its passwords (SHA-256 digests only, in hex, never the passwords), its root
 * permissions and its selectors. A client that authenticated as a user keeps a reference to this object, so changes
 * apply to it at once.
 */
public final class AclUser {
  final String name;
  boolean enabled;
  boolean nopass;
  /** 0: neither flag, 1: sanitize-payload, 2: skip-sanitize-payload. */
  int sanitize = 1;
  final LinkedHashSet<String> passwords = new LinkedHashSet<>();
  AclSelector root = new AclSelector();
  final List<AclSelector> selectors = new ArrayList<>();
  /** Every command, key and channel allowed with no selector: the dispatcher's fast path. */
  boolean unrestricted;

  AclUser(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  public boolean enabled() {
    return enabled;
  }

  public boolean nopass() {
    return nopass;
  }

  /** Whether the user may run every command on every key and channel (no check is needed). */
  public boolean unrestricted() {
    return unrestricted;
  }

  AclUser copy(String newName) {
    AclUser u = new AclUser(newName);
    u.copyFrom(this);
    return u;
  }

  void copyFrom(AclUser o) {
    enabled = o.enabled;
    nopass = o.nopass;
    sanitize = o.sanitize;
    passwords.clear();
    passwords.addAll(o.passwords);
    root = o.root.copy();
    selectors.clear();
    for (AclSelector s : o.selectors) {
      selectors.add(s.copy());
    }
    updateUnrestricted();
  }

  void updateUnrestricted() {
    unrestricted = root.allCommands && root.commandRules.isEmpty() && root.allKeys && root.allChannels;
  }

  /** Applies one rule; throws {@link AclException} with Redis's reason when it is not valid. */
  void apply(String op, CommandTable table, boolean pubsubAllChannels) {
    try {
      applyRule(op, table, pubsubAllChannels);
    } finally {
      updateUnrestricted();
    }
  }

  private void applyRule(String op, CommandTable table, boolean pubsubAllChannels) {
    if (op.isEmpty()) {
      throw AclException.SYNTAX;
    }
    if (op.startsWith("(") && op.endsWith(")")) {
      AclSelector s = new AclSelector();
      if (pubsubAllChannels) {
        s.allChannels = true;
      }
      for (String part : op.substring(1, op.length() - 1).split(" ")) {
        if (!part.isEmpty() && !s.apply(part, table)) {
          throw AclException.SYNTAX;
        }
      }
      selectors.add(s);
      return;
    }
    switch (op.toLowerCase(Locale.ROOT)) {
      case "on" -> enabled = true;
      case "off" -> enabled = false;
      case "skip-sanitize-payload" -> sanitize = 2;
      case "sanitize-payload" -> sanitize = 1;
      case "nopass" -> {
        nopass = true;
        passwords.clear();
      }
      case "resetpass" -> {
        nopass = false;
        passwords.clear();
      }
      case "clearselectors" -> selectors.clear();
      case "reset" -> {
        nopass = false;
        passwords.clear();
        root = new AclSelector();
        root.allChannels = pubsubAllChannels;
        enabled = false;
        sanitize = 1;
        selectors.clear();
      }
      default -> {
        char c = op.charAt(0);
        if (c == '>' || c == '<') {
          String hash = sha256(op.substring(1));
          if (c == '>') {
            passwords.add(hash);
            nopass = false;
          } else if (!passwords.remove(hash)) {
            throw NO_SUCH_PASSWORD;
          }
        } else if (c == '#' || c == '!') {
          String hash = op.substring(1);
          if (!validHash(hash)) {
            throw BAD_HASH;
          }
          if (c == '#') {
            passwords.add(hash);
            nopass = false;
          } else if (!passwords.remove(hash)) {
            throw NO_SUCH_PASSWORD;
          }
        } else if (!root.apply(op, table)) {
          throw AclException.SYNTAX;
        }
      }
    }
  }

  private static final AclException NO_SUCH_PASSWORD =
      new AclException("The password you are trying to remove from the user does not exist");
  private static final AclException BAD_HASH = new AclException(
      "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");

  private static boolean validHash(String h) {
    if (h.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char ch = h.charAt(i);
      if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'f')) {
        return false;
      }
    }
    return true;
  }

  static String sha256(String password) {
    return sha256(password.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String sha256(byte[] password) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code password} is one of the user's (compared as digests, in constant time). */
  boolean checkPassword(byte[] password) {
    if (nopass) {
      return true;
    }
    byte[] h = sha256(password).getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String p : passwords) {
      ok |= MessageDigest.isEqual(h, p.getBytes(StandardCharsets.US_ASCII));
    }
    return ok;
  }

  List<String> flags() {
    List<String> f = new ArrayList<>();
    f.add(enabled ? "on" : "off");
    if (nopass) {
      f.add("nopass");
    }
    if (sanitize == 2) {
      f.add("skip-sanitize-payload");
    } else if (sanitize == 1) {
      f.add("sanitize-payload");
    }
    return f;
  }

  /** The user as ACL LIST and ACL files write it: {@code user name on #hash ~* &* +@all (selector)}. */
  String describe() {
    StringBuilder b = new StringBuilder("user ").append(name);
    for (String f : flags()) {
      b.append(' ').append(f);
    }
    for (String p : passwords) {
      b.append(" #").append(p);
    }
    b.append(' ').append(root.describe());
    for (AclSelector s : selectors) {
      b.append(" (").append(s.describe()).append(')');
    }
    return b.toString();
  }
}
