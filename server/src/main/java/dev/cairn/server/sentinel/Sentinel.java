package dev.cairn.server.sentinel;

import dev.cairn.core.Engine;
import dev.cairn.core.log.Log;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The sentinel: the masters it monitors and its monitoring loop, on the engine thread. Every 50-100 ms (Redis runs its
 * sentinel timer at a randomized hz so that sentinels do not act in lock step) each instance is reconnected if needed,
 * gets its periodic PING, INFO and hello, and is checked for SDOWN; masters also for ODOWN and failover
 * ({@link Failover}). INFO replies are read by {@link InfoRefresh}, hellos by {@link Hello}.
 */
public final class Sentinel {
  static final String HELLO_CHANNEL = "__sentinel__:hello";
  static final int MAX_PENDING_COMMANDS = 100;

  // timings; SENTINEL DEBUG changes them
  long infoPeriod = 10000;
  long pingPeriod = 1000;
  long askPeriod = 1000;
  long publishPeriod = 2000;
  long defaultDownAfter = 30000;
  long tiltTrigger = 2000;
  long tiltPeriod = 30000;
  long slaveReconfTimeout = 10000;
  long minLinkReconnectPeriod = 15000;
  long defaultFailoverTimeout = 180000;
  long electionTimeout = 10000;
  long scriptMaxRuntime = 60000;
  long scriptRetryDelay = 30000;

  Engine engine;
  private EventLoop loop;
  final SentinelConfig config;
  final Failover failover = new Failover(this);
  final InfoRefresh infoRefresh = new InfoRefresh(this);
  final Hello hello = new Hello(this);
  final Scripts scripts = new Scripts(this);
  final Map<String, Instance> masters = new LinkedHashMap<>();
  String myId;
  long currentEpoch;
  boolean tilt;
  long tiltStartTime;
  private long previousTime = System.currentTimeMillis();
  String announceIp;
  int announcePort;
  boolean denyScriptsReconfig = true;
  boolean resolveHostnames;
  boolean announceHostnames;
  String sentinelUser;
  String sentinelPass;
  int simulateFailureFlags;
  private boolean stopped;

  /** A sentinel whose state the configuration file fills in; it runs once {@link #start}ed on a server. */
  Sentinel(SentinelConfig config) {
    this.config = config;
  }

  /** The TLS contexts for links to instances under tls-replication (Redis's sentinel uses it for all its links). */
  private dev.cairn.server.tls.TlsContexts linkTls() {
    return engine.config().find("tls-replication").get().equals("yes")
        && engine.tls instanceof dev.cairn.server.tls.TlsContexts t ? t : null;
  }

  /** Starts the loop on the server's engine thread. */
  void start(Engine engine, EventLoop loop) {
    this.engine = engine;
    this.loop = loop;
    // the time the configuration took to load is no clock jump, and no instance was unreachable meanwhile
    long now = System.currentTimeMillis();
    previousTime = now;
    for (Instance m : masters.values()) {
      List<Instance> all = new ArrayList<>(m.slaves.values());
      all.addAll(m.sentinels.values());
      all.add(m);
      for (Instance i : all) {
        i.lastAvailTime = now;
        i.lastPongTime = now;
        i.roleReportedTime = now;
        i.slaveConfChangeTime = now;
        i.lastHelloTime = now;
      }
    }
    scheduleTick();
  }

  void stop() {
    stopped = true;
    for (Instance m : masters.values()) {
      closeAll(m);
    }
  }

  private void scheduleTick() {
    if (stopped) {
      return;
    }
    long delay = 50 + ThreadLocalRandom.current().nextInt(51);
    loop.schedule(() -> {
      try {
        tick();
      } catch (RuntimeException e) {
        Log.log(Log.Level.WARNING, "Sentinel timer error: " + e);
      }
      scheduleTick();
    }, delay, TimeUnit.MILLISECONDS);
  }

  void tick() {
    checkTilt();
    Instance switchTo = null;
    for (Instance m : new ArrayList<>(masters.values())) {
      handle(m);
      for (Instance s : new ArrayList<>(m.slaves.values())) {
        handle(s);
      }
      for (Instance s : new ArrayList<>(m.sentinels.values())) {
        handle(s);
      }
      if (m.failoverState == Instance.FO_UPDATE_CONFIG) {
        switchTo = m;
      }
    }
    if (switchTo != null) {
      failover.switchToPromotedSlave(switchTo);
    }
    scripts.tick(System.currentTimeMillis());
  }

