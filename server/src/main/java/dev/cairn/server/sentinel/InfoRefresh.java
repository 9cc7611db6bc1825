package dev.cairn.server.sentinel;

import dev.cairn.core.log.Log;

/**
 * What a sentinel learns from an instance's INFO (every 10 s, every second for replicas of a failing master): its run
 * id, its role, a master's replicas (discovered from its {@code slaveN:} lines), a replica's master and link. Then it
 * acts on what it saw: the promotion it waits for during a failover, replicas that follow the new master, a replica
 * that turned master or follows the wrong master (reconfigured after a wait, as Redis does).
 */
final class InfoRefresh {
  private final Sentinel sentinel;

  InfoRefresh(Sentinel sentinel) {
    this.sentinel = sentinel;
  }

  void refresh(Instance ri, String info) {
    long now = System.currentTimeMillis();
    ri.info = info;
    ri.masterLinkDownTime = 0;
    int role = 0;
    for (String raw : info.split("\r?\n")) {
      String l = raw.strip();
      if (l.startsWith("run_id:") && l.length() >= 47) {
        String id = l.substring(7, 47);
        if (ri.runId == null || !ri.runId.equals(id)) {
          if (ri.runId != null) {
            sentinel.event(Log.Level.NOTICE, "+reboot", ri, "%@");
            if (ri.is(Instance.MASTER) && ri.masterRebootDownAfterPeriod != 0) {
              ri.flags |= Instance.MASTER_REBOOT;
              ri.masterRebootSinceTime = now;
            }
          }
          ri.runId = id;
        }
      } else if (ri.is(Instance.MASTER) && l.startsWith("slave") && l.indexOf(':') > 5
          && Character.isDigit(l.charAt(5))) {
        slaveLine(ri, l.substring(l.indexOf(':') + 1));
      } else if (l.startsWith("master_link_down_since_seconds:")) {
        ri.masterLinkDownTime = parseLong(l.substring(31)) * 1000;
      } else if (l.equals("role:master")) {
        role = Instance.MASTER;
      } else if (l.equals("role:slave")) {
        role = Instance.SLAVE;
      } else if (role == Instance.SLAVE) {
        if (l.startsWith("master_host:")) {
          String h = l.substring(12);
          if (!h.equals(ri.slaveMasterHost)) {
            ri.slaveMasterHost = h;
            ri.slaveConfChangeTime = now;
          }
        } else if (l.startsWith("master_port:")) {
          int p = (int) parseLong(l.substring(12));
          if (p != ri.slaveMasterPort) {
            ri.slaveMasterPort = p;
            ri.slaveConfChangeTime = now;
          }
        } else if (l.startsWith("master_link_status:")) {
          ri.slaveMasterLinkUp = l.substring(19).equalsIgnoreCase("up");
        } else if (l.startsWith("slave_priority:")) {
          ri.slavePriority = (int) parseLong(l.substring(15));
        } else if (l.startsWith("slave_repl_offset:")) {
          ri.slaveReplOffset = parseLong(l.substring(18));
        } else if (l.startsWith("replica_announced:")) {
          ri.replicaAnnounced = parseLong(l.substring(18)) != 0;
        }
      }
    }
    ri.infoRefresh = now;
    if (role != 0 && role != ri.roleReported) {
      ri.roleReportedTime = now;
      ri.roleReported = role;
      if (role == Instance.SLAVE) {
        ri.slaveConfChangeTime = now;
      }
      boolean coherent = (ri.flags & (Instance.MASTER | Instance.SLAVE)) == role;
      sentinel.event(Log.Level.VERBOSE, coherent ? "+role-change" : "-role-change", ri,
          "%@ new reported role is " + (role == Instance.MASTER ? "master" : "slave"));
    }
    if (sentinel.tilt || role == 0) {
      return; // no actions in TILT mode: our view of time may be wrong
    }
    if (ri.is(Instance.SLAVE) && role == Instance.MASTER) {
      replicaTurnedMaster(ri, now);
    }
    if (ri.is(Instance.SLAVE) && role == Instance.SLAVE
        && (ri.slaveMasterPort != ri.master.port || !ri.master.host.equals(ri.slaveMasterHost))) {
      long wait = ri.master.failoverTimeout;
      if (!ri.is(Instance.RECONF_SENT | Instance.RECONF_INPROG) && masterLooksSane(ri.master)
          && noDownFor(ri, wait) && now - ri.slaveConfChangeTime > wait) {
        if (sendSlaveOf(ri, ri.master.host, ri.master.port)) {
          sentinel.event(Log.Level.NOTICE, "+fix-slave-config", ri, "%@");
        }
      }
    }
    if (ri.is(Instance.SLAVE) && role == Instance.SLAVE && ri.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) {
      Instance promoted = ri.master.promotedSlave;
      if (ri.is(Instance.RECONF_SENT) && promoted != null && promoted.port == ri.slaveMasterPort
          && promoted.host.equals(ri.slaveMasterHost)) {
        ri.flags &= ~Instance.RECONF_SENT;
        ri.flags |= Instance.RECONF_INPROG;
        sentinel.event(Log.Level.NOTICE, "+slave-reconf-inprog", ri, "%@");
      }
      if (ri.is(Instance.RECONF_INPROG) && ri.slaveMasterLinkUp) {
        ri.flags &= ~Instance.RECONF_INPROG;
        ri.flags |= Instance.RECONF_DONE;
        sentinel.event(Log.Level.NOTICE, "+slave-reconf-done", ri, "%@");
      }
    }
  }

