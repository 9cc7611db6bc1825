package dev.cairn.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for TLS tests, made with the openssl tool as Redis's utils/gen-test-certs.sh makes its own: a CA, a
 * server-only, a client-only and a generic certificate signed by it, and a second CA that signs nothing the server
 * trusts. {@link #available()} is false where openssl is missing (the tests are then skipped).
 */
final class TestCerts {
  final Path dir;

  private TestCerts(Path dir) {
    this.dir = dir;
  }

  static boolean available() {
    try {
      return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static TestCerts make(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestCerts t = new TestCerts(dir);
    t.run("openssl", "req", "-x509", "-new", "-nodes", "-sha256", "-newkey", "rsa:2048", "-keyout", "ca.key",
        "-days", "30", "-subj", "/O=Cairn Test/CN=Certificate Authority", "-out", "ca.crt");
    t.run("openssl", "req", "-x509", "-new", "-nodes", "-sha256", "-newkey", "rsa:2048", "-keyout", "other-ca.key",
        "-days", "30", "-subj", "/O=Cairn Test/CN=Other Authority", "-out", "other-ca.crt");
    Files.writeString(dir.resolve("openssl.cnf"), """
        [ server_cert ]
        keyUsage = digitalSignature, keyEncipherment
        nsCertType = server

        [ client_cert ]
        keyUsage = digitalSignature, keyEncipherment
        nsCertType = client
        """);
    t.cert("server", "Server-only", "ca", "server_cert");
    t.cert("server2", "Server-two", "ca", "server_cert");
    t.cert("client", "Client-only", "ca", "client_cert");
    t.cert("redis", "Generic-cert", "ca", null);
    t.cert("stranger", "Stranger", "other-ca", "client_cert");
    return t;
  }

  private void cert(String name, String cn, String ca, String ext) throws Exception {
    run("openssl", "req", "-new", "-nodes", "-sha256", "-newkey", "rsa:2048", "-keyout", name + ".key", "-subj",
        "/O=Cairn Test/CN=" + cn, "-out", name + ".csr");
    List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-sha256", "-in", name + ".csr", "-CA",
        ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial", "-days", "30", "-out", name + ".crt"));
    if (ext != null) {
      sign.addAll(List.of("-extfile", "openssl.cnf", "-extensions", ext));
    }
    run(sign.toArray(String[]::new));
  }

  void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
  }

  String path(String file) {
    return dir.resolve(file).toString();
  }

  /** A client context: {@code name}'s certificate and key (none when null), trusting {@code ca}. */
  SSLContext client(String name, String ca) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    if (name != null) {
      ks.setKeyEntry("me", key(name + ".key"), new char[0], certs(name + ".crt"));
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", certs(ca + ".crt")[0]);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    javax.net.ssl.X509KeyManager km = (javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0];
    // the certificate is sent whoever signed it (the JDK's own choice skips one the server's CA list does not name)
    javax.net.ssl.X509ExtendedKeyManager any = new javax.net.ssl.X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
        return km.getClientAliases(keyType, null);
      }

      @Override
      public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
        return name == null ? null : "me";
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
          javax.net.ssl.SSLEngine engine) {
        return name == null ? null : "me";
      }

      @Override
      public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
        return null;
      }

      @Override
      public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
        return km.getCertificateChain(alias);
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return km.getPrivateKey(alias);
      }
    };
    ctx.init(new javax.net.ssl.KeyManager[] {any}, tmf.getTrustManagers(), null);
    return ctx;
  }

  private Certificate[] certs(String file) throws Exception {
    try (InputStream in = Files.newInputStream(dir.resolve(file))) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
    }
  }

  private PrivateKey key(String file) throws Exception {
    String pem = Files.readString(dir.resolve(file)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
  }
}