  private void checkTilt() {
    long now = System.currentTimeMillis();
    long delta = now - previousTime;
    if (delta < 0 || delta > tiltTrigger) {
      tilt = true;
      tiltStartTime = now;
      event(Log.Level.WARNING, "+tilt", null, "#tilt mode entered");
    }
    previousTime = now;
  }

  private void handle(Instance ri) {
    reconnect(ri);
    sendPeriodicCommands(ri);
    long now = System.currentTimeMillis();
    if (tilt) {
      if (now - tiltStartTime < tiltPeriod) {
        return;
      }
      tilt = false;
      event(Log.Level.WARNING, "-tilt", null, "#tilt mode exited");
    }
    checkSubjectivelyDown(ri);
    if (ri.is(Instance.MASTER)) {
      checkObjectivelyDown(ri);
      if (failover.startIfNeeded(ri)) {
        failover.askMasterStateToOtherSentinels(ri, true);
      }
      failover.stateMachine(ri);
      failover.askMasterStateToOtherSentinels(ri, false);
    }
  }

  // ---- links

  private void reconnect(Instance ri) {
    long now = System.currentTimeMillis();
    if (ri.port == 0 || now - ri.lastReconnTime < pingPeriod) {
      return;
    }
    boolean needCc = ri.cc == null;
    boolean needPc = !ri.is(Instance.SENTINEL) && ri.pc == null;
    if (!needCc && !needPc) {
      return;
    }
    ri.lastReconnTime = now;
    if (needCc) {
      Link cc = new Link(loop, ri.host, ri.port, linkTls());
      ri.cc = cc;
      cc.connect(() -> {
        ri.ccConnTime = System.currentTimeMillis();
        authenticate(ri, cc);
        if (!ri.is(Instance.SENTINEL)) {
          cc.send(null, ri.command("CLIENT"), "SETNAME", "sentinel-" + myId.substring(0, 8) + "-cmd");
        }
        sendPing(ri);
      }, () -> {
        if (ri.cc == cc) {
          ri.cc = null;
          ri.linkDownSince = System.currentTimeMillis();
        }
      });
    }
    if (needPc) {
      Link pc = new Link(loop, ri.host, ri.port, linkTls());
      ri.pc = pc;
      pc.onPush(msg -> {
        ri.pcLastActivity = System.currentTimeMillis();
        if (msg.size() == 3 && "message".equals(msg.get(0).text()) && HELLO_CHANNEL.equals(msg.get(1).text())) {
          hello.process(msg.get(2).text(), ri);
        }
      });
      pc.connect(() -> {
        ri.pcConnTime = System.currentTimeMillis();
        ri.pcLastActivity = ri.pcConnTime;
        authenticate(ri, pc);
        pc.send(null, ri.command("CLIENT"), "SETNAME", "sentinel-" + myId.substring(0, 8) + "-pubsub");
        pc.send(r -> {
          ri.pcLastActivity = System.currentTimeMillis();
          if (r.error()) {
            pc.close(); // a pub/sub link that cannot subscribe (NOAUTH) is useless: closed and tried again
          }
        }, ri.command("SUBSCRIBE"), HELLO_CHANNEL);
      }, () -> {
        if (ri.pc == pc) {
          ri.pc = null;
        }
      });
    }
  }

  private void authenticate(Instance ri, Link link) {
    String user;
    String pass;
    if (ri.is(Instance.SENTINEL)) {
      user = sentinelUser;
      pass = sentinelPass;
    } else {
      Instance m = ri.is(Instance.MASTER) ? ri : ri.master;
      user = m.authUser;
      pass = m.authPass;
    }
    if (pass == null) {
      return;
    }
    if (user == null) {
      link.send(null, ri.command("AUTH"), pass);
    } else {
      link.send(null, ri.command("AUTH"), user, pass);
    }
  }

