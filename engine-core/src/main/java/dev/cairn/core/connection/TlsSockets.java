package dev.cairn.core.connection;

import java.io.IOException;
import java.net.Socket;

/**
 * TLS for the connections the server makes itself (a replica's link to its master under {@code tls-replication}):
 * the server module builds it from the {@code tls-*} parameters and sets it on the engine ({@code Engine.tls}).
 */
@FunctionalInterface
public interface TlsSockets {
  /** A TLS socket over {@code plain}, already connected to {@code host}:{@code port}, its handshake done. */
  Socket wrapClient(Socket plain, String host, int port) throws IOException;
}
