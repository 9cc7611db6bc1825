package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link TlsIT} with the default engine: OpenSSL (BoringSSL through netty-tcnative), with the JDK's for cipher lists
 * BoringSSL cannot serve.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsOpenSslIT extends TlsIT {
  @Override
  protected String engineProperty() {
    return null;
  }

  @Override
  protected String[] serverArgs() {
    Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
    return super.serverArgs();
  }

  @Override
  protected SslProvider defaultEngine() {
    return SslProvider.OPENSSL;
  }

  @Test
  void openSslIsTheDefaultEngine() {
    assertEquals(SslProvider.OPENSSL, engineInUse());
  }

  @Test
  void tls13SuitesBoringSslCannotRestrictFallBackToTheJdk() {
    jedis.configSet("tls-ciphersuites", "TLS_AES_256_GCM_SHA384");
    try {
      assertEquals(SslProvider.JDK, engineInUse());
    } finally {
      jedis.configSet("tls-ciphersuites", "");
    }
    assertEquals(SslProvider.OPENSSL, engineInUse());
  }
}
