package dev.cairn.server.sentinel;

import dev.cairn.core.log.Log;

/**
 * Hello messages: every two seconds a sentinel publishes on {@code __sentinel__:hello} of each master and replica it
 * monitors (and sends to each sentinel it knows, whose PUBLISH takes hellos) the line
 * {@code ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch}. Sentinels discover each
 * other from them, and a newer configuration epoch of a master spreads the failover's result.
 */
final class Hello {
  private final Sentinel sentinel;

  Hello(Sentinel sentinel) {
    this.sentinel = sentinel;
  }

  /** Sends our hello to {@code ri}; false when it cannot be sent (link down, no address to announce). */
  boolean send(Instance ri) {
    if (ri.linkDown()) {
      return false;
    }
    Instance m = ri.is(Instance.MASTER) ? ri : ri.master;
    String ip = sentinel.announceIp(ri.cc);
    if (ip == null) {
      return false;
    }
    Instance addr = Sentinel.currentAddress(m);
    String payload = ip + "," + sentinel.announcePort() + "," + sentinel.myId + "," + sentinel.currentEpoch + ","
        + m.name + "," + sentinel.announceAddr(addr.host) + "," + addr.port + "," + m.configEpoch;
    ri.cc.send(r -> {
      if (!r.error()) {
        ri.lastPubTime = System.currentTimeMillis();
      }
    }, ri.command("PUBLISH"), Sentinel.HELLO_CHANNEL, payload);
    ri.lastPubTime = System.currentTimeMillis();
    return true;
  }

  /** After a promotion: hellos to the master's instances at the next tick, so the new epoch spreads at once. */
  void forceUpdateForMaster(Instance m) {
    m.lastPubTime = 0;
    m.slaves.values().forEach(s -> s.lastPubTime = 0);
    m.sentinels.values().forEach(s -> s.lastPubTime = 0);
  }

  /** A hello received on a monitored instance's channel ({@code from}) or by PUBLISH to this sentinel (null). */
  void process(String payload, Instance from) {
    if (payload == null) {
      return;
    }
    String[] t = payload.split(",", -1);
    if (t.length != 8) {
      return;
    }
    if (from != null) {
      from.lastHelloTime = System.currentTimeMillis();
    }
    if (t[2].equals(sentinel.myId)) {
      return; // our own
    }
    Instance master = sentinel.master(t[4]);
    if (master == null) {
      return;
    }
    int port;
    long epoch;
    int masterPort;
    long masterConfigEpoch;
    try {
      port = Integer.parseInt(t[1]);
      epoch = Long.parseLong(t[3]);
      masterPort = Integer.parseInt(t[6]);
      masterConfigEpoch = Long.parseLong(t[7]);
    } catch (NumberFormatException e) {
      return;
    }
    String ip = t[0];
    String runId = t[2];
    Instance si = null;
    for (Instance s : master.sentinels.values()) {
      if (s.port == port && s.host.equals(ip) && runId.equals(s.runId)) {
        si = s;
      }
    }
    if (si == null) {
      // a sentinel we know by run id at another address moved; another at this address with another id is stale
      boolean removed = false;
      for (Instance m : sentinel.masters.values()) {
        for (Instance s : new java.util.ArrayList<>(m.sentinels.values())) {
          if (runId.equals(s.runId)) {
            s.closeLinks();
            m.sentinels.remove(s.name);
            removed = removed || m == master;
          }
        }
      }
      if (removed) {
        sentinel.event(Log.Level.NOTICE, "+sentinel-address-switch", master,
            "%@ ip " + ip + " port " + port + " for " + runId);
      } else {
        for (Instance s : master.sentinels.values()) {
          if (s.port == port && s.host.equals(ip)) {
            sentinel.event(Log.Level.NOTICE, "+sentinel-invalid-addr", s, "%@");
            s.closeLinks();
            s.port = 0; // its address is not valid any more: not reconnected
          }
        }
        master.sentinels.values().removeIf(s -> s.port == 0);
      }
      si = sentinel.addSentinel(master, ip, port, runId);
      sentinel.event(Log.Level.NOTICE, "+sentinel", si, "%@");
      sentinel.config.flush();
    }
    if (sentinel.currentEpoch < epoch) {
      sentinel.currentEpoch = epoch;
      sentinel.config.flush();
      sentinel.event(Log.Level.WARNING, "+new-epoch", null, Long.toString(epoch));
    }
    if (master.configEpoch < masterConfigEpoch) {
      master.configEpoch = masterConfigEpoch;
      if (masterPort != master.port || !master.host.equals(t[5])) {
        String oldHost = master.host;
        int oldPort = master.port;
        sentinel.event(Log.Level.WARNING, "+config-update-from", si, "%@");
        sentinel.event(Log.Level.WARNING, "+switch-master", master,
            master.name + " " + sentinel.announceAddr(oldHost) + " " + oldPort + " " + t[5] + " " + masterPort);
        sentinel.resetMasterAndChangeAddress(master, t[5], masterPort);
        sentinel.clientReconfScript(master, false, oldHost, oldPort, t[5], masterPort);
      }
    }
    si.lastHelloTime = System.currentTimeMillis();
  }
}