  private void sendPeriodicCommands(Instance ri) {
    if (ri.linkDown()) {
      return;
    }
    long now = System.currentTimeMillis();
    long infoP = infoPeriod;
    if (ri.is(Instance.SLAVE) && (ri.master.is(Instance.O_DOWN) || ri.master.is(Instance.FAILOVER_IN_PROGRESS)
        || ri.masterLinkDownTime != 0)) {
      infoP = 1000;
    }
    long pingP = Math.min(ri.downAfterPeriod, pingPeriod);
    if (ri.cc.pendingCommands() >= MAX_PENDING_COMMANDS) {
      return;
    }
    // an INFO waiting for its reply is not sent again before the period
    if (!ri.is(Instance.SENTINEL) && (ri.infoRefresh == 0 || now - ri.infoRefresh > infoP)
        && now - ri.infoSentTime > Math.min(infoP, 1000)) {
      ri.infoSentTime = now;
      Link cc = ri.cc;
      cc.send(r -> {
        if (!r.error() && r.text() != null) {
          infoRefresh.refresh(ri, r.text());
        }
      }, ri.command("INFO"));
    }
    if (now - ri.lastPongTime > pingP && now - ri.lastPingTime > pingP / 2) {
      sendPing(ri);
    }
    if (now - ri.lastPubTime > publishPeriod) {
      hello.send(ri);
    }
  }

  void sendPing(Instance ri) {
    if (ri.linkDown()) {
      return;
    }
    long now = System.currentTimeMillis();
    ri.cc.send(r -> {
      long t = System.currentTimeMillis();
      String s = r.text();
      if (s != null && (s.startsWith("PONG") || s.startsWith("LOADING") || s.startsWith("MASTERDOWN"))) {
        ri.lastAvailTime = t;
        ri.actPingTime = 0;
        if (s.startsWith("PONG")) {
          ri.flags &= ~Instance.MASTER_REBOOT;
        }
      } else if (r.error() && s != null && s.startsWith("BUSY") && ri.is(Instance.S_DOWN)
          && !ri.is(Instance.SCRIPT_KILL_SENT) && !ri.linkDown()) {
        ri.cc.send(null, ri.command("SCRIPT"), "KILL");
        ri.flags |= Instance.SCRIPT_KILL_SENT;
      }
      ri.lastPongTime = t;
    }, ri.command("PING"));
    ri.lastPingTime = now;
    if (ri.actPingTime == 0) {
      ri.actPingTime = now;
    }
  }

  private void closeAll(Instance m) {
    m.closeLinks();
    m.slaves.values().forEach(Instance::closeLinks);
    m.sentinels.values().forEach(Instance::closeLinks);
  }

  // ---- SDOWN and ODOWN

  private void checkSubjectivelyDown(Instance ri) {
    long now = System.currentTimeMillis();
    long elapsed = 0;
    if (ri.actPingTime != 0) {
      elapsed = now - ri.actPingTime;
    } else if (ri.linkDown()) {
      elapsed = now - ri.lastAvailTime;
    }
    // a command link that answers nothing for half the down-after period is reconnected: it may be stuck
    if (ri.cc != null && ri.cc.connected && now - ri.ccConnTime > minLinkReconnectPeriod && ri.actPingTime != 0
        && now - ri.actPingTime > ri.downAfterPeriod / 2 && now - ri.lastPongTime > ri.downAfterPeriod / 2) {
      ri.cc.close();
    }
    // a pub/sub link with no hello for three periods may be stuck too
    if (ri.pc != null && ri.pc.connected && now - ri.pcConnTime > minLinkReconnectPeriod
        && now - ri.pcLastActivity > publishPeriod * 3) {
      ri.pc.close();
    }
    boolean masterReportsSlave = ri.is(Instance.MASTER) && ri.roleReported == Instance.SLAVE
        && now - ri.roleReportedTime > ri.downAfterPeriod + infoPeriod * 2;
    boolean rebooting = ri.is(Instance.MASTER_REBOOT)
        && now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod;
    if (elapsed > ri.downAfterPeriod || masterReportsSlave || rebooting) {
      if (!ri.is(Instance.S_DOWN)) {
        event(Log.Level.WARNING, "+sdown", ri, "%@");
        ri.sDownSinceTime = now;
        ri.flags |= Instance.S_DOWN;
      }
    } else if (ri.is(Instance.S_DOWN)) {
      event(Log.Level.WARNING, "-sdown", ri, "%@");
      ri.flags &= ~(Instance.S_DOWN | Instance.SCRIPT_KILL_SENT);
    }
  }

