package dev.cairn.server.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A socket that sends raw bytes and reads RESP replies back as text, for protocol edge cases. */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawClient(String host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(5000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public RawClient send(String s) throws IOException {
    return send(s.getBytes(StandardCharsets.UTF_8));
  }

  public RawClient send(byte[] b) throws IOException {
    out.write(b);
    out.flush();
    return this;
  }

  /** Sends a command as a RESP multibulk. */
  public RawClient command(String... args) throws IOException {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    return send(sb.toString());
  }

  /** Reads one whole RESP reply and returns its exact bytes as text (CRLFs included). */
  public String readReply() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    readValue(buf);
    return buf.toString(StandardCharsets.UTF_8);
  }

  private void readValue(ByteArrayOutputStream buf) throws IOException {
    String line = readLine(buf);
    char type = line.charAt(0);
    switch (type) {
      case '$', '=', '!' -> {
        int len = Integer.parseInt(line.substring(1));
        if (len >= 0) {
          buf.write(in.readNBytes(len + 2));
        }
      }
      case '*', '~', '>' -> {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < n; i++) {
          readValue(buf);
        }
      }
      case '%', '|' -> {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < 2 * n; i++) {
          readValue(buf);
        }
      }
      default -> { }
    }
  }

  private String readLine(ByteArrayOutputStream buf) throws IOException {
    StringBuilder sb = new StringBuilder();
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed; read so far: " + buf.toString(StandardCharsets.UTF_8) + sb);
      }
      buf.write(c);
      if (prev == '\r' && c == '\n') {
        return sb.substring(0, sb.length() - 1);
      }
      sb.append((char) c);
      prev = c;
    }
  }

  /** True if the server closed the connection (reads end of stream within the timeout). */
  public boolean closedByServer() throws IOException {
    try {
      socket.setSoTimeout(3000);
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  public void setTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /** Our end's port (CLIENT LIST shows it in addr=). */
  public int localPort() {
    return socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
