package dev.cairn.server.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A master played by a test: it accepts one replica, answers its handshake (PING with PONG, anything else but PSYNC
 * with OK), and on PSYNC hands the socket's output to the test, which writes the sync as it wants.
 */
final class ScriptedMaster {
  /** What the test sends after PSYNC. */
  interface Sync {
    void write(OutputStream out) throws Exception;
  }

  private ScriptedMaster() {
  }

  /** Serves one replica on {@code socket}; returns when {@code sync} returned or the replica closed the link. */
  static void serve(ServerSocket socket, Sync sync) {
    try (Socket s = socket.accept()) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      while (true) {
        String line = in.readLine();
        if (line == null) {
          return;
        }
        if (!line.startsWith("*")) {
          continue;
        }
        int n = Integer.parseInt(line.substring(1));
        String cmd = null;
        for (int i = 0; i < n; i++) {
          in.readLine();
          String arg = in.readLine();
          if (i == 0) {
            cmd = arg.toUpperCase(Locale.ROOT);
          }
        }
        if (cmd.equals("PSYNC")) {
          sync.write(out);
          return;
        }
        out.write((cmd.equals("PING") ? "+PONG\r\n" : "+OK\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (Exception e) {
      // the replica closed the link
    }
  }
}