  private void checkObjectivelyDown(Instance master) {
    int quorum = 0;
    boolean odown = false;
    if (master.is(Instance.S_DOWN)) {
      quorum = 1;
      for (Instance s : master.sentinels.values()) {
        if (s.is(Instance.MASTER_DOWN)) {
          quorum++;
        }
      }
      odown = quorum >= master.quorum;
    }
    if (odown) {
      if (!master.is(Instance.O_DOWN)) {
        event(Log.Level.WARNING, "+odown", master, "%@ #quorum " + quorum + "/" + master.quorum);
        master.flags |= Instance.O_DOWN;
        master.oDownSinceTime = System.currentTimeMillis();
      }
    } else if (master.is(Instance.O_DOWN)) {
      event(Log.Level.WARNING, "-odown", master, "%@");
      master.flags &= ~Instance.O_DOWN;
    }
  }

  // ---- instances

  Instance master(String name) {
    return masters.get(name);
  }

  /**
   * Where the master is for clients and hellos: past the promotion of a failover, the promoted replica already (so the
   * new address spreads with the new configuration epoch).
   */
  static Instance currentAddress(Instance m) {
    return m.promotedSlave != null && m.failoverState >= Instance.FO_RECONF_SLAVES ? m.promotedSlave : m;
  }

  Instance masterByAddr(String host, int port) {
    for (Instance m : masters.values()) {
      if (m.port == port && m.host.equals(host)) {
        return m;
      }
    }
    return null;
  }

  Instance addSlave(Instance master, String host, int port) {
    String name = Instance.announceHost(host) + ":" + port;
    Instance s = master.slaves.get(name);
    if (s != null) {
      return s;
    }
    s = new Instance(Instance.SLAVE, name, host, port, master);
    s.downAfterPeriod = master.downAfterPeriod;
    master.slaves.put(name, s);
    return s;
  }

  Instance addSentinel(Instance master, String host, int port, String runId) {
    // named by run id, as Redis 7's sentinels are (ip:port until the id is known)
    String name = runId != null ? runId : Instance.announceHost(host) + ":" + port;
    Instance s = new Instance(Instance.SENTINEL, name, host, port, master);
    s.runId = runId;
    s.downAfterPeriod = master.downAfterPeriod;
    master.sentinels.put(name, s);
    return s;
  }

  Instance monitor(String name, String host, int port, int quorum) {
    Instance m = new Instance(Instance.MASTER, name, host, port, null);
    m.quorum = quorum;
    m.downAfterPeriod = defaultDownAfter;
    m.failoverTimeout = defaultFailoverTimeout;
    masters.put(name, m);
    return m;
  }

  void remove(Instance master) {
    masters.remove(master.name);
    closeAll(master);
  }

  /**
   * SENTINEL RESET and the address change at the end of a failover: forget replicas (except {@code keepSlaves}), links,
   * failover and election state; with {@code keepSentinels} the known sentinels stay.
   */
  void resetMaster(Instance m, boolean keepSentinels) {
    resetMaster(m, keepSentinels, true);
  }

  private void resetMaster(Instance m, boolean keepSentinels, boolean generateEvent) {
    m.slaves.values().forEach(Instance::closeLinks);
    m.slaves.clear();
    if (!keepSentinels) {
      m.sentinels.values().forEach(Instance::closeLinks);
      m.sentinels.clear();
    }
    m.closeLinks();
    m.flags &= Instance.MASTER;
    m.leader = null;
    m.failoverState = Instance.FO_NONE;
    m.failoverStateChangeTime = 0;
    m.failoverStartTime = 0;
    m.promotedSlave = null;
    m.runId = null;
    m.info = "";
    m.infoRefresh = 0;
    m.roleReported = Instance.MASTER;
    long now = System.currentTimeMillis();
    m.roleReportedTime = now;
    m.lastAvailTime = now;
    m.lastPongTime = now;
    m.actPingTime = 0;
    m.lastPubTime = 0;
    m.lastReconnTime = 0;
    m.sDownSinceTime = 0;
    m.oDownSinceTime = 0;
    if (generateEvent) {
      event(Log.Level.WARNING, "+reset-master", m, "%@");
    }
  }

