package dev.cairn.core.connection;

/** The network side of a client, as the engine needs it; the server module implements it over a Netty channel. */
public interface Connection {
  /** {@code ip:port} of the peer. */
  String remoteAddress();

  /** {@code ip:port} of our end. */
  String localAddress();

  /** A file-descriptor-like number for CLIENT LIST ({@code fd=}). */
  int fd();

  /** Writes what replies are pending to the socket now (for output produced outside the client's own commands). */
  void flush();

  /** Closes after pending replies are written (QUIT, a protocol error). */
  void closeAfterReply();

  /** Closes at once (CLIENT KILL, output-buffer limit). */
  void closeNow();

  /** Bytes of replies accepted but not yet written to the socket. */
  long pendingOutputBytes();

  /** Bytes read but not yet parsed into commands (the query buffer). */
  long queryBufferBytes();

  /** Starts processing commands again after {@link Session#suspended()} stopped it (unblock, unpause). */
  void resumeProcessing();
}
