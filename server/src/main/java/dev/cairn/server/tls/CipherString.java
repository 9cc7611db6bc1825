package dev.cairn.server.tls;

import io.netty.handler.ssl.CipherSuiteConverter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code tls-ciphers} as OpenSSL reads a cipher list (ciphers(1)), over the suites the TLS engine supports: words
 * separated by {@code :}, spaces or commas, each a cipher's OpenSSL name (AES128-SHA256) or IANA name, or DEFAULT,
 * ALL, HIGH, COMPLEMENTOFDEFAULT, an algorithm (RSA, ECDHE, AESGCM, SHA256, ...), or several joined by {@code +}
 * (all must match). A word adds its ciphers at the end; {@code -} removes them (a later word may add them back);
 * {@code !} removes them for good; {@code +} moves them to the end. Redis hands this string to OpenSSL, so users
 * write it OpenSSL's way; the JDK engine needs the list of IANA names it comes to.
 */
final class CipherString {
  private CipherString() {}

  /**
   * The IANA names {@code spec} selects from {@code supported} (the engine's TLS 1.2 suites, in its order of
   * preference), with {@code defaults} standing for DEFAULT; empty when nothing matches (OpenSSL then fails).
   */
  static List<String> evaluate(String spec, List<String> supported, List<String> defaults) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    Set<String> banned = new java.util.HashSet<>();
    for (String word : spec.trim().split("[:, ]+")) {
      if (word.isEmpty() || word.startsWith("@")) {
        continue; // @STRENGTH, @SECLEVEL=n: orderings and levels the JDK's own policy covers
      }
      char op = word.charAt(0);
      String name = op == '-' || op == '!' || op == '+' ? word.substring(1) : word;
      List<String> matched = select(name, supported, defaults);
      switch (op) {
        case '-' -> matched.forEach(out::remove);
        case '!' -> {
          matched.forEach(out::remove);
          banned.addAll(matched);
        }
        case '+' -> {
          for (String s : matched) {
            if (out.remove(s)) {
              out.add(s);
            }
          }
        }
        default -> {
          for (String s : matched) {
            if (!banned.contains(s)) {
              out.add(s);
            }
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static List<String> select(String name, List<String> supported, List<String> defaults) {
    List<String> r = new ArrayList<>();
    String upper = name.toUpperCase(Locale.ROOT);
    switch (upper) {
      case "DEFAULT" -> {
        return new ArrayList<>(defaults);
      }
      case "ALL", "HIGH" -> {
        return new ArrayList<>(supported);
      }
      case "COMPLEMENTOFDEFAULT" -> {
        supported.stream().filter(s -> !defaults.contains(s)).forEach(r::add);
        return r;
      }
      default -> { }
    }
    // a cipher by name: OpenSSL's, or the IANA one
    for (String s : supported) {
      String openssl = CipherSuiteConverter.toOpenSsl(s, false);
      if (s.equalsIgnoreCase(name) || (openssl != null && openssl.equalsIgnoreCase(name))) {
        r.add(s);
      }
    }
    if (!r.isEmpty()) {
      return r;
    }
    // an algorithm or a combination of them (ECDHE+AESGCM): every part must be one of the cipher's
    String[] parts = upper.split("\\+");
    for (String s : supported) {
      boolean all = true;
      for (String p : parts) {
        all &= hasPart(s, p);
      }
      if (all) {
        r.add(s);
      }
    }
    return r;
  }

  /** Whether IANA suite {@code s} uses OpenSSL's algorithm alias {@code p}. */
  private static boolean hasPart(String s, String p) {
    String[] kx = s.startsWith("TLS_") ? s.substring(4).split("_WITH_") : new String[] {s};
    String exch = kx.length == 2 ? kx[0] : "";
    String rest = kx.length == 2 ? kx[1] : s;
    return switch (p) {
      case "RSA", "KRSA" -> exch.equals("RSA");
      case "ARSA", "AUTHRSA" -> exch.endsWith("RSA");
      case "AECDSA", "ECDSA" -> exch.endsWith("ECDSA");
      case "ECDHE", "EECDH", "KECDHE" -> exch.startsWith("ECDHE");
      case "DHE", "EDH", "KDHE" -> exch.startsWith("DHE");
      case "AES" -> rest.startsWith("AES");
      case "AES128" -> rest.startsWith("AES_128");
      case "AES256" -> rest.startsWith("AES_256");
      case "AESGCM" -> rest.startsWith("AES") && rest.contains("_GCM");
      case "CHACHA20" -> rest.startsWith("CHACHA20");
      case "SHA1", "SHA" -> rest.endsWith("_SHA");
      case "SHA256" -> rest.endsWith("_SHA256");
      case "SHA384" -> rest.endsWith("_SHA384");
      case "TLSV1.2" -> true;
      default -> false;
    };
  }
}