  /** The master moves to host:port (after a failover): the old master and its other replicas become its replicas. */
  void resetMasterAndChangeAddress(Instance m, String host, int port) {
    List<String[]> slaves = new ArrayList<>();
    for (Instance s : m.slaves.values()) {
      if (!(s.port == port && s.host.equals(host))) {
        slaves.add(new String[] {s.host, Integer.toString(s.port)});
      }
    }
    if (!(m.port == port && m.host.equals(host))) {
      slaves.add(new String[] {m.host, Integer.toString(m.port)});
    }
    resetMaster(m, true, false);
    m.host = host;
    m.port = port;
    for (String[] s : slaves) {
      event(Log.Level.NOTICE, "+slave", addSlave(m, s[0], Integer.parseInt(s[1])), "%@");
    }
    for (Instance s : m.sentinels.values()) {
      // the sentinels' view of the old master's state is reset too
      s.flags &= ~Instance.MASTER_DOWN;
      s.leader = null;
    }
    config.flush();
  }

  // ---- events

  /**
   * Logs an event and publishes it on the sentinel's own channel named after it. {@code %@} in the format stands for
   * the instance: "master name ip port", or "type name ip port @ mastername masterip masterport".
   */
  void event(Log.Level level, String type, Instance ri, String fmt) {
    String msg = fmt;
    if (ri != null && fmt.startsWith("%@")) {
      StringBuilder sb = new StringBuilder();
      sb.append(ri.typeName()).append(' ').append(ri.name).append(' ').append(announceAddr(ri.host)).append(' ')
          .append(ri.port);
      if (!ri.is(Instance.MASTER) && ri.master != null) {
        Instance m = ri.master;
        sb.append(" @ ").append(m.name).append(' ').append(announceAddr(m.host)).append(' ').append(m.port);
      }
      msg = sb + fmt.substring(2);
    }
    Log.log(level, type + " " + msg);
    if (level != Log.Level.DEBUG && engine != null) {
      engine.pubsub().publish(type.getBytes(StandardCharsets.UTF_8), msg.getBytes(StandardCharsets.UTF_8));
    }
    if (level == Log.Level.WARNING && ri != null) {
      Instance m = ri.is(Instance.MASTER) ? ri : ri.master;
      if (m != null && m.notificationScript != null) {
        scripts.schedule(m.notificationScript, type, msg);
      }
    }
  }

  /**
   * The master's client-reconfig-script, when it has one, for a failover: {@code <master-name> <role> <state>
   * <from-ip> <from-port> <to-ip> <to-port>}, role leader or observer, state "start".
   */
  void clientReconfScript(Instance m, boolean leader, String fromHost, int fromPort, String toHost, int toPort) {
    if (m.clientReconfigScript != null) {
      scripts.schedule(m.clientReconfigScript, m.name, leader ? "leader" : "observer", "start",
          announceAddr(fromHost), Integer.toString(fromPort), announceAddr(toHost), Integer.toString(toPort));
    }
  }

  /**
   * An instance's address as this sentinel shows and announces it: the hostname it was given under
   * announce-hostnames, else its IP (a hostname, accepted with resolve-hostnames, is resolved), as Redis's sentinel
   * keeps both for each address.
   */
  String announceAddr(String host) {
    if (announceHostnames || host == null || host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return host;
    }
    try {
      return java.net.InetAddress.getByName(host).getHostAddress(); // the JVM caches what it resolved
    } catch (java.io.IOException e) {
      return host;
    }
  }

  /** The IP a sentinel announces for itself on a link: announce-ip, or the link's local address. */
  String announceIp(Link link) {
    if (announceIp != null && !announceIp.isEmpty()) {
      return announceIp;
    }
    return link == null ? null : link.localIp;
  }

  int announcePort() {
    return announcePort != 0 ? announcePort : engine.listeningPort;
  }
}
