package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * enable-debug-command, enable-module-command and enable-protected-configs as Redis 7.2 has them: {@code no} (the
 * default) refuses DEBUG, MODULE LOAD/LOADEX/UNLOAD and CONFIG SET of dir and dbfilename to everyone, {@code local}
 * allows them from loopback (and the Unix socket) only, {@code yes} to everyone. The refusal comes right after the arity
 * check, before authentication, as in Redis's processCommand.
 */
class ProtectedActionsIT extends ServerTestBase {
  static final String DEBUG_DENIED = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to "
      + "\"local\", you can run it from a local connection, otherwise you need to set this option in the "
      + "configuration file, and then restart the server.\r\n";
  static final String MODULE_DENIED = "-ERR MODULE command not allowed. If the enable-module-command option is set to "
      + "\"local\", you can run it from a local connection, otherwise you need to set this option in the "
      + "configuration file, and then restart the server.\r\n";

  @Override
  protected String[] serverArgs() {
    return new String[] {"--bind", "0.0.0.0", "--protected-mode", "no", "--enable-debug-command", "local",
        "--enable-module-command", "local", "--enable-protected-configs", "local"};
  }

  @Test
  void localAllowsLoopbackClients() throws Exception {
    try (RawClient r = new RawClient("127.0.0.1", port())) {
      assertEquals("+OK\r\n", r.command("DEBUG", "SLEEP", "0").readReply());
      assertTrue(r.command("MODULE", "UNLOAD", "nosuch").readReply().startsWith("-ERR Error unloading module"));
      assertEquals("+OK\r\n", r.command("CONFIG", "SET", "dbfilename", "other.rdb").readReply());
      assertEquals("+OK\r\n", r.command("CONFIG", "SET", "dbfilename", "dump.rdb").readReply());
    }
  }

  @Test
  void localRefusesOtherClients() throws Exception {
    String ip = ProtectedModeIT.external();
    Assumptions.assumeTrue(ip != null, "no non-loopback IPv4 address on this machine");
    try (RawClient r = new RawClient(ip, port())) {
      assertEquals(DEBUG_DENIED, r.command("DEBUG", "SLEEP", "0").readReply());
      assertEquals(MODULE_DENIED, r.command("MODULE", "LOAD", "/nosuch.jar").readReply());
      assertEquals(MODULE_DENIED, r.command("MODULE", "UNLOAD", "nosuch").readReply());
      assertTrue(r.command("MODULE", "LIST").readReply().startsWith("*"), "MODULE LIST is not protected");
      assertEquals("-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n",
          r.command("CONFIG", "SET", "dir", "/tmp").readReply());
      assertEquals("+PONG\r\n", r.command("PING").readReply(), "the connection stays open");
    }
  }

  @Test
  void noRefusesEveryoneBeforeAuthentication() throws Exception {
    try (InProcessServers servers = new InProcessServers(Files.createTempDirectory("cairn-protected"))) {
      // InProcessServers enables DEBUG as Redis's test configuration does; "no" here is the server's default
      servers.start("--enable-debug-command", "no", "--requirepass", "pw");
      int p = servers.port(servers.clients.get(0));
      try (RawClient r = new RawClient("127.0.0.1", p)) {
        assertEquals(DEBUG_DENIED, r.command("DEBUG", "SLEEP", "0").readReply(), "refused before NOAUTH");
        assertEquals(MODULE_DENIED, r.command("MODULE", "LOAD", "/nosuch.jar").readReply());
        assertEquals("-ERR wrong number of arguments for 'debug' command\r\n", r.command("DEBUG").readReply(),
            "the arity check comes first");
        assertEquals("-NOAUTH Authentication required.\r\n", r.command("GET", "k").readReply());
        assertEquals("+OK\r\n", r.command("AUTH", "pw").readReply());
        assertEquals(DEBUG_DENIED, r.command("DEBUG", "SLEEP", "0").readReply());
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected "
            + "config\r\n", r.command("CONFIG", "SET", "dbfilename", "x.rdb").readReply());
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set "
            + "immutable config\r\n", r.command("CONFIG", "SET", "enable-debug-command", "yes").readReply());
        assertEquals("+OK\r\n", r.command("MULTI").readReply());
        assertEquals(DEBUG_DENIED, r.command("DEBUG", "SLEEP", "0").readReply());
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n",
            r.command("EXEC").readReply());
      }
    }
  }
}
