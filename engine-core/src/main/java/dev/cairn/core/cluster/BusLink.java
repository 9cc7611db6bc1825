package dev.cairn.core.cluster;

import io.netty.buffer.ByteBuf;

/**
 * One TCP connection of the cluster bus: outbound (we connected, to ping {@link #node}) or inbound (a node connected
 * to us; its sender is known from each message). The transport (the server module's Netty code) implements the I/O;
 * its events reach {@link Gossip} on the engine thread.
 */
public abstract class BusLink {
  public final boolean inbound;
  public final long ctime = System.currentTimeMillis();
  /** When an outbound link became usable (connected, and its TLS handshake done under tls-cluster); 0 until then. */
  long establishedAt;
  ClusterNode node;
  long sentBytes;
  long receivedBytes;

  protected BusLink(boolean inbound) {
    this.inbound = inbound;
  }

  /** Queues a message (the link takes the buffer). */
  public abstract void send(ByteBuf message);

  public abstract void close();

  /** This end's IP address as the peer sees it (a MEET tells a node its own address). */
  public abstract String localIp();

  public abstract String remoteIp();

  /** Whether the connection is established (an outbound link connects after it is made). */
  public abstract boolean connected();

  /** Bytes queued and not yet written (CLUSTER LINKS send-buffer-allocated). */
  public abstract long pendingBytes();
}
