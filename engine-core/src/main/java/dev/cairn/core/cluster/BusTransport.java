package dev.cairn.core.cluster;

/** Opens the bus's outbound links (implemented by the server module); events come back to {@link Gossip}. */
public interface BusTransport {
  /** Starts connecting; {@link Gossip#connected} or {@link Gossip#closed} follows on the engine thread. */
  BusLink connect(String ip, int port);

  /** Closes the listener. */
  void close();
}
