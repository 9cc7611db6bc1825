package dev.cairn.server.tls;

import dev.cairn.core.config.Config;
import dev.cairn.core.log.Log;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The TLS contexts built from the {@code tls-*} parameters, as Redis's tlsConfigure: the server's (the TLS port: its
 * certificate and key, the CAs that client certificates must chain to, {@code tls-auth-clients}, protocols, ciphers,
 * the server's cipher preference, session caching) and the client's, for the connections the server makes itself
 * (a replica's link to its master under {@code tls-replication}: {@code tls-client-cert-file}/{@code -key-file}, or the
 * server's certificate when none is given, and the same CAs). Neither checks host names, as Redis does not.
 * <p>The engine is OpenSSL (BoringSSL through netty-tcnative) where its native library loads, else the JDK's; a
 * {@code tls-ciphers}/{@code tls-ciphersuites} choice BoringSSL cannot serve falls back to the JDK's, decided when the
 * contexts are built (see docs/ARCHITECTURE.md, "TLS", for the measurement).
 */
public final class TlsContexts implements dev.cairn.core.connection.TlsSockets {
  /** A configuration that cannot be used; the message says why, for the log (Redis logs it and refuses). */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }

    Invalid(String message, Throwable cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }

  private static final List<String> ALL_PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  static {
    // OpenSSL's DEFAULT has the RSA key exchange suites that the JDK disables as a whole (TLS_RSA_*): a user who names
    // them in tls-ciphers gets them, as with Redis; the lists built here leave them out unless named
    String disabled = java.security.Security.getProperty("jdk.tls.disabledAlgorithms");
    if (disabled != null && disabled.contains("TLS_RSA_*")) {
      java.security.Security.setProperty("jdk.tls.disabledAlgorithms",
          disabled.replace("TLS_RSA_*,", "").replace(", TLS_RSA_*", "").replace("TLS_RSA_*", ""));
    }
  }

  private final SslProvider engine;
  private final SslContext server;
  /** The cluster bus's side of accepted links: the server's certificate, the peer's required (tls-cluster). */
  private final SslContext bus;
  private final SSLContext client;
  private final String[] clientProtocols;
  private final String[] clientCiphers;
  private final boolean preferServerCiphers;
  /** tls-auth-clients optional: a certificate the client gives must still chain to the CAs (checked here). */
  private final javax.net.ssl.X509TrustManager optionalClientCheck;

  private TlsContexts(SslContext server, SslContext bus, SSLContext client, String[] protocols, String[] ciphers,
      boolean prefer, javax.net.ssl.X509TrustManager optionalClientCheck, SslProvider engine) {
    this.engine = engine;
    this.optionalClientCheck = optionalClientCheck;
    this.server = server;
    this.bus = bus;
    this.client = client;
    this.clientProtocols = protocols;
    this.clientCiphers = ciphers;
    this.preferServerCiphers = prefer;
  }

  /** The engine the server's contexts use (OPENSSL or JDK), for the log and tests. */
  public SslProvider engine() {
    return engine;
  }

  /**
   * The preferred engine: OpenSSL (BoringSSL) where its native library loads, as it costs about half the JDK's CPU
   * per request (bench/tls-compare.sh); {@code -Dcairn.tls.provider=jdk} asks for the JDK's.
   */
  public static SslProvider provider() {
    String forced = System.getProperty("cairn.tls.provider", "");
    if (!forced.equalsIgnoreCase("jdk") && OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    return SslProvider.JDK;
  }

  /**
   * Why BoringSSL cannot serve this {@code tls-ciphers}/{@code tls-ciphersuites} choice, or null when it can: the list
   * selects TLS 1.2 suites it lacks (the CBC-SHA256 ones, DHE key exchange), which the JDK has and Redis's OpenSSL
   * offers, or names TLS 1.3 suites, which BoringSSL does not let a server restrict.
   */
  private static String openSslCannotServe(String v12, String v13, List<String>[] openssl) throws Invalid {
    if (!v12.isBlank()) { // none given: each engine's own defaults
      List<String>[] jdk = suites(SslProvider.JDK);
      List<String> wanted = new ArrayList<>(CipherString.evaluate(v12, jdk[0], jdk[1]));
      wanted.removeAll(openssl[0]);
      if (!wanted.isEmpty()) {
        return "tls-ciphers selects suites BoringSSL does not have: " + String.join(", ", wanted);
      }
    }
    if (!v13.isBlank()) {
      List<String> named = new ArrayList<>(List.of(v13.trim().split(":")));
      named.retainAll(openssl[2]);
      if (!named.containsAll(openssl[2])) {
        return "BoringSSL cannot restrict the TLS 1.3 suites to tls-ciphersuites";
      }
    }
    return null;
  }

  /** Builds both contexts from the configuration's current values. */
  public static TlsContexts build(Config c) throws Invalid {
    String cert = c.find("tls-cert-file").get();
    String key = c.find("tls-key-file").get();
    if (cert.isEmpty()) {
      throw new Invalid("No tls-cert-file configured!");
    }
    if (key.isEmpty()) {
      throw new Invalid("No tls-key-file configured!");
    }
    String caFile = c.find("tls-ca-cert-file").get();
    String caDir = c.find("tls-ca-cert-dir").get();
    String auth = c.find("tls-auth-clients").get();
    boolean needsCa = !auth.equals("no") || c.find("tls-replication").get().equals("yes")
        || c.find("tls-cluster").get().equals("yes");
    if (caFile.isEmpty() && caDir.isEmpty() && needsCa) {
      throw new Invalid("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
          + "tls-replication or tls-auth-clients are enabled!");
    }
    X509Certificate[] cas = caFile.isEmpty() && caDir.isEmpty() ? null : loadCas(caFile, caDir);
    String[] protocols = protocols(c.find("tls-protocols").get());
    SslProvider provider = provider();
    List<String>[] suites = suites(provider);
    String v12 = c.find("tls-ciphers").get();
    String v13 = c.find("tls-ciphersuites").get();
    String fallback = provider == SslProvider.OPENSSL ? openSslCannotServe(v12, v13, suites) : null;
    if (fallback != null) {
      provider = SslProvider.JDK;
      suites = suites(provider);
    }
    String[] ciphers = ciphers(v12, v13, suites, protocols);
    Log.log(Log.Level.NOTICE, "TLS engine: " + (provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString()
        + ")" : "the JDK's") + (fallback != null ? " (" + fallback + ")" : ""));
    boolean prefer = c.find("tls-prefer-server-ciphers").get().equals("yes");
    checkKeyPair(cert, key, password(c, "tls-key-file-pass"));
    ClientAuth clientAuth = switch (auth) {
      case "yes" -> ClientAuth.REQUIRE;
      case "optional" -> ClientAuth.OPTIONAL;
      default -> ClientAuth.NONE;
    };
    SslContext server = serverContext(c, cert, key, cas, protocols, ciphers, provider, clientAuth);
    // the cluster bus always asks for the peer's certificate, whatever tls-auth-clients says, as Redis's bus does
    SslContext bus = !c.find("tls-cluster").get().equals("yes") || clientAuth == ClientAuth.REQUIRE ? server
        : serverContext(c, cert, key, cas, protocols, ciphers, provider, ClientAuth.REQUIRE);
    SSLContext client;
    try {
      String ccert = c.find("tls-client-cert-file").get();
      String ckey = c.find("tls-client-key-file").get();
      boolean own = !ccert.isEmpty() && !ckey.isEmpty();
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
          .keyManager(new File(own ? ccert : cert), new File(own ? ckey : key),
              password(c, own ? "tls-client-key-file-pass" : "tls-key-file-pass"));
      if (cas != null) {
        b.trustManager(cas);
      }
      client = ((io.netty.handler.ssl.JdkSslContext) b.build()).context();
    } catch (IOException | RuntimeException e) {
      throw new Invalid("Failed to configure the client's TLS certificate and key", e);
    }
    javax.net.ssl.X509TrustManager optional = null;
    if (auth.equals("optional") && cas != null) {
      optional = trustManager(cas);
    }
    return new TlsContexts(server, bus, client, protocols, ciphers, prefer, optional, provider);
  }

  private static SslContext serverContext(Config c, String cert, String key, X509Certificate[] cas, String[] protocols,
      String[] ciphers, SslProvider provider, ClientAuth clientAuth) throws Invalid {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(new File(cert), new File(key), password(c, "tls-key-file-pass"))
          .sslProvider(provider)
          .protocols(protocols)
          .ciphers(Arrays.asList(ciphers))
          .clientAuth(clientAuth);
      if (cas != null) {
        b.trustManager(cas);
      }
      boolean caching = c.find("tls-session-caching").get().equals("yes");
      long size = Long.parseLong(c.find("tls-session-cache-size").get());
      long timeout = Long.parseLong(c.find("tls-session-cache-timeout").get());
      if (caching) {
        b.sessionCacheSize(size).sessionTimeout(timeout);
      }
      SslContext server = b.build();
      if (!caching && server.sessionContext() instanceof OpenSslSessionContext o) {
        o.setSessionCacheEnabled(false);
        o.setTicketKeys(); // no keys: no session tickets either
      }
      return server;
    } catch (IOException | RuntimeException e) {
      throw new Invalid("Failed to configure the server's TLS certificate and key", e);
    }
  }

  private static javax.net.ssl.X509TrustManager trustManager(X509Certificate[] cas) throws Invalid {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < cas.length; i++) {
        ks.setCertificateEntry("ca" + i, cas[i]);
      }
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof javax.net.ssl.X509TrustManager x) {
          return x;
        }
      }
      throw new Invalid("No X.509 trust manager");
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new Invalid("Failed to set up the CA certificates", e);
    }
  }

  private static final java.lang.reflect.Method TO_PRIVATE_KEY;

  static {
    java.lang.reflect.Method m;
    try {
      m = SslContext.class.getDeclaredMethod("toPrivateKey", File.class, String.class);
      m.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      m = null;
    }
    TO_PRIVATE_KEY = m;
  }

  /**
   * The key must open (with its password) and belong to the certificate, as OpenSSL's SSL_CTX_check_private_key makes
   * Redis check; the engines would otherwise take a mismatched pair and fail every handshake later. Netty's PEM reader
   * (PKCS#8, encrypted or not) reads the key.
   */
  private static void checkKeyPair(String cert, String key, String password) throws Invalid {
    java.security.PrivateKey pk;
    X509Certificate x;
    try (InputStream in = Files.newInputStream(Path.of(cert))) {
      x = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | java.security.cert.CertificateException e) {
      throw new Invalid("Failed to load certificate: " + cert, e);
    }
    if (TO_PRIVATE_KEY == null) {
      return;
    }
    try {
      pk = (java.security.PrivateKey) TO_PRIVATE_KEY.invoke(null, new File(key), password);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new Invalid("Failed to load private key: " + key, e.getCause());
    } catch (IllegalAccessException e) {
      return;
    }
    try {
      String alg = switch (pk.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        case "Ed25519", "EdDSA" -> "Ed25519";
        default -> null;
      };
      if (alg == null) {
        return;
      }
      byte[] probe = "cairn".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.security.Signature sign = java.security.Signature.getInstance(alg);
      sign.initSign(pk);
      sign.update(probe);
      byte[] sig = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(alg);
      verify.initVerify(x.getPublicKey());
      verify.update(probe);
      if (!verify.verify(sig)) {
        throw new Invalid("Failed to load private key: " + key + ": key values mismatch");
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new Invalid("Failed to load private key: " + key + ": key values mismatch", e);
    }
  }

  /**
   * The key's password, for a key file that is encrypted: OpenSSL asks for the password only then, so a password
   * left configured for a plain key does no harm (Netty would try to decrypt with it).
   */
  private static String password(Config c, String param) {
    String p = c.find(param).get();
    if (p.isEmpty()) {
      return null;
    }
    String keyParam = param.replace("-pass", "");
    try {
      String pem = Files.readString(Path.of(c.find(keyParam).get()), java.nio.charset.StandardCharsets.ISO_8859_1);
      return pem.contains("ENCRYPTED") ? p : null;
    } catch (IOException | RuntimeException e) {
      return p; // the key's own loading reports the problem
    }
  }

  /** A handler for a connection accepted on the TLS port. */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    SSLEngine e = server.newEngine(alloc);
    SSLParameters p = e.getSSLParameters();
    p.setUseCipherSuitesOrder(preferServerCiphers);
    e.setSSLParameters(p);
    SslHandler h = new SslHandler(e);
    // no handshake deadline (Netty's default closes after 10 s), as Redis has none: a client may connect and stay
    // silent a while, as tcl-tls does until its first command (Redis's suite connects when it starts a server)
    h.setHandshakeTimeoutMillis(0);
    if (optionalClientCheck != null) {
      // OpenSSL's engine accepts any certificate when verification is optional; OpenSSL's own SSL_VERIFY_PEER, as
      // Redis sets it, refuses one that does not verify. Listeners run before any decrypted byte reaches the client.
      h.handshakeFuture().addListener(f -> {
        if (!f.isSuccess()) {
          return;
        }
        try {
          java.security.cert.Certificate[] chain = e.getSession().getPeerCertificates();
          X509Certificate[] x = new X509Certificate[chain.length];
          for (int i = 0; i < chain.length; i++) {
            x[i] = (X509Certificate) chain[i];
          }
          optionalClientCheck.checkClientTrusted(x, x[0].getPublicKey().getAlgorithm());
        } catch (javax.net.ssl.SSLPeerUnverifiedException noCertificate) {
          // optional: none given is fine
        } catch (java.security.cert.CertificateException | RuntimeException bad) {
          Log.log(Log.Level.VERBOSE, "Error accepting a client connection: certificate verify failed: "
              + bad.getMessage());
          h.closeOutbound().addListener(c -> ((io.netty.channel.ChannelFuture) c).channel().close());
        }
      });
    }
    return h;
  }

  /** A handler for a cluster bus link this node accepted (tls-cluster): the peer must show a certificate. */
  public SslHandler newBusHandler(ByteBufAllocator alloc) {
    return bus.newHandler(alloc);
  }

  /**
   * A handler for a link this node opens (the cluster bus under tls-cluster): the client certificate
   * ({@code tls-client-cert-file}, else the server's), the CAs, tls-protocols and the ciphers, no host-name check.
   */
  public SslHandler newClientHandler(String host, int port) {
    SSLEngine e = client.createSSLEngine(host, port);
    e.setUseClientMode(true);
    e.setEnabledProtocols(clientProtocols);
    List<String> usable = new ArrayList<>(Arrays.asList(e.getSupportedCipherSuites()));
    usable.retainAll(Arrays.asList(clientCiphers));
    if (!usable.isEmpty()) {
      e.setEnabledCipherSuites(usable.toArray(String[]::new));
    }
    return new SslHandler(e);
  }

  @Override
  public java.net.Socket wrapClient(java.net.Socket plain, String host, int port) throws IOException {
    javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) client.getSocketFactory().createSocket(plain, host, port, true);
    s.setEnabledProtocols(clientProtocols);
    List<String> usable = new ArrayList<>(Arrays.asList(s.getSupportedCipherSuites()));
    usable.retainAll(Arrays.asList(clientCiphers));
    if (!usable.isEmpty()) {
      s.setEnabledCipherSuites(usable.toArray(String[]::new));
    }
    s.startHandshake();
    return s;
  }

  /** {@code tls-protocols}: words among TLSv1 .. TLSv1.3 (any case); empty is TLS 1.2 and 1.3, Redis's default. */
  static String[] protocols(String spec) throws Invalid {
    if (spec.isBlank()) {
      return new String[] {"TLSv1.2", "TLSv1.3"};
    }
    List<String> out = new ArrayList<>();
    for (String w : spec.trim().split("\\s+")) {
      String found = null;
      for (String p : ALL_PROTOCOLS) {
        if (p.equalsIgnoreCase(w)) {
          found = p;
        }
      }
      if (found == null) {
        throw new Invalid("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and "
            + "'TLSv1.3'.");
      }
      out.add(found);
    }
    return out.toArray(String[]::new);
  }

  /**
   * The engine's TLS 1.2 suites {supported, default (OpenSSL's DEFAULT)} (IANA names, in its order of preference) and
   * its TLS 1.3 ones.
   */
  @SuppressWarnings("unchecked")
  private static List<String>[] suites(SslProvider provider) throws Invalid {
    List<String> supported = new ArrayList<>();
    List<String> defaults = new ArrayList<>();
    List<String> v13 = new ArrayList<>();
    try {
      if (provider == SslProvider.OPENSSL) {
        for (String s : OpenSsl.availableJavaCipherSuites()) {
          (tls13(s) ? v13 : supported).add(s);
        }
        defaults.addAll(supported);
      } else {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        SSLEngine e = ctx.createSSLEngine();
        for (String s : e.getSupportedCipherSuites()) {
          if (tls13(s)) {
            v13.add(s);
          } else if (!s.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
            supported.add(s);
          }
        }
        for (String s : e.getEnabledCipherSuites()) {
          if (!tls13(s) && !s.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
            defaults.add(s);
          }
        }
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new Invalid("The TLS engine cannot be set up", e);
    }
    return new List[] {supported, defaults, v13};
  }

  private static boolean tls13(String s) {
    return s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_");
  }

  /** {@code tls-ciphers} (TLS 1.2, OpenSSL's syntax) and {@code tls-ciphersuites} (TLS 1.3, colon-separated). */
  private static String[] ciphers(String v12, String v13, List<String>[] suites, String[] protocols) throws Invalid {
    // none given: the engine's defaults without RSA key exchange (no forward secrecy), as the JDK has them
    List<String> out = new ArrayList<>(v12.isBlank()
        ? suites[1].stream().filter(s -> !s.startsWith("TLS_RSA_")).toList()
        : CipherString.evaluate(v12, suites[0], suites[1]));
    boolean wants12 = Arrays.asList(protocols).stream().anyMatch(p -> !p.equals("TLSv1.3"));
    if (!v12.isBlank() && out.isEmpty() && wants12) {
      throw new Invalid("Failed to configure ciphers: no cipher match for '" + v12 + "'");
    }
    if (v13.isBlank()) {
      out.addAll(suites[2]);
    } else {
      int before = out.size();
      for (String s : v13.trim().split(":")) {
        if (suites[2].contains(s)) {
          out.add(s);
        }
      }
      if (out.size() == before) {
        throw new Invalid("Failed to configure ciphersuites: no ciphersuite match for '" + v13 + "'");
      }
    }
    return out.toArray(String[]::new);
  }

  /** {@code tls-ca-cert-file} and every certificate file in {@code tls-ca-cert-dir} (OpenSSL's hashed links too). */
  private static X509Certificate[] loadCas(String file, String dir) throws Invalid {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      if (!file.isEmpty()) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
          cf.generateCertificates(in).forEach(x -> out.add((X509Certificate) x));
        }
      }
      if (!dir.isEmpty()) {
        try (var files = Files.list(Path.of(dir))) {
          for (Path p : files.sorted().toList()) {
            if (!Files.isRegularFile(p)) {
              continue;
            }
            try (InputStream in = Files.newInputStream(p)) {
              cf.generateCertificates(in).forEach(x -> out.add((X509Certificate) x));
            } catch (java.security.cert.CertificateException notACertificate) {
              // OpenSSL skips files that hold no certificate too
            }
          }
        }
      }
    } catch (IOException | java.security.cert.CertificateException e) {
      throw new Invalid("Failed to load CA certificates", e);
    }
    if (out.isEmpty()) {
      throw new Invalid("Failed to configure CA certificate(s) file/directory: no certificate found");
    }
    return out.toArray(X509Certificate[]::new);
  }
}
