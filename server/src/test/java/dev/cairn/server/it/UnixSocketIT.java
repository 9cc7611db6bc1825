package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
