package dev.cairn.server.sentinel;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.Handler;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.log.Log;
import dev.cairn.core.util.Glob;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SENTINEL command and its subcommands, as Redis 7.2's sentinel has them. Sentinel mode's INFO, ROLE and PUBLISH
 * are the core's specs with the sentinel's handlers ({@link SentinelMode} swaps them in).
 */
final class SentinelCommands implements CommandFamily {
  static final int SIMFAILURE_CRASH_AFTER_ELECTION = 1;
  static final int SIMFAILURE_CRASH_AFTER_PROMOTION = 2;

  private static CommandSpec.Builder sub(String name, int arity, String since, String summary) {
    return CommandSpec.subcommand("sentinel", name, arity).group(Group.SENTINEL).since(since)
        .flags(Flag.ADMIN, Flag.SENTINEL, Flag.ONLY_SENTINEL).summary(summary);
  }

  static final CommandSpec SENTINEL = CommandSpec.command("sentinel", -2).group(Group.SENTINEL).since("2.8.4")
      .flags(Flag.ADMIN, Flag.SENTINEL, Flag.ONLY_SENTINEL).summary("A container for Redis Sentinel commands.")
      .complexity("Depends on subcommand.").build();
  static final List<CommandSpec> SUBCOMMANDS = List.of(
      sub("ckquorum", 3, "2.8.4", "Checks for a Redis Sentinel quorum.").args(Arg.string("master-name")).build(),
      sub("config", -4, "6.2.0", "Configures Redis Sentinel.")
          .complexity("O(N) when N is the number of configuration parameters provided").build(),
      sub("debug", -2, "7.0.0", "Lists or updates the current configurable parameters of Redis Sentinel.")
          .complexity("O(N) where N is the number of configurable parameters").build(),
      sub("failover", 3, "2.8.4", "Forces a Redis Sentinel failover.").args(Arg.string("master-name")).build(),
      sub("flushconfig", 2, "2.8.4", "Rewrites the Redis Sentinel configuration file.").complexity("O(1)").build(),
      sub("get-master-addr-by-name", 3, "2.8.4", "Returns the port and address of a master Redis instance.")
          .complexity("O(1)").args(Arg.string("master-name")).build(),
      CommandSpec.subcommand("sentinel", "help", 2).group(Group.SENTINEL).since("6.2.0")
          .flags(Flag.LOADING, Flag.STALE, Flag.SENTINEL, Flag.ONLY_SENTINEL)
          .summary("Returns helpful text about the different subcommands.").complexity("O(1)").build(),
      sub("info-cache", -3, "3.2.0", "Returns the cached `INFO` replies from the deployment's instances.")
          .complexity("O(N) where N is the number of instances")
          .args(Arg.string("nodename").multiple()).build(),
      sub("is-master-down-by-addr", 6, "2.8.4", "Determines whether a master Redis instance is down.")
          .complexity("O(1)").args(Arg.string("ip"), Arg.integer("port"), Arg.integer("current-epoch"),
              Arg.string("runid")).build(),
      sub("master", 3, "2.8.4", "Returns the state of a master Redis instance.").complexity("O(1)")
          .args(Arg.string("master-name")).build(),
      sub("masters", 2, "2.8.4", "Returns a list of monitored Redis masters.")
          .complexity("O(N) where N is the number of masters").build(),
      sub("monitor", 6, "2.8.4", "Starts monitoring.").complexity("O(1)")
          .args(Arg.string("name"), Arg.string("ip"), Arg.integer("port"), Arg.integer("quorum")).build(),
      sub("myid", 2, "6.2.0", "Returns the Redis Sentinel instance ID.").complexity("O(1)").build(),
      sub("pending-scripts", 2, "2.8.4", "Returns information about pending scripts for Redis Sentinel.").build(),
      sub("remove", 3, "2.8.4", "Stops monitoring.").complexity("O(1)").args(Arg.string("master-name")).build(),
      sub("replicas", 3, "5.0.0", "Returns a list of the monitored Redis replicas.")
          .complexity("O(N) where N is the number of replicas").args(Arg.string("master-name")).build(),
      sub("reset", 3, "2.8.4", "Resets Redis masters by name matching a pattern.")
          .complexity("O(N) where N is the number of monitored masters").args(Arg.pattern("pattern")).build(),
      sub("sentinels", 3, "2.8.4", "Returns a list of Sentinel instances.")
          .complexity("O(N) where N is the number of Sentinels").args(Arg.string("master-name")).build(),
      sub("set", -5, "2.8.4", "Changes the configuration of a monitored Redis master.").complexity("O(1)").build(),
      sub("simulate-failure", -3, "3.2.0", "Simulates failover scenarios.").build(),
      sub("slaves", 3, "2.8.0", "Returns a list of the monitored replicas.")
          .complexity("O(N) where N is the number of replicas.").args(Arg.string("master-name"))
          .deprecated("5.0.0", "`SENTINEL REPLICAS`").build());

