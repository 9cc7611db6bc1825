package dev.cairn.core.cluster;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.multi.Transaction;
import java.util.Arrays;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/**
 * The slot check of dispatch (Redis's getNodeByQuery): the keys of a command (of all queued commands at EXEC) must
 * hash to one slot this node serves, else MOVED, ASK, CROSSSLOT, TRYAGAIN or CLUSTERDOWN with Redis's texts. Sharded
 * pub/sub channels count as keys. Commands without key specs cost one test; keys are visited without allocating.
 */
public final class ClusterRouting {
  public static final RedisException CROSSSLOT = RedisException.of("CROSSSLOT",
      "Keys in request don't hash to the same slot");
  public static final RedisException TRYAGAIN = RedisException.of("TRYAGAIN",
      "Multiple keys request during rehashing of slot");
  public static final RedisException DOWN = RedisException.of("CLUSTERDOWN", "The cluster is down");
  public static final RedisException DOWN_READONLY = RedisException.of("CLUSTERDOWN",
      "The cluster is down and only accepts read commands");
  public static final RedisException UNBOUND = RedisException.of("CLUSTERDOWN", "Hash slot not served");

  private final Cluster cluster;
  // the walk's state, reused from one command to the next (the engine thread is the only caller)
  private byte[][] argv;
  private byte[] firstKey;
  private int slot;
  private ClusterNode owner;
  private boolean crossSlot;
  private boolean migrating;
  private boolean importing;
  private boolean multipleKeys;
  private boolean pubsubShard;
  private int missing;
  private int existing;
  private final IntConsumer atPosition = this::key;
  private final ObjIntConsumer<Set<KeyFlag>> fromFinder = (flags, pos) -> key(pos);

  public ClusterRouting(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Whether the command can name keys at all (else it always runs here). */
  public static boolean hasKeys(CommandSpec spec) {
    return spec.keyFinder() != null || !spec.keySpecs().isEmpty();
  }

  /**
   * Null when {@code s} may run the command here, else the error (a MOVED or ASK redirect among them). {@code exec}
   * says whether the command is EXEC, whose check covers the queued commands.
   */
  public RedisException check(Session s, Command cmd, Args a, boolean exec) {
    asking = s;
    firstKey = null;
    owner = null;
    crossSlot = false;
    migrating = false;
    importing = false;
    multipleKeys = false;
    missing = 0;
    existing = 0;
    String name = cmd.spec.name();
    pubsubShard = name.equals("spublish") || name.equals("ssubscribe") || name.equals("sunsubscribe");
    boolean writes;
    if (exec) {
      Transaction t = s.transaction;
      if (t == null || !t.active()) {
        return null;
      }
      writes = t.writes();
      for (int i = 0; i < t.queued() && owner != UNBOUND_MARK && !crossSlot; i++) {
        byte[][] v = t.argv(i);
        walk(t.command(i).spec, v, v.length);
      }
    } else {
      writes = cmd.spec.has(Flag.WRITE);
      walk(cmd.spec, a.array(), a.size());
    }
    argv = null;
    if (owner == UNBOUND_MARK) {
      return UNBOUND;
    }
    if (crossSlot) {
      return CROSSSLOT;
    }
    if (owner == null) {
      return null; // no key: served anywhere
    }
    if (!cluster.ok()) {
      if (pubsubShard) {
        if (!cluster.params.allowPubsubshardWhenDown.value) {
          return DOWN;
        }
      } else if (!cluster.params.allowReadsWhenDown.value) {
        return DOWN;
      } else if (writes) {
        return DOWN_READONLY;
      }
    }
    if ((migrating || importing) && name.equals("migrate")) {
      return null;
    }
    if (migrating && missing > 0) {
      if (existing > 0) {
        return TRYAGAIN;
      }
      return redirect("ASK", cluster.migratingTo[slot]);
    }
    if (importing && (s.clusterAsking || cmd.spec.has(Flag.ASKING))) {
      return multipleKeys && missing > 0 ? TRYAGAIN : null;
    }
    ClusterNode me = cluster.myself;
    if ((s.clusterReadonly || pubsubShard) && !writes && me.isReplica() && me.master == owner) {
      return null;
    }
    return owner == me ? null : redirect("MOVED", owner);
  }

  /**
   * A command a script runs (Redis's scriptVerifyClusterState), checked as the calling client's own: null when it
   * may run here, else the script's error line. {@link #lastSlot} then tells the slot of its keys.
   */
  public String checkFromScript(Session caller, Command cmd, byte[][] argv) {
    RedisException e = check(caller, cmd, Args.ofBytes(argv), false);
    if (e == null) {
      return null;
    } else if (e == DOWN_READONLY) {
      return "Script attempted to execute a write command while the cluster is down and readonly";
    } else if (e == DOWN) {
      return "Script attempted to execute a command while the cluster is down";
    }
    return "Script attempted to access a non local key in a cluster node";
  }

  /** The slot of the keys of the last command checked, or -1 when it had none. */
  public int lastSlot() {
    return firstKey == null ? -1 : slot;
  }

  private static final ClusterNode UNBOUND_MARK = new ClusterNode("-", 0, 0);

  /** The client whose command is being checked (its connection decides the port a redirection names). */
  private Session asking;

  private RedisException redirect(String kind, ClusterNode n) {
    return redirect(cluster, kind, slot, n, asking);
  }

  /** MOVED or ASK to {@code n}, with the endpoint cluster-preferred-endpoint-type asks for, for client {@code s}. */
  static RedisException redirect(Cluster c, String kind, int slot, ClusterNode n, Session s) {
    return RedisException.of(kind, slot + " " + c.endpoint(n) + ":" + c.clientPort(n, s));
  }

  private void walk(CommandSpec spec, byte[][] v, int argc) {
    argv = v;
    if (spec.keyFinder() != null) {
      spec.keyFinder().find(v, argc, fromFinder);
      return;
    }
    for (KeySpec ks : spec.keySpecs()) {
      // sharded pub/sub's channels are declared not-keys, yet they route as keys
      if (ks.flags.contains(KeyFlag.NOT_KEY) && !pubsubShard) {
        continue;
      }
      ks.collectKeys(v, argc, atPosition);
    }
  }

  private void key(int pos) {
    if (crossSlot || owner == UNBOUND_MARK) {
      return;
    }
    byte[] key = argv[pos];
    int thisSlot = KeySlot.of(key);
    if (firstKey == null) {
      firstKey = key;
      slot = thisSlot;
      owner = cluster.slots[slot];
      if (owner == null) {
        owner = UNBOUND_MARK;
        return;
      }
      if (owner == cluster.myself && cluster.migratingTo[slot] != null) {
        migrating = true;
      } else if (cluster.importingFrom[slot] != null) {
        importing = true;
      }
    } else {
      if (thisSlot != slot) {
        crossSlot = true;
        return;
      }
      if (importing && !multipleKeys && !Arrays.equals(firstKey, key)) {
        multipleKeys = true;
      }
    }
    if ((migrating || importing) && !pubsubShard) {
      Db db = cluster.db();
      dev.cairn.core.keyspace.Entry e = db.stored(key); // not expired by the look: Redis's LOOKUP_NOEXPIRE
      if (e == null || db.isExpired(e)) {
        missing++;
      } else {
        existing++;
      }
    }
  }
}
