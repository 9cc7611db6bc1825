package dev.cairn.server.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** {@link TlsIT} with the JDK's TLS engine instead of OpenSSL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsJdkIT extends TlsIT {
  @Override
  protected String[] serverArgs() {
    System.setProperty("cairn.tls.provider", "jdk"); // read when the server builds its contexts
    return super.serverArgs();
  }

  @AfterAll
  void defaultEngine() {
    System.clearProperty("cairn.tls.provider");
  }
}