  private void replicaTurnedMaster(Instance ri, long now) {
    Instance m = ri.master;
    if (ri.is(Instance.PROMOTED) && m.is(Instance.FAILOVER_IN_PROGRESS)
        && m.failoverState == Instance.FO_WAIT_PROMOTION) {
      // the promotion we asked for: this replica is the new master under our failover's epoch
      m.configEpoch = m.failoverEpoch;
      m.failoverState = Instance.FO_RECONF_SLAVES;
      m.failoverStateChangeTime = now;
      sentinel.config.flush();
      sentinel.event(Log.Level.WARNING, "+promoted-slave", ri, "%@");
      if ((sentinel.simulateFailureFlags & SentinelCommands.SIMFAILURE_CRASH_AFTER_PROMOTION) != 0) {
        Log.log(Log.Level.WARNING, "Simulated failure: crash after promotion");
        Runtime.getRuntime().halt(99);
      }
      sentinel.event(Log.Level.WARNING, "+failover-state-reconf-slaves", m, "%@");
      sentinel.clientReconfScript(m, true, m.host, m.port, ri.host, ri.port);
      sentinel.hello.forceUpdateForMaster(m);
      return;
    }
    // a replica that says it is a master, outside a failover of ours: make it a replica again after a while, unless
    // the configuration changes meanwhile (another sentinel's failover would be announced by hellos)
    long wait = sentinel.publishPeriod * 4;
    if (!ri.is(Instance.PROMOTED) && masterLooksSane(m) && noDownFor(ri, wait) && now - ri.roleReportedTime > wait) {
      if (sendSlaveOf(ri, m.host, m.port)) {
        sentinel.event(Log.Level.NOTICE, "+convert-to-slave", ri, "%@");
      }
    }
  }

  boolean masterLooksSane(Instance m) {
    return m.is(Instance.MASTER) && m.roleReported == Instance.MASTER && !m.is(Instance.S_DOWN | Instance.O_DOWN)
        && System.currentTimeMillis() - m.infoRefresh < sentinel.infoPeriod * 2;
  }

  private static boolean noDownFor(Instance ri, long ms) {
    long mostRecent = Math.max(ri.sDownSinceTime, ri.linkDownSince);
    if (ri.is(Instance.S_DOWN) || ri.linkDown()) {
      return false;
    }
    return mostRecent == 0 || System.currentTimeMillis() - mostRecent > ms;
  }

  /** {@code slaveN:ip=...,port=...,state=...,offset=...,lag=...}: a replica the master reports. */
  private void slaveLine(Instance master, String fields) {
    String ip = null;
    int port = 0;
    for (String kv : fields.split(",")) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String k = kv.substring(0, eq);
      String v = kv.substring(eq + 1);
      if (k.equals("ip")) {
        ip = v;
      } else if (k.equals("port")) {
        port = (int) parseLong(v);
      }
    }
    if (ip == null || port == 0) {
      return;
    }
    String name = Instance.announceHost(ip) + ":" + port;
    if (!master.slaves.containsKey(name)) {
      Instance s = sentinel.addSlave(master, ip, port);
      sentinel.event(Log.Level.NOTICE, "+slave", s, "%@");
      sentinel.config.flush();
    }
  }

  /**
   * Makes {@code ri} a replica of host:port (null host: a master), in one transaction with CONFIG REWRITE and the
   * disconnection of its normal and pub/sub clients (so they reconnect and find the new topology), as Redis's sentinel
   * does. False when the link is down.
   */
  boolean sendSlaveOf(Instance ri, String host, int port) {
    if (ri.linkDown()) {
      return false;
    }
    Link cc = ri.cc;
    cc.send(null, ri.command("MULTI"));
    if (host == null) {
      cc.send(null, ri.command("SLAVEOF"), "NO", "ONE");
    } else {
      cc.send(null, ri.command("SLAVEOF"), host, Integer.toString(port));
    }
    cc.send(null, ri.command("CONFIG"), "REWRITE");
    cc.send(null, ri.command("CLIENT"), "KILL", "TYPE", "normal");
    cc.send(null, ri.command("CLIENT"), "KILL", "TYPE", "pubsub");
    cc.send(null, ri.command("EXEC"));
    return true;
  }

  static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
