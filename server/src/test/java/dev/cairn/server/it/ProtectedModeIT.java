package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * protected-mode from a non-loopback address: refused with Redis's DENIED text while the default user has no password,
 * served once it has one; loopback clients are always served.
 */
class ProtectedModeIT extends ServerTestBase {
  /** A non-loopback IPv4 address of this machine, or null. */
  static String external() throws Exception {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a.getHostAddress();
        }
      }
    }
    return null;
  }

  @Override
  protected String[] serverArgs() {
    return new String[] {"--bind", "0.0.0.0"};
  }

  @Test
  void nonLoopbackClientsNeedAPassword() throws Exception {
    String ip = external();
    Assumptions.assumeTrue(ip != null, "no non-loopback IPv4 address on this machine");
    try (RawClient r = new RawClient(ip, port())) {
      String reply = r.command("PING").readReply();
      assertTrue(reply.startsWith("-DENIED Redis is running in protected mode because protected mode is enabled and "
          + "no password is set for the default user."), reply);
      assertTrue(reply.endsWith("start accepting connections from the outside.\r\n"), reply);
      assertTrue(r.closedByServer());
    }
    assertEquals("PONG", jedis.ping(), "loopback is served");
    jedis.configSet("requirepass", "pw");
    try (RawClient r = new RawClient(ip, port())) {
      assertEquals("-NOAUTH Authentication required.\r\n", r.command("PING").readReply());
      assertEquals("+OK\r\n", r.command("AUTH", "pw").readReply());
      assertEquals("+PONG\r\n", r.command("PING").readReply());
    } finally {
      jedis.auth("pw");
      jedis.configSet("requirepass", "");
    }
    jedis.configSet("protected-mode", "no");
    try (RawClient r = new RawClient(ip, port())) {
      assertEquals("+PONG\r\n", r.command("PING").readReply());
    } finally {
      jedis.configSet("protected-mode", "yes");
    }
  }
}
