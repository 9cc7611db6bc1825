package dev.cairn.core.replication;

import dev.cairn.core.connection.Session;

/**
 * A replica as its master sees it: the client that sent SYNC or PSYNC, where it is in its sync (Redis's replstate),
 * what it announced with REPLCONF, and what it acknowledged.
 */
final class ReplicaLink {
  /** Redis's replica states, with the names INFO prints. */
  enum State {
    WAIT_BGSAVE_START("wait_bgsave"), WAIT_BGSAVE_END("wait_bgsave"), SEND_BULK("send_bulk"), ONLINE("online");

    final String info;

    State(String info) {
      this.info = info;
    }
  }

  final Session session;
  State state = State.WAIT_BGSAVE_START;
  /** REPLCONF listening-port / ip-address. */
  int listeningPort;
  String announcedIp;
  boolean capaEof;
  boolean capaPsync2;
  /** The offset the replica last acknowledged (REPLCONF ACK), and when (ms). */
  long ackOffset;
  /** What it acknowledged as fsynced to its AOF (REPLCONF ACK ... FACK), for WAITAOF. */
  long aofAckOffset;
  long ackMillis = System.currentTimeMillis();
  /** When it started waiting for a full sync (repl-diskless-sync-delay counts from here). */
  final long waitSinceMillis = System.currentTimeMillis();
  /**
   * The offset of the next stream byte to queue on its socket: the stream is the shared replication buffer's, from
   * which an online replica gets slices at the end of each batch; one waiting for its RDB keeps its place meanwhile.
   */
  long sendFrom;
  /** The offset of the snapshot the replica syncs from (its FULLRESYNC offset). */
  long syncOffset;
  /** SYNC (old protocol: no +FULLRESYNC line) rather than PSYNC. */
  boolean oldSync;
  /** Waiting for its RDB before the stream may go. */
  boolean waitingForRdb;
  /** A diskless sync: the bytes its socket held at the last cron, and when it last took some (the sync's timeout). */
  long syncPending;
  long syncProgressMillis;

  ReplicaLink(Session session) {
    this.session = session;
  }

  /** The ip INFO and ROLE show: what the replica announced, else the address it connected from. */
  String ip() {
    if (announcedIp != null) {
      return announcedIp;
    }
    String addr = session.connection.remoteAddress();
    int colon = addr.lastIndexOf(':');
    return colon < 0 ? addr : addr.substring(0, colon);
  }
}
