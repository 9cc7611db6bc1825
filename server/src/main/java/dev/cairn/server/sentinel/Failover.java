package dev.cairn.server.sentinel;

import dev.cairn.core.log.Log;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Agreement and failover. A master this sentinel finds down is asked about to the other sentinels
 * (SENTINEL IS-MASTER-DOWN-BY-ADDR, every second); their answers make ODOWN. A failover starts with a new epoch and a
 * request for votes in it; a sentinel votes once per epoch, for the first that asks. The one with a majority of the
 * sentinels (and at least the quorum) promotes the best replica, reconfigures the others, and the new configuration
 * epoch spreads by hellos.
 */
final class Failover {
  static final int MAX_DESYNC = 1000;

  private final Sentinel sentinel;

  Failover(Sentinel sentinel) {
    this.sentinel = sentinel;
  }

  /** Starts a failover of an ODOWN master (or a forced one) when none is running and the last is long enough ago. */
  boolean startIfNeeded(Instance m) {
    if (!m.is(Instance.O_DOWN) || m.is(Instance.FAILOVER_IN_PROGRESS)) {
      return false;
    }
    long now = System.currentTimeMillis();
    if (now - m.failoverStartTime < m.failoverTimeout * 2) {
      if (m.failoverDelayLogged != m.failoverStartTime) {
        m.failoverDelayLogged = m.failoverStartTime;
        Log.log(Log.Level.WARNING, "Next failover delay: I will not start a failover before "
            + java.time.Instant.ofEpochMilli(m.failoverStartTime + m.failoverTimeout * 2));
      }
      return false;
    }
    start(m);
    return true;
  }

  void start(Instance m) {
    long now = System.currentTimeMillis();
    m.failoverState = Instance.FO_WAIT_START;
    m.failoverStateChangeTime = now;
    m.flags |= Instance.FAILOVER_IN_PROGRESS;
    m.failoverEpoch = ++sentinel.currentEpoch;
    sentinel.event(Log.Level.WARNING, "+new-epoch", null, Long.toString(sentinel.currentEpoch));
    sentinel.event(Log.Level.WARNING, "+try-failover", m, "%@");
    m.failoverStartTime = now + ThreadLocalRandom.current().nextInt(MAX_DESYNC);
  }

  /** Asks the other sentinels whether they see the master down (and, during our failover, for their vote). */
  void askMasterStateToOtherSentinels(Instance m, boolean force) {
    long now = System.currentTimeMillis();
    for (Instance s : m.sentinels.values()) {
      long elapsed = now - s.lastMasterDownReplyTime;
      // an answer older than 5 ask periods no longer counts
      if (elapsed > sentinel.askPeriod * 5) {
        s.flags &= ~Instance.MASTER_DOWN;
        s.leader = null;
      }
      if (!m.is(Instance.S_DOWN) || s.linkDown()) {
        continue;
      }
      if (!force && elapsed < sentinel.askPeriod) {
        continue;
      }
      String runId = m.failoverState > Instance.FO_NONE ? sentinel.myId : "*";
      s.lastMasterDownReplyTime = now; // not asked again until answered or the period passed
      s.cc.send(r -> {
        List<Link.Reply> l = r.list();
        if (r.error() || l.size() != 3 || !(l.get(0).value() instanceof Long)
            || !(l.get(1).value() instanceof String) || !(l.get(2).value() instanceof Long)) {
          return;
        }
        s.lastMasterDownReplyTime = System.currentTimeMillis();
        if (l.get(0).integer() == 1) {
          s.flags |= Instance.MASTER_DOWN;
        } else {
          s.flags &= ~Instance.MASTER_DOWN;
        }
        String leader = l.get(1).text();
        if (!leader.equals("*")) {
          if (!leader.equals(s.leader) || s.leaderEpoch != l.get(2).integer()) {
            Log.log(Log.Level.WARNING, s.name + " voted for " + leader + " " + l.get(2).integer());
          }
          s.leader = leader;
          s.leaderEpoch = l.get(2).integer();
        }
      }, s.command("SENTINEL"), "is-master-down-by-addr", m.host, Integer.toString(m.port),
          Long.toString(sentinel.currentEpoch), runId);
    }
  }

