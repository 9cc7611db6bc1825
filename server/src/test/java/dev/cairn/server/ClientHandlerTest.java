package dev.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientHandlerTest {
  private static String fmt(String ip, int port) throws Exception {
    return ClientHandler.format(new InetSocketAddress(InetAddress.getByName(ip), port));
  }

  @Test
  void addressesAsRedisShowsThem() throws Exception {
    assertEquals("127.0.0.1:6379", fmt("127.0.0.1", 6379));
    assertEquals("[::1]:6379", fmt("::1", 6379));
    assertEquals("[::]:1", fmt("::", 1));
    assertEquals("[2001:db8::1]:2", fmt("2001:db8:0:0:0:0:0:1", 2));
    assertEquals("[2001:db8:0:1:1:1:1:1]:3", fmt("2001:db8:0:1:1:1:1:1", 3)); // a single zero group stays
    assertEquals("[2001:0:0:1::1]:4", fmt("2001:0:0:1:0:0:0:1", 4)); // the longest run wins
    assertEquals("[fe80::1:0:0:2]:5", fmt("fe80:0:0:0:1:0:0:2", 5)); // the first of equal runs
  }
}
