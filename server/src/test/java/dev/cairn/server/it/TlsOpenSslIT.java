package dev.cairn.server.it;

import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestInstance;

/** {@link TlsIT} with the OpenSSL engine (BoringSSL through netty-tcnative) instead of the JDK's. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsOpenSslIT extends TlsIT {
  @Override
  protected String[] serverArgs() {
    Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
    System.setProperty("cairn.tls.provider", "openssl"); // read when the server builds its contexts
    return super.serverArgs();
  }

  @AfterAll
  void defaultEngine() {
    System.clearProperty("cairn.tls.provider");
  }
}