  /** Our vote in {@code reqEpoch} for {@code reqRunId}, or our earlier vote in that epoch; returns the leader voted. */
  String voteLeader(Instance m, long reqEpoch, String reqRunId, long[] leaderEpoch) {
    if (reqEpoch > sentinel.currentEpoch) {
      sentinel.currentEpoch = reqEpoch;
      sentinel.config.flush();
      sentinel.event(Log.Level.WARNING, "+new-epoch", null, Long.toString(reqEpoch));
    }
    if (m.leaderEpoch < reqEpoch && sentinel.currentEpoch <= reqEpoch) {
      m.leader = reqRunId;
      m.leaderEpoch = sentinel.currentEpoch;
      sentinel.config.flush();
      sentinel.event(Log.Level.WARNING, "+vote-for-leader", null, m.leader + " " + m.leaderEpoch);
      // a sentinel that voted for another does not start its own failover for a while
      if (!m.leader.equals(sentinel.myId)) {
        m.failoverStartTime = System.currentTimeMillis() + ThreadLocalRandom.current().nextInt(MAX_DESYNC);
      }
    }
    leaderEpoch[0] = m.leaderEpoch;
    return m.leader;
  }

  /** The leader of {@code epoch}, if one has a majority of all sentinels and at least the quorum; null otherwise. */
  String leader(Instance m, long epoch) {
    Map<String, Integer> votes = new HashMap<>();
    int voters = m.sentinels.size() + 1;
    for (Instance s : m.sentinels.values()) {
      if (s.leader != null && s.leaderEpoch == sentinel.currentEpoch) {
        votes.merge(s.leader, 1, Integer::sum);
      }
    }
    String winner = null;
    int max = 0;
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      if (e.getValue() > max || e.getValue() == max && winner != null && e.getKey().compareTo(winner) > 0) {
        max = e.getValue();
        winner = e.getKey();
      }
    }
    // our own vote: for the winner so far, or for ourselves
    long[] le = new long[1];
    String myVote = winner != null ? voteLeader(m, epoch, winner, le) : voteLeader(m, epoch, sentinel.myId, le);
    if (myVote != null && le[0] == epoch) {
      int n = votes.merge(myVote, 1, Integer::sum);
      if (n > max) {
        max = n;
        winner = myVote;
      }
    }
    if (winner != null && (max < voters / 2 + 1 || max < m.quorum)) {
      winner = null;
    }
    return winner;
  }

  void stateMachine(Instance m) {
    if (!m.is(Instance.FAILOVER_IN_PROGRESS)) {
      return;
    }
    switch (m.failoverState) {
      case Instance.FO_WAIT_START -> waitStart(m);
      case Instance.FO_SELECT_SLAVE -> selectSlaveState(m);
      case Instance.FO_SEND_SLAVEOF_NOONE -> sendSlaveOfNoOne(m);
      case Instance.FO_WAIT_PROMOTION -> waitPromotion(m);
      case Instance.FO_RECONF_SLAVES -> reconfNextSlave(m);
      default -> { }
    }
  }

  private void waitStart(Instance m) {
    String leader = leader(m, m.failoverEpoch);
    boolean isLeader = sentinel.myId.equals(leader);
    long now = System.currentTimeMillis();
    if (!isLeader && !m.is(Instance.FORCE_FAILOVER)) {
      long electionTimeout = Math.min(sentinel.electionTimeout, m.failoverTimeout);
      if (now - m.failoverStartTime > electionTimeout) {
        sentinel.event(Log.Level.WARNING, "-failover-abort-not-elected", m, "%@");
        abort(m);
      }
      return;
    }
    sentinel.event(Log.Level.WARNING, "+elected-leader", m, "%@");
    if ((sentinel.simulateFailureFlags & SentinelCommands.SIMFAILURE_CRASH_AFTER_ELECTION) != 0) {
      Log.log(Log.Level.WARNING, "Simulated failure: crash after election");
      Runtime.getRuntime().halt(99);
    }
    m.failoverState = Instance.FO_SELECT_SLAVE;
    m.failoverStateChangeTime = now;
    sentinel.event(Log.Level.WARNING, "+failover-state-select-slave", m, "%@");
  }

  private void selectSlaveState(Instance m) {
    Instance slave = selectSlave(m);
    if (slave == null) {
      sentinel.event(Log.Level.WARNING, "-failover-abort-no-good-slave", m, "%@");
      abort(m);
      return;
    }
    sentinel.event(Log.Level.WARNING, "+selected-slave", slave, "%@");
    slave.flags |= Instance.PROMOTED;
    m.promotedSlave = slave;
    m.failoverState = Instance.FO_SEND_SLAVEOF_NOONE;
    m.failoverStateChangeTime = System.currentTimeMillis();
    sentinel.event(Log.Level.NOTICE, "+failover-state-send-slaveof-noone", slave, "%@");
  }

  /**
   * The replica to promote: reachable, recently seen, not down, priority not 0, not disconnected from its master for
   * too long; then by priority (lower first), replication offset (higher first), run id (lexically smaller first).
   */
  Instance selectSlave(Instance m) {
    long now = System.currentTimeMillis();
    long maxMasterDownTime = m.downAfterPeriod * 10;
    if (m.is(Instance.S_DOWN)) {
      maxMasterDownTime += now - m.sDownSinceTime;
    }
    List<Instance> candidates = new ArrayList<>();
    for (Instance s : m.slaves.values()) {
      if (s.is(Instance.S_DOWN | Instance.O_DOWN) || s.linkDown()) {
        continue;
      }
      if (now - s.lastAvailTime > sentinel.pingPeriod * 5 || s.slavePriority == 0) {
        continue;
      }
      long infoValidity = m.is(Instance.S_DOWN) ? sentinel.pingPeriod * 5 : sentinel.infoPeriod * 3;
      if (now - s.infoRefresh > infoValidity || s.masterLinkDownTime > maxMasterDownTime) {
        continue;
      }
      candidates.add(s);
    }
    candidates.sort((a, b) -> {
      if (a.slavePriority != b.slavePriority) {
        return Integer.compare(a.slavePriority, b.slavePriority);
      }
      if (a.slaveReplOffset != b.slaveReplOffset) {
        return a.slaveReplOffset > b.slaveReplOffset ? -1 : 1;
      }
      if (a.runId == null) {
        return b.runId == null ? 0 : 1;
      }
      return b.runId == null ? -1 : a.runId.compareToIgnoreCase(b.runId);
    });
    return candidates.isEmpty() ? null : candidates.get(0);
  }

  private void sendSlaveOfNoOne(Instance m) {
    Instance p = m.promotedSlave;
    long now = System.currentTimeMillis();
    if (p.linkDown()) {
      if (now - m.failoverStateChangeTime > m.failoverTimeout) {
        sentinel.event(Log.Level.WARNING, "-failover-abort-slave-timeout", m, "%@");
        abort(m);
      }
      return;
    }
    if (!sentinel.infoRefresh.sendSlaveOf(p, null, 0)) {
      return;
    }
    sentinel.event(Log.Level.NOTICE, "+failover-state-wait-promotion", p, "%@");
    m.failoverState = Instance.FO_WAIT_PROMOTION;
    m.failoverStateChangeTime = now;
  }

  private void waitPromotion(Instance m) {
    // the promotion itself is seen in the replica's INFO (InfoRefresh)
    if (System.currentTimeMillis() - m.failoverStateChangeTime > m.failoverTimeout) {
      sentinel.event(Log.Level.WARNING, "-failover-abort-slave-timeout", m, "%@");
      abort(m);
    }
  }

  /** Points the other replicas at the promoted one, {@code parallel-syncs} at a time. */
  private void reconfNextSlave(Instance m) {
    long now = System.currentTimeMillis();
    int inProgress = 0;
    for (Instance s : m.slaves.values()) {
      if (s.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) {
        inProgress++;
      }
    }
    for (Instance s : m.slaves.values()) {
      if (inProgress >= m.parallelSyncs) {
        break;
      }
      if (s.is(Instance.PROMOTED | Instance.RECONF_DONE)) {
        continue;
      }
      if (s.is(Instance.RECONF_SENT) && now - s.slaveReconfSentTime > sentinel.slaveReconfTimeout) {
        sentinel.event(Log.Level.NOTICE, "-slave-reconf-sent-timeout", s, "%@");
        s.flags &= ~Instance.RECONF_SENT;
        s.flags |= Instance.RECONF_DONE;
      }
      if (s.is(Instance.RECONF_SENT | Instance.RECONF_INPROG) || s.linkDown()) {
        continue;
      }
      if (sentinel.infoRefresh.sendSlaveOf(s, m.promotedSlave.host, m.promotedSlave.port)) {
        s.flags |= Instance.RECONF_SENT;
        s.slaveReconfSentTime = now;
        sentinel.event(Log.Level.NOTICE, "+slave-reconf-sent", s, "%@");
        inProgress++;
      }
    }
    detectEnd(m);
  }

  private void detectEnd(Instance m) {
    Instance p = m.promotedSlave;
    if (p == null || p.is(Instance.S_DOWN)) {
      return;
    }
    int notReconfigured = 0;
    for (Instance s : m.slaves.values()) {
      if (s.is(Instance.PROMOTED | Instance.RECONF_DONE) || s.is(Instance.S_DOWN)) {
        continue;
      }
      notReconfigured++;
    }
    boolean timeout = false;
    if (System.currentTimeMillis() - m.failoverStateChangeTime > m.failoverTimeout) {
      notReconfigured = 0;
      timeout = true;
      sentinel.event(Log.Level.WARNING, "+failover-end-for-timeout", m, "%@");
    }
    if (notReconfigured == 0) {
      sentinel.event(Log.Level.WARNING, "+failover-end", m, "%@");
      m.failoverState = Instance.FO_UPDATE_CONFIG;
      m.failoverStateChangeTime = System.currentTimeMillis();
    }
    if (timeout) {
      // best effort: the replicas not reconfigured yet are told anyway
      for (Instance s : m.slaves.values()) {
        if (s.is(Instance.PROMOTED | Instance.RECONF_DONE | Instance.RECONF_SENT) || s.linkDown()) {
          continue;
        }
        if (sentinel.infoRefresh.sendSlaveOf(s, p.host, p.port)) {
          sentinel.event(Log.Level.NOTICE, "+slave-reconf-sent-be", s, "%@");
          s.flags |= Instance.RECONF_SENT;
        }
      }
    }
  }

  /** The end of a failover: the master is now the promoted replica's address. */
  void switchToPromotedSlave(Instance m) {
    Instance ref = m.promotedSlave != null ? m.promotedSlave : m;
    sentinel.event(Log.Level.WARNING, "+switch-master", m,
        m.name + " " + sentinel.announceAddr(m.host) + " " + m.port + " " + sentinel.announceAddr(ref.host) + " "
            + ref.port);
    sentinel.resetMasterAndChangeAddress(m, ref.host, ref.port);
  }

  void abort(Instance m) {
    m.flags &= ~(Instance.FAILOVER_IN_PROGRESS | Instance.FORCE_FAILOVER);
    m.failoverState = Instance.FO_NONE;
    m.failoverStateChangeTime = System.currentTimeMillis();
    if (m.promotedSlave != null) {
      m.promotedSlave.flags &= ~Instance.PROMOTED;
      m.promotedSlave = null;
    }
  }
}
