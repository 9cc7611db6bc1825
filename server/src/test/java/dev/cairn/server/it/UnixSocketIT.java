package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ConfigFile;
import dev.cairn.core.config.ServerParams;
import dev.cairn.server.CairnServer;
import io.netty.channel.epoll.Epoll;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unixsocket}: clients on a Unix domain socket are served like TCP ones (Redis's test harness uses one). */
class UnixSocketIT {
  @TempDir
  Path dir;

  @Test
  void servesClientsOnTheSocketAndRemovesItOnClose() throws Exception {
    Assumptions.assumeTrue(Epoll.isAvailable(), "Unix sockets need native epoll");
    Path sock = dir.resolve("cairn.sock");
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes", "--unixsocket", sock.toString(),
        "--unixsocketperm", "700"});
    CairnServer server = CairnServer.start(config, params);
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(sock));
      ch.write(ByteBuffer.wrap("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
          .getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer in = ByteBuffer.allocate(64);
      String reply = "";
      while (reply.length() < "+OK\r\n$1\r\nv\r\n".length()) {
        ch.read(in);
        reply = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
      }
      assertEquals("+OK\r\n$1\r\nv\r\n", reply);
      assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(sock)));
    } finally {
      server.close();
    }
    assertFalse(Files.exists(sock));
  }

  /** bind "" at start-up (what CONFIG REWRITE writes after CONFIG SET bind ""): no TCP listener, the socket serves. */
  @Test
  void anEmptyBindListensOnTheSocketOnly() throws Exception {
    Assumptions.assumeTrue(Epoll.isAvailable(), "Unix sockets need native epoll");
    Path sock = dir.resolve("only.sock");
    int port = RealRedis.freePort();
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    ConfigFile.load(config, new String[] {"--port", Integer.toString(port), "--bind", "", "--unixsocket",
        sock.toString()});
    CairnServer server = CairnServer.start(config, params);
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      assertThrows(java.net.ConnectException.class, () -> new java.net.Socket("127.0.0.1", port).close());
      ch.connect(UnixDomainSocketAddress.of(sock));
      ch.write(ByteBuffer.wrap("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer in = ByteBuffer.allocate(16);
      while (in.position() < "+PONG\r\n".length()) {
        ch.read(in);
      }
      assertEquals("+PONG\r\n", new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
    } finally {
      server.close();
    }
  }
}
