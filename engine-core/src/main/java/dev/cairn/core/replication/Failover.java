package dev.cairn.core.replication;

import dev.cairn.api.command.Args;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.log.Log;

/**
 * FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: a coordinated switch of roles with one of this master's
 * replicas. Writes are paused; once the target (or, without TO, any replica) has acknowledged the master's whole
 * offset, the master becomes a replica of it and sends {@code PSYNC <id> <offset> FAILOVER}, which makes the target a
 * master that continues the same history; the pause ends when that PSYNC is answered. A timeout aborts, or with FORCE
 * fails over regardless.
 */
final class Failover {
  enum State {
    NONE("no-failover"), WAITING_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

    final String info;

    State(String info) {
      this.info = info;
    }
  }

  private final Replication repl;
  State state = State.NONE;
  private String host;
  private int port;
  private boolean force;
  private long endMillis;

  Failover(Replication repl) {
    this.repl = repl;
  }

  boolean inProgress() {
    return state == State.IN_PROGRESS;
  }

  /** FAILOVER ... (the reply is the caller's +OK). */
  void command(Args a) {
    if (a.size() == 2 && a.is(1, "abort")) {
      if (state == State.NONE) {
        throw Errors.err("No failover in progress.");
      }
      abort("Failover manually aborted");
      return;
    }
    long timeout = 0;
    boolean forceFlag = false;
    String toHost = null;
    long toPort = 0;
    for (int j = 1; j < a.size(); j++) {
      if (a.is(j, "timeout") && j + 1 < a.size() && timeout == 0) {
        timeout = a.longArg(j + 1);
        if (timeout <= 0) {
          throw Errors.err("FAILOVER timeout must be greater than 0");
        }
        j++;
      } else if (a.is(j, "to") && j + 2 < a.size() && toHost == null) {
        toPort = a.longArg(j + 2);
        toHost = a.string(j + 1);
        j += 2;
      } else if (a.is(j, "force") && !forceFlag) {
        forceFlag = true;
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (state != State.NONE) {
      throw Errors.err("FAILOVER already in progress.");
    }
    if (repl.isReplica()) {
      throw Errors.err("FAILOVER is not valid when server is a replica.");
    }
    if (repl.replicas.isEmpty()) {
      throw Errors.err("FAILOVER requires connected replicas.");
    }
    if (forceFlag && (timeout == 0 || toHost == null)) {
      throw Errors.err("FAILOVER with force option requires both a timeout and target HOST and IP.");
    }
    if (toHost != null) {
      ReplicaLink r = find(toHost, (int) toPort);
      if (r == null) {
        throw Errors.err("FAILOVER target HOST and PORT is not a replica.");
      }
      if (r.state != ReplicaLink.State.ONLINE) {
        throw Errors.err("FAILOVER target replica is not online.");
      }
      host = toHost;
      port = (int) toPort;
      Log.log(Log.Level.NOTICE, "FAILOVER requested to " + host + ":" + port + ".");
    } else {
      host = null;
      Log.log(Log.Level.NOTICE, "FAILOVER requested to any replica.");
    }
    endMillis = timeout > 0 ? System.currentTimeMillis() + timeout : 0;
    force = forceFlag;
    state = State.WAITING_FOR_SYNC;
    repl.engine.pauses().pause(Long.MAX_VALUE, true);
    repl.requestAcks();
  }

  private ReplicaLink find(String h, int p) {
    for (ReplicaLink r : repl.replicas) {
      if (r.ip().equals(h) && r.listeningPort == p) {
        return r;
      }
    }
    return null;
  }

  /** From the cron and on each ACK: starts the switch once a replica caught up, or times out. */
  void update(long now) {
    if (state == State.IN_PROGRESS && endMillis != 0 && endMillis <= now && !repl.masterLinkUp()) {
      abort("Failover target never became a master before timeout");
      return;
    }
    if (state != State.WAITING_FOR_SYNC) {
      return;
    }
    if (endMillis != 0 && endMillis <= now) {
      if (force) {
        Log.log(Log.Level.NOTICE, "FAILOVER to " + host + ":" + port + " time out exceeded, failing over.");
        begin();
      } else {
        abort("Replica never caught up before timeout");
      }
      return;
    }
    long offset = repl.offset();
    ReplicaLink target = null;
    if (host != null) {
      target = find(host, port);
    } else {
      for (ReplicaLink r : repl.replicas) {
        if (r.state == ReplicaLink.State.ONLINE && r.ackOffset == offset) {
          target = r;
          host = r.ip();
          port = r.listeningPort;
          break;
        }
      }
    }
    if (target != null && target.ackOffset == offset) {
      Log.log(Log.Level.NOTICE, "Failover target " + host + ":" + port + " is synced, failing over.");
      begin();
    }
  }

  private void begin() {
    state = State.IN_PROGRESS;
    repl.replicaOf(host, port, null, "failover");
  }

  /** The target answered our PSYNC FAILOVER: the switch is complete. */
  void pSyncAnswered(boolean accepted) {
    if (state != State.IN_PROGRESS) {
      return;
    }
    if (accepted) {
      clear();
    } else {
      abort("Failover target rejected psync request");
    }
  }

  void abort(String reason) {
    if (state == State.NONE) {
      return;
    }
    Log.log(Log.Level.NOTICE, (host != null ? "FAILOVER to " + host + ":" + port : "FAILOVER to any replica")
        + " aborted: " + reason);
    if (state == State.IN_PROGRESS) {
      repl.replicaOfNoOne(null);
    }
    clear();
  }

  private void clear() {
    state = State.NONE;
    host = null;
    force = false;
    endMillis = 0;
    repl.engine.pauses().unpause();
  }

  static final RedisException MISMATCH = Errors.err("PSYNC FAILOVER replid must match my replid.");
}
