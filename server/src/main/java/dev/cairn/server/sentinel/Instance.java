package dev.cairn.server.sentinel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A monitored master, one of its replicas, or another sentinel watching it: its address, what the sentinel knows of
 * it (flags, INFO fields, times), and its links. Times are milliseconds of the wall clock, as Sentinel's replies give
 * ages from them.
 */
final class Instance {
  // flags, named as SENTINEL MASTERS shows them
  static final int MASTER = 1;
  static final int SLAVE = 1 << 1;
  static final int SENTINEL = 1 << 2;
  static final int S_DOWN = 1 << 3;
  static final int O_DOWN = 1 << 4;
  static final int MASTER_DOWN = 1 << 5;
  static final int FAILOVER_IN_PROGRESS = 1 << 6;
  static final int PROMOTED = 1 << 7;
  static final int RECONF_SENT = 1 << 8;
  static final int RECONF_INPROG = 1 << 9;
  static final int RECONF_DONE = 1 << 10;
  static final int FORCE_FAILOVER = 1 << 11;
  static final int SCRIPT_KILL_SENT = 1 << 12;
  static final int MASTER_REBOOT = 1 << 13;

  // failover states
  static final int FO_NONE = 0;
  static final int FO_WAIT_START = 1;
  static final int FO_SELECT_SLAVE = 2;
  static final int FO_SEND_SLAVEOF_NOONE = 3;
  static final int FO_WAIT_PROMOTION = 4;
  static final int FO_RECONF_SLAVES = 5;
  static final int FO_UPDATE_CONFIG = 6;

  static final String[] FAILOVER_STATE_NAMES = {"none", "wait_start", "select_slave", "send_slaveof_noone",
      "wait_promotion", "reconf_slaves", "update_config"};

  int flags;
  /** Masters: the name given at MONITOR; replicas: ip:port; sentinels: their run id. */
  String name;
  String runId;
  long configEpoch;
  String host;
  int port;
  /** The master this replica or sentinel belongs to. */
  Instance master;

  // links: the command connection and, for masters and replicas, the pub/sub connection
  Link cc;
  Link pc;
  long ccConnTime;
  long pcConnTime;
  long pcLastActivity;
  long lastAvailTime;
  /** When the PING waiting for a reply was sent (0: none pending). */
  long actPingTime;
  long lastPingTime;
  long lastPongTime;
  long lastReconnTime;
  /** When the command link last went down (0: never). */
  long linkDownSince;
  long infoSentTime;
  int pendingCommands;

  long lastPubTime;
  long lastHelloTime;
  long lastMasterDownReplyTime;
  long sDownSinceTime;
  long oDownSinceTime;
  long downAfterPeriod = 30000;
  long masterRebootDownAfterPeriod;
  long masterRebootSinceTime;
  long infoRefresh;
  String info = "";

  int roleReported;
  long roleReportedTime;
  long slaveConfChangeTime;

  // masters
  Map<String, Instance> sentinels = new LinkedHashMap<>();
  Map<String, Instance> slaves = new LinkedHashMap<>();
  int quorum;
  int parallelSyncs = 1;
  String authPass;
  String authUser;
  Map<String, String> renamedCommands = new LinkedHashMap<>();
  String notificationScript;
  String clientReconfigScript;

  // replicas, from their INFO
  long masterLinkDownTime;
  int slavePriority = 100;
  boolean replicaAnnounced = true;
  long slaveReconfSentTime;
  String slaveMasterHost;
  int slaveMasterPort;
  boolean slaveMasterLinkUp;
  long slaveReplOffset;

  // election
  String leader;
  long leaderEpoch;

  // failover
  long failoverEpoch;
  int failoverState = FO_NONE;
  long failoverStateChangeTime;
  long failoverStartTime;
  long failoverTimeout = 180000;
  long failoverDelayLogged;
  Instance promotedSlave;

  Instance(int type, String name, String host, int port, Instance master) {
    this.flags = type;
    this.name = name;
    this.host = host;
    this.port = port;
    this.master = master;
    long now = System.currentTimeMillis();
    this.lastAvailTime = now;
    this.lastPongTime = now;
    this.roleReported = type & (MASTER | SLAVE);
    this.roleReportedTime = now;
    this.slaveConfChangeTime = now;
    this.lastHelloTime = now;
  }

  boolean is(int flag) {
    return (flags & flag) != 0;
  }

  String addr() {
    return announceHost(host) + ":" + port;
  }

  /** A host as Sentinel writes it in addresses: IPv6 in brackets only inside ip:port (Redis's announceSentinelAddr). */
  static String announceHost(String host) {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  boolean linkDown() {
    return cc == null || !cc.connected;
  }

  /** Either link missing (a sentinel has only the command link), as SENTINEL MASTERS' "disconnected" flag says. */
  boolean disconnected() {
    return linkDown() || !is(SENTINEL) && (pc == null || !pc.connected);
  }

  String typeName() {
    return is(MASTER) ? "master" : is(SLAVE) ? "slave" : "sentinel";
  }

  /** Flags as SENTINEL MASTERS/REPLICAS/SENTINELS list them. */
  String flagsText() {
    StringBuilder sb = new StringBuilder();
    if (is(S_DOWN)) sb.append("s_down,");
    if (is(O_DOWN)) sb.append("o_down,");
    if (is(MASTER)) sb.append("master,");
    if (is(SLAVE)) sb.append("slave,");
    if (is(SENTINEL)) sb.append("sentinel,");
    if (disconnected()) sb.append("disconnected,");
    if (is(MASTER_DOWN)) sb.append("master_down,");
    if (is(FAILOVER_IN_PROGRESS)) sb.append("failover_in_progress,");
    if (is(PROMOTED)) sb.append("promoted,");
    if (is(RECONF_SENT)) sb.append("reconf_sent,");
    if (is(RECONF_INPROG)) sb.append("reconf_inprog,");
    if (is(RECONF_DONE)) sb.append("reconf_done,");
    if (is(FORCE_FAILOVER)) sb.append("force_failover,");
    if (is(SCRIPT_KILL_SENT)) sb.append("script_kill_sent,");
    if (is(MASTER_REBOOT)) sb.append("master_reboot,");
    if (sb.length() > 0) sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  /** The name of a renamed command on this master's servers ({@code SENTINEL SET name rename-command}). */
  String command(String name) {
    Instance m = is(MASTER) ? this : master;
    String r = m == null ? null : m.renamedCommands.get(name.toLowerCase(java.util.Locale.ROOT));
    return r == null ? name : r;
  }

  void closeLinks() {
    if (cc != null) {
      Link c = cc;
      cc = null;
      c.close();
    }
    if (pc != null) {
      Link p = pc;
      pc = null;
      p.close();
    }
  }
}