  /** ROLE, for a build whose core has none yet (replication adds it); the sentinel answers it either way. */
  static final CommandSpec ROLE = CommandSpec.command("role", 1).group(Group.SERVER).since("2.8.12")
      .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.FAST, Flag.SENTINEL)
      .acl(dev.cairn.api.command.AclCategory.ADMIN, dev.cairn.api.command.AclCategory.DANGEROUS)
      .summary("Returns the replication role.").complexity("O(1)").build();

  private Sentinel sentinel;

  void bind(Sentinel s) {
    this.sentinel = s;
  }

  @Override
  public void register(CommandRegistry r) {
    r.addContainer(SENTINEL);
    for (CommandSpec spec : SUBCOMMANDS) {
      r.add(spec, handler(spec.name()));
    }
  }

  private Handler handler(String name) {
    return switch (name) {
      case "ckquorum" -> (c, a) -> ckquorum(c, a);
      case "config" -> (c, a) -> config(c, a);
      case "debug" -> (c, a) -> debug(c, a);
      case "failover" -> (c, a) -> failover(c, a);
      case "flushconfig" -> (c, a) -> flushAndReply(c.reply());
      case "get-master-addr-by-name" -> (c, a) -> masterAddr(c, a);
      case "help" -> (c, a) -> help(c);
      case "info-cache" -> (c, a) -> infoCache(c, a);
      case "is-master-down-by-addr" -> (c, a) -> isMasterDown(c, a);
      case "master" -> (c, a) -> instance(c.reply(), master(a.string(2)));
      case "masters" -> (c, a) -> instances(c.reply(), sentinel.masters.values());
      case "monitor" -> (c, a) -> monitor(c, a);
      case "myid" -> (c, a) -> c.reply().bulk(sentinel.myId);
      case "pending-scripts" -> (c, a) -> sentinel.scripts.pending(c.reply());
      case "remove" -> (c, a) -> remove(c, a);
      case "replicas", "slaves" -> (c, a) -> instances(c.reply(), master(a.string(2)).slaves.values());
      case "reset" -> (c, a) -> reset(c, a);
      case "sentinels" -> (c, a) -> instances(c.reply(), master(a.string(2)).sentinels.values());
      case "set" -> (c, a) -> set(c, a);
      case "simulate-failure" -> (c, a) -> simulateFailure(c, a);
      default -> throw new IllegalArgumentException(name);
    };
  }

  private Instance master(String name) {
    Instance m = sentinel.master(name);
    if (m == null) {
      throw RedisException.err("No such master with that name");
    }
    return m;
  }

  private void flushAndReply(Reply r) {
    if (sentinel.config.flush()) {
      r.ok();
    } else {
      r.error(RedisException.err("Failed to save config file. Check server logs."));
    }
  }

  private void help(CommandContext c) {
    dev.cairn.core.server.Help.reply(c.reply(), "SENTINEL",
        "CKQUORUM <master-name>",
        "    Check if the current Sentinel configuration is able to reach the quorum",
        "    needed to failover a master and the majority needed to authorize the",
        "    failover.",
        "CONFIG SET param value [param value ...]",
        "    Set a global Sentinel configuration parameter.",
        "CONFIG GET <param> [param param param ...]",
        "    Get global Sentinel configuration parameter.",
        "DEBUG [<param> <value> ...]",
        "    Show a list of configurable time parameters and their values (milliseconds).",
        "    Or update current configurable parameters values (one or more).",
        "GET-MASTER-ADDR-BY-NAME <master-name>",
        "    Return the ip and port number of the master with that name.",
        "FAILOVER <master-name>",
        "    Manually failover a master node without asking for agreement from other",
        "    Sentinels",
        "FLUSHCONFIG",
        "    Force Sentinel to rewrite its configuration on disk, including the current",
        "    Sentinel state.",
        "INFO-CACHE <master-name>",
        "    Return last cached INFO output from masters and all its replicas.",
        "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
        "    Check if the master specified by ip:port is down from current Sentinel's",
        "    point of view.",
        "MASTER <master-name>",
        "    Show the state and info of the specified master.",
        "MASTERS",
        "    Show a list of monitored masters and their state.",
        "MONITOR <name> <ip> <port> <quorum>",
        "    Start monitoring a new master with the specified name, ip, port and quorum.",
        "MYID",
        "    Return the ID of the Sentinel instance.",
        "PENDING-SCRIPTS",
        "    Get pending scripts information.",
        "REMOVE <master-name>",
        "    Remove master from Sentinel's monitor list.",
        "REPLICAS <master-name>",
        "    Show a list of replicas for this master and their state.",
        "RESET <pattern>",
        "    Reset masters for specific master name matching this pattern.",
        "SENTINELS <master-name>",
        "    Show a list of Sentinel instances for this master and their state.",
        "SET <master-name> <option> <value> [<option> <value> ...]",
        "    Set configuration parameters for certain masters.",
        "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
        "    Simulate a Sentinel crash.");
  }

  // ---- instance replies

  private void instances(Reply r, java.util.Collection<Instance> list) {
    List<Instance> shown = new ArrayList<>();
    for (Instance i : list) {
      if (!(i.is(Instance.SLAVE) && !i.replicaAnnounced)) {
        shown.add(i);
      }
    }
    r.array(shown.size());
    for (Instance i : shown) {
      instance(r, i);
    }
  }

  /** One instance as a map (a flat array in RESP2), fields in Redis's order. */
  private void instance(Reply r, Instance ri) {
    long now = System.currentTimeMillis();
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"name", ri.name});
    f.add(new String[] {"ip", sentinel.announceAddr(ri.host)});
    f.add(new String[] {"port", Integer.toString(ri.port)});
    f.add(new String[] {"runid", ri.runId == null ? "" : ri.runId});
    f.add(new String[] {"flags", ri.flagsText()});
    f.add(new String[] {"link-pending-commands", Integer.toString(ri.cc == null ? 0 : ri.cc.pendingCommands())});
    f.add(new String[] {"link-refcount", "1"});
    if (ri.is(Instance.FAILOVER_IN_PROGRESS)) {
      f.add(new String[] {"failover-state", Instance.FAILOVER_STATE_NAMES[ri.failoverState]});
    }
    f.add(new String[] {"last-ping-sent", Long.toString(ri.actPingTime != 0 ? now - ri.actPingTime : 0)});
    f.add(new String[] {"last-ok-ping-reply", Long.toString(now - ri.lastAvailTime)});
    f.add(new String[] {"last-ping-reply", Long.toString(now - ri.lastPongTime)});
    if (ri.is(Instance.S_DOWN)) {
      f.add(new String[] {"s-down-time", Long.toString(now - ri.sDownSinceTime)});
    }
    if (ri.is(Instance.O_DOWN)) {
      f.add(new String[] {"o-down-time", Long.toString(now - ri.oDownSinceTime)});
    }
    f.add(new String[] {"down-after-milliseconds", Long.toString(ri.downAfterPeriod)});
    if (ri.is(Instance.MASTER | Instance.SLAVE)) {
      f.add(new String[] {"info-refresh", Long.toString(ri.infoRefresh != 0 ? now - ri.infoRefresh : 0)});
      f.add(new String[] {"role-reported", ri.roleReported == Instance.MASTER ? "master" : "slave"});
      f.add(new String[] {"role-reported-time", Long.toString(now - ri.roleReportedTime)});
    }
    if (ri.is(Instance.MASTER)) {
      f.add(new String[] {"config-epoch", Long.toString(ri.configEpoch)});
      f.add(new String[] {"num-slaves", Integer.toString(ri.slaves.size())});
      f.add(new String[] {"num-other-sentinels", Integer.toString(ri.sentinels.size())});
      f.add(new String[] {"quorum", Integer.toString(ri.quorum)});
      f.add(new String[] {"failover-timeout", Long.toString(ri.failoverTimeout)});
      f.add(new String[] {"parallel-syncs", Integer.toString(ri.parallelSyncs)});
      if (ri.notificationScript != null) {
        f.add(new String[] {"notification-script", ri.notificationScript});
      }
      if (ri.clientReconfigScript != null) {
        f.add(new String[] {"client-reconfig-script", ri.clientReconfigScript});
      }
    }
    if (ri.is(Instance.SLAVE)) {
      f.add(new String[] {"master-link-down-time", Long.toString(ri.masterLinkDownTime)});
      f.add(new String[] {"master-link-status", ri.slaveMasterLinkUp ? "ok" : "err"});
      f.add(new String[] {"master-host", ri.slaveMasterHost == null ? "?" : ri.slaveMasterHost});
      f.add(new String[] {"master-port", Integer.toString(ri.slaveMasterPort)});
      f.add(new String[] {"slave-priority", Integer.toString(ri.slavePriority)});
      f.add(new String[] {"slave-repl-offset", Long.toString(ri.slaveReplOffset)});
      f.add(new String[] {"replica-announced", ri.replicaAnnounced ? "1" : "0"});
    }
    if (ri.is(Instance.SENTINEL)) {
      f.add(new String[] {"last-hello-message", Long.toString(now - ri.lastHelloTime)});
      f.add(new String[] {"voted-leader", ri.leader == null ? "?" : ri.leader});
      f.add(new String[] {"voted-leader-epoch", Long.toString(ri.leaderEpoch)});
    }
    r.map(f.size());
    for (String[] kv : f) {
      r.bulk(kv[0]);
      r.bulk(kv[1]);
    }
  }

  // ---- subcommands

  private void masterAddr(CommandContext c, Args a) {
    Instance m = sentinel.master(a.string(2));
    Reply r = c.reply();
    if (m == null) {
      r.nullArray();
      return;
    }
    // past the promotion, clients are sent to the promoted replica already
    Instance addr = Sentinel.currentAddress(m);
    r.array(2);
    r.bulk(sentinel.announceAddr(addr.host));
    r.bulk(Integer.toString(addr.port));
  }

  private void isMasterDown(CommandContext c, Args a) {
    long port = a.longArg(3);
    long reqEpoch = a.longArg(4);
    Instance m = sentinel.masterByAddr(a.string(2), (int) port);
    boolean down = !sentinel.tilt && m != null && m.is(Instance.S_DOWN) && m.is(Instance.MASTER);
    String leader = null;
    long[] leaderEpoch = {0};
    String runId = a.string(5);
    if (m != null && m.is(Instance.MASTER) && !runId.equalsIgnoreCase("*")) {
      leader = sentinel.failover.voteLeader(m, reqEpoch, runId, leaderEpoch);
    }
    Reply r = c.reply();
    r.array(3);
    r.integer(down ? 1 : 0);
    r.bulk(leader == null ? "*" : leader);
    r.integer(leaderEpoch[0]);
  }

  private void failover(CommandContext c, Args a) {
    Instance m = master(a.string(2));
    if (m.is(Instance.FAILOVER_IN_PROGRESS)) {
      throw RedisException.line("INPROG Failover already in progress");
    }
    if (sentinel.failover.selectSlave(m) == null) {
      throw RedisException.line("NOGOODSLAVE No suitable replica to promote");
    }
    Log.log(Log.Level.NOTICE, "Executing user requested FAILOVER of '" + m.name + "'");
    sentinel.failover.start(m);
    m.flags |= Instance.FORCE_FAILOVER;
    c.reply().ok();
  }

  private void monitor(CommandContext c, Args a) {
    long quorum = a.longArg(5, RedisException.err("Invalid quorum"));
    long port = a.longArg(4, RedisException.err("Invalid port"));
    if (quorum <= 0) {
      throw RedisException.err("Quorum must be 1 or greater.");
    }
    String host = SentinelMode.validateHost(a.string(3), sentinel.resolveHostnames);
    if (host == null) {
      throw RedisException.err("Invalid IP address or hostname specified");
    }
    String name = a.string(2);
    if (port < 0 || port > 65535) {
      throw RedisException.err("Invalid port number.");
    }
    if (sentinel.masters.containsKey(name)) {
      throw RedisException.err("Duplicate master name.");
    }
    Instance m = sentinel.monitor(name, host, (int) port, (int) quorum);
    flushAndReply(c.reply());
    sentinel.event(Log.Level.WARNING, "+monitor", m, "%@ quorum " + m.quorum);
  }

  private void remove(CommandContext c, Args a) {
    Instance m = master(a.string(2));
    sentinel.event(Log.Level.WARNING, "-monitor", m, "%@");
    sentinel.remove(m);
    flushAndReply(c.reply());
  }

  private void reset(CommandContext c, Args a) {
    String pattern = a.string(2);
    int n = 0;
    for (Instance m : new ArrayList<>(sentinel.masters.values())) {
      if (Glob.matches(pattern, m.name, false)) {
        sentinel.resetMaster(m, false);
        n++;
      }
    }
    if (n > 0) {
      sentinel.config.flush();
    }
    c.reply().integer(n);
  }

  private void ckquorum(CommandContext c, Args a) {
    Instance m = master(a.string(2));
    int usable = 1;
    for (Instance s : m.sentinels.values()) {
      if (!s.is(Instance.S_DOWN | Instance.O_DOWN)) {
        usable++;
      }
    }
    int voters = m.sentinels.size() + 1;
    boolean noQuorum = usable < m.quorum;
    boolean noAuth = usable < voters / 2 + 1;
    if (!noQuorum && !noAuth) {
      c.reply().simple("OK " + usable + " usable Sentinels. Quorum and failover authorization can be reached");
      return;
    }
    StringBuilder e = new StringBuilder("NOQUORUM " + usable + " usable Sentinels. ");
    if (noQuorum) {
      e.append("Not enough available Sentinels to reach the specified quorum for this master");
    }
    if (noAuth) {
      if (noQuorum) {
        e.append(". ");
      }
      e.append("Not enough available Sentinels to reach the majority and authorize a failover");
    }
    throw RedisException.line(e.toString());
  }

  private void infoCache(CommandContext c, Args a) {
    long now = System.currentTimeMillis();
    List<Instance> chosen = new ArrayList<>();
    if (a.size() > 2) {
      Set<Instance> set = new LinkedHashSet<>();
      for (int i = 2; i < a.size(); i++) {
        Instance m = sentinel.master(a.string(i));
        if (m != null) {
          set.add(m);
        }
      }
      chosen.addAll(set);
    } else {
      chosen.addAll(sentinel.masters.values());
    }
    Reply r = c.reply();
    r.array(chosen.size() * 2);
    for (Instance m : chosen) {
      r.bulk(m.name);
      r.array(m.slaves.size() + 1);
      cached(r, m, m, now);
      for (Instance s : m.slaves.values()) {
        cached(r, m, s, now);
      }
    }
  }

  private static void cached(Reply r, Instance m, Instance i, long now) {
    r.array(2);
    // as Redis, the age is 0 while the master has no INFO yet
    r.integer(m.infoRefresh != 0 ? now - i.infoRefresh : 0);
    if (i.info == null || i.info.isEmpty()) {
      r.nullBulk();
    } else {
      r.bulk(i.info);
    }
  }

  private void simulateFailure(CommandContext c, Args a) {
    sentinel.simulateFailureFlags = 0;
    for (int j = 2; j < a.size(); j++) {
      if (a.is(j, "crash-after-election")) {
        sentinel.simulateFailureFlags |= SIMFAILURE_CRASH_AFTER_ELECTION;
        Log.log(Log.Level.WARNING, "Failure simulation: this Sentinel will crash after being successfully "
            + "elected as failover leader");
      } else if (a.is(j, "crash-after-promotion")) {
        sentinel.simulateFailureFlags |= SIMFAILURE_CRASH_AFTER_PROMOTION;
        Log.log(Log.Level.WARNING, "Failure simulation: this Sentinel will crash after promoting the selected "
            + "replica to master");
      } else if (a.is(j, "help")) {
        c.reply().array(2);
        c.reply().bulk("crash-after-election");
        c.reply().bulk("crash-after-promotion");
        return;
      } else {
        throw RedisException.err("Unknown failure simulation specified");
      }
    }
    c.reply().ok();
  }

  // ---- SET, CONFIG, DEBUG

  private void set(CommandContext c, Args a) {
    Instance m = master(a.string(2));
    int changes = 0;
    try {
      for (int j = 3; j < a.size(); j++) {
        int more = a.size() - 1 - j;
        String option = a.string(j);
        String opt = option.toLowerCase(Locale.ROOT);
        int oldJ = j;
        boolean redacted = false;
        switch (more > 0 ? opt : "") {
          case "down-after-milliseconds" -> {
            m.downAfterPeriod = positive(a, ++j, option, "SET", false);
            m.slaves.values().forEach(s -> s.downAfterPeriod = m.downAfterPeriod);
            m.sentinels.values().forEach(s -> s.downAfterPeriod = m.downAfterPeriod);
          }
          case "failover-timeout" -> m.failoverTimeout = positive(a, ++j, option, "SET", false);
          case "parallel-syncs" -> m.parallelSyncs = (int) positive(a, ++j, option, "SET", false);
          case "quorum" -> m.quorum = (int) positive(a, ++j, option, "SET", false);
          case "master-reboot-down-after-period" ->
              m.masterRebootDownAfterPeriod = positive(a, ++j, option, "SET", true);
          case "notification-script", "client-reconfig-script" -> {
            String v = a.string(++j);
            if (sentinel.denyScriptsReconfig) {
              throw RedisException.err("Reconfiguration of scripts path is denied for security reasons. Check the "
                  + "deny-scripts-reconfig configuration directive in your Sentinel configuration");
            }
            // relative to dir, where redis-server has changed directory
            if (!v.isEmpty() && !java.nio.file.Files.isExecutable(
                dev.cairn.core.server.Shutdown.resolve(sentinel.engine.params().dir.value, v))) {
              throw RedisException.err(opt.startsWith("notification")
                  ? "Notification script seems non existing or non executable"
                  : "Client reconfiguration script seems non existing or non executable");
            }
            if (opt.startsWith("notification")) {
              m.notificationScript = v.isEmpty() ? null : v;
            } else {
              m.clientReconfigScript = v.isEmpty() ? null : v;
            }
          }
          case "auth-pass", "auth-user" -> {
            String v = a.string(++j);
            if (opt.equals("auth-pass")) {
              m.authPass = v.isEmpty() ? null : v;
              redacted = true;
            } else {
              m.authUser = v.isEmpty() ? null : v;
            }
            m.closeLinks();
            m.slaves.values().forEach(Instance::closeLinks);
          }
          case "rename-command" -> {
            if (more < 2) {
              throw RedisException.err("Unknown option or number of arguments for SENTINEL SET '" + option + "'");
            }
            String from = a.string(++j);
            String to = a.string(++j);
            if (from.isEmpty() || to.isEmpty()) {
              throw RedisException.err("Invalid argument '" + (to.isEmpty() ? to : from) + "' for SENTINEL SET '"
                  + option + "'");
            }
            m.renamedCommands.remove(from.toLowerCase(Locale.ROOT));
            if (!from.equalsIgnoreCase(to)) {
              m.renamedCommands.put(from.toLowerCase(Locale.ROOT), to);
            }
          }
          default -> throw RedisException.err("Unknown option or number of arguments for SENTINEL SET '"
              + option + "'");
        }
        changes++;
        int n = j - oldJ + 1;
        String msg = n == 2 ? "%@ " + option + " " + (redacted ? "******" : a.string(oldJ + 1))
            : n == 3 ? "%@ " + option + " " + a.string(oldJ + 1) + " " + a.string(oldJ + 2) : "%@ " + option;
        sentinel.event(Log.Level.WARNING, "+set", m, msg);
      }
    } catch (RedisException e) {
      if (changes > 0) {
        sentinel.config.flush();
      }
      throw e;
    }
    if (changes > 0) {
      flushAndReply(c.reply());
    }
  }

  private static long positive(Args a, int j, String option, String cmd, boolean zeroOk) {
    byte[] v = a.get(j);
    long x = Args.isLong(v) ? Long.parseLong(a.string(j)) : -1;
    if (!Args.isLong(v) || x < 0 || x == 0 && !zeroOk) {
      throw RedisException.err("Invalid argument '" + a.string(j) + "' for SENTINEL " + cmd + " '" + option + "'");
    }
    return x;
  }

  private static final List<String> CONFIG_OPTIONS = List.of("resolve-hostnames", "announce-hostnames",
      "announce-ip", "announce-port", "sentinel-user", "sentinel-pass", "loglevel");

  private void config(CommandContext c, Args a) {
    if (a.is(2, "set") && a.size() >= 5) {
      configSet(c, a);
    } else if (a.is(2, "get") && a.size() >= 4) {
      configGet(c, a);
    } else {
      throw RedisException.err("Only SENTINEL CONFIG GET <param> [<param> <param> ...]/ SET <param> <value> "
          + "[<param> <value> ...] are supported.");
    }
  }

  private void configSet(CommandContext c, Args a) {
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 3; i < a.size(); i++) {
      String option = a.string(i);
      String opt = option.toLowerCase(Locale.ROOT);
      if (!CONFIG_OPTIONS.contains(opt)) {
        throw RedisException.err("Invalid argument '" + option + "' to SENTINEL CONFIG SET");
      }
      if (!seen.add(opt)) {
        throw RedisException.err("Duplicate argument '" + option + "' to SENTINEL CONFIG SET");
      }
      if (i + 1 == a.size()) {
        throw RedisException.err("Missing argument '" + option + "' value");
      }
      String v = a.string(++i);
      boolean ok = switch (opt) {
        case "resolve-hostnames", "announce-hostnames" -> v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("no");
        case "announce-port" -> Args.isLong(a.get(i)) && Long.parseLong(v) >= 0 && Long.parseLong(v) <= 65535;
        case "loglevel" -> List.of("debug", "verbose", "notice", "warning", "nothing")
            .contains(v.toLowerCase(Locale.ROOT));
        default -> true;
      };
      if (!ok) {
        throw RedisException.err("Invalid value '" + v + "' to SENTINEL CONFIG SET '" + option + "'");
      }
    }
    boolean dropConns = false;
    for (int i = 3; i + 1 < a.size(); i += 2) {
      String opt = a.string(i).toLowerCase(Locale.ROOT);
      String v = a.string(i + 1);
      switch (opt) {
        case "loglevel" -> {
          try {
            sentinel.engine.config().find("loglevel").setFromFile(List.of(v.toLowerCase(Locale.ROOT)));
          } catch (dev.cairn.core.config.ConfigException e) {
            throw RedisException.err(e.getMessage());
          }
        }
        case "resolve-hostnames" -> sentinel.resolveHostnames = v.equalsIgnoreCase("yes");
        case "announce-hostnames" -> sentinel.announceHostnames = v.equalsIgnoreCase("yes");
        case "announce-ip" -> sentinel.announceIp = v;
        case "announce-port" -> sentinel.announcePort = Integer.parseInt(v);
        case "sentinel-user" -> {
          sentinel.sentinelUser = v.isEmpty() ? null : v;
          dropConns = true;
        }
        default -> {
          sentinel.sentinelPass = v.isEmpty() ? null : v;
          dropConns = true;
        }
      }
    }
    flushAndReply(c.reply());
    if (dropConns) {
      for (Instance m : sentinel.masters.values()) {
        m.sentinels.values().forEach(Instance::closeLinks);
      }
    }
  }

  private void configGet(CommandContext c, Args a) {
    List<String[]> out = new ArrayList<>();
    Set<String> done = new java.util.HashSet<>();
    for (int i = 3; i < a.size(); i++) {
      String pattern = a.string(i);
      for (String opt : CONFIG_OPTIONS) {
        if (!done.contains(opt) && Glob.matches(pattern, opt, true)) {
          done.add(opt);
          out.add(new String[] {opt, configValue(opt)});
        }
      }
    }
    Reply r = c.reply();
    r.map(out.size());
    for (String[] kv : out) {
      r.bulk(kv[0]);
      r.bulk(kv[1]);
    }
  }

  private String configValue(String opt) {
    return switch (opt) {
      case "resolve-hostnames" -> sentinel.resolveHostnames ? "yes" : "no";
      case "announce-hostnames" -> sentinel.announceHostnames ? "yes" : "no";
      case "announce-ip" -> sentinel.announceIp == null ? "" : sentinel.announceIp;
      case "announce-port" -> Integer.toString(sentinel.announcePort);
      case "sentinel-user" -> sentinel.sentinelUser == null ? "" : sentinel.sentinelUser;
      case "sentinel-pass" -> sentinel.sentinelPass == null ? "" : sentinel.sentinelPass;
      default -> sentinel.engine.config().find("loglevel").get();
    };
  }

  private static final String[] DEBUG_PARAMS = {"info-period", "ping-period", "ask-period", "publish-period",
      "default-down-after", "default-failover-timeout", "tilt-trigger", "tilt-period", "slave-reconf-timeout",
      "min-link-reconnect-period", "election-timeout", "script-max-runtime", "script-retry-delay"};

  private void debug(CommandContext c, Args a) {
    Sentinel s = sentinel;
    if (a.size() == 2) {
      long[] v = {s.infoPeriod, s.pingPeriod, s.askPeriod, s.publishPeriod, s.defaultDownAfter,
          s.defaultFailoverTimeout, s.tiltTrigger, s.tiltPeriod, s.slaveReconfTimeout, s.minLinkReconnectPeriod,
          s.electionTimeout, s.scriptMaxRuntime, s.scriptRetryDelay};
      Reply r = c.reply();
      r.map(v.length);
      for (int i = 0; i < v.length; i++) {
        r.bulk(DEBUG_PARAMS[i].toUpperCase(Locale.ROOT));
        r.bulk(Long.toString(v[i]));
      }
      return;
    }
    for (int j = 2; j < a.size(); j++) {
      String option = a.string(j);
      String opt = option.toLowerCase(Locale.ROOT);
      if (a.size() - 1 - j <= 0 || !java.util.Arrays.asList(DEBUG_PARAMS).contains(opt)) {
        throw RedisException.err("Unknown option or number of arguments for SENTINEL DEBUG '" + option + "'");
      }
      long v = positive(a, ++j, option, "DEBUG", false);
      switch (opt) {
        case "info-period" -> s.infoPeriod = v;
        case "ping-period" -> s.pingPeriod = v;
        case "ask-period" -> s.askPeriod = v;
        case "publish-period" -> s.publishPeriod = v;
        case "default-down-after" -> s.defaultDownAfter = v;
        case "default-failover-timeout" -> s.defaultFailoverTimeout = v;
        case "tilt-trigger" -> s.tiltTrigger = v;
        case "tilt-period" -> s.tiltPeriod = v;
        case "slave-reconf-timeout" -> s.slaveReconfTimeout = v;
        case "min-link-reconnect-period" -> s.minLinkReconnectPeriod = v;
        case "election-timeout" -> s.electionTimeout = v;
        case "script-max-runtime" -> s.scriptMaxRuntime = v;
        default -> s.scriptRetryDelay = v;
      }
    }
    c.reply().ok();
  }

  // ---- sentinel mode's INFO, ROLE, PUBLISH

  static final List<String> INFO_SECTIONS = List.of("server", "clients", "cpu", "stats", "sentinel");

  void info(CommandContext c, Args a) {
    List<String> args = new ArrayList<>();
    boolean all = false;
    for (int i = 1; i < a.size(); i++) {
      String s = a.string(i).toLowerCase(Locale.ROOT);
      all |= s.equals("all") || s.equals("everything");
      args.add(s);
    }
    Set<String> sections = new LinkedHashSet<>();
    if (args.isEmpty() || all || args.contains("default")) {
      sections.addAll(INFO_SECTIONS);
    }
    for (String s : args) {
      if (INFO_SECTIONS.contains(s)) {
        sections.add(s);
      }
    }
    Set<String> core = new LinkedHashSet<>(sections);
    core.remove("sentinel");
    StringBuilder out = new StringBuilder(new dev.cairn.core.server.ServerInfo(sentinel.engine).render(core)
        .replace("redis_mode:standalone", "redis_mode:sentinel"));
    if (sections.contains("sentinel")) {
      if (out.length() > 0) {
        out.append("\r\n");
      }
      long now = System.currentTimeMillis();
      out.append("# Sentinel\r\n")
          .append("sentinel_masters:").append(sentinel.masters.size()).append("\r\n")
          .append("sentinel_tilt:").append(sentinel.tilt ? 1 : 0).append("\r\n")
          .append("sentinel_tilt_since_seconds:").append(sentinel.tilt ? (now - sentinel.tiltStartTime) / 1000 : -1)
          .append("\r\n")
          .append("sentinel_running_scripts:0\r\n")
          .append("sentinel_scripts_queue_length:0\r\n")
          .append("sentinel_simulate_failure_flags:").append(sentinel.simulateFailureFlags).append("\r\n");
      int id = 0;
      for (Instance m : sentinel.masters.values()) {
        String status = m.is(Instance.O_DOWN) ? "odown" : m.is(Instance.S_DOWN) ? "sdown" : "ok";
        out.append("master").append(id++).append(":name=").append(m.name).append(",status=").append(status)
            .append(",address=").append(m.addr()).append(",slaves=").append(m.slaves.size())
            .append(",sentinels=").append(m.sentinels.size() + 1).append("\r\n");
      }
    }
    c.reply().verbatim("txt", out.toString());
  }

  void role(CommandContext c, Args a) {
    Reply r = c.reply();
    r.array(2);
    r.bulk("sentinel");
    r.array(sentinel.masters.size());
    for (Instance m : sentinel.masters.values()) {
      r.bulk(m.name);
    }
  }

  void publish(CommandContext c, Args a) {
    if (!a.string(1).equals(Sentinel.HELLO_CHANNEL)) {
      throw RedisException.err("Only HELLO messages are accepted by Sentinel instances.");
    }
    sentinel.hello.process(a.string(2), null);
    c.reply().integer(1);
  }
}
