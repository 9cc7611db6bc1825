package dev.cairn.core.cluster;

import dev.cairn.core.log.Log;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * nodes.conf in Redis 7.2's format: one CLUSTER NODES line per node (the address carrying the aux fields, shard-id
 * and nodename) and a last line {@code vars currentEpoch N lastVoteEpoch M}. Saved to a temporary file, synced and
 * renamed over the old one, so a crash leaves the old or the new file, never half of one; locked while the node runs
 * so that two servers cannot share it.
 */
final class NodesConf {
  private final Cluster cluster;
  private final Path file;
  private FileChannel lockChannel;
  private FileLock lock;

  NodesConf(Cluster cluster, Path file) {
    this.cluster = cluster;
    this.file = file;
  }

  void lock() throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      ch.close();
      throw new IOException("Sorry, the cluster configuration file " + file.getFileName()
          + " is already used by a different Redis Cluster node. Please make sure that different nodes use different"
          + " cluster configuration files.");
    }
    lockChannel = ch;
    lock = l;
  }

  void unlock() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException ignored) {
      // the process is ending
    }
    lock = null;
    lockChannel = null;
  }

  /** Reads the file into the cluster state; false when it is missing or empty (a new node). */
  boolean load() throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return false;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ");
      if (f[0].equals("vars")) {
        for (int i = 1; i + 1 < f.length; i += 2) {
          switch (f[i]) {
            case "currentEpoch" -> cluster.currentEpoch = Long.parseLong(f[i + 1]);
            case "lastVoteEpoch" -> cluster.lastVoteEpoch = Long.parseLong(f[i + 1]);
            default -> Log.log(Log.Level.WARNING, "Skipping unknown cluster config variable '" + f[i] + "'");
          }
        }
        continue;
      }
      if (f.length < 8) {
        throw new IOException("Unrecoverable error: corrupted cluster config file \"" + line + "\".");
      }
      loadNode(f);
    }
    if (cluster.myself == null) {
      throw new IOException("Unrecoverable error: corrupted cluster config file \"myself\" node missing.");
    }
    Log.log(Log.Level.NOTICE, "Node configuration loaded, I'm " + cluster.myself.name);
    // a config epoch above the current one (a hand-edited file) raises the current epoch
    cluster.currentEpoch = Math.max(cluster.currentEpoch, cluster.maxEpoch());
    return true;
  }

  private ClusterNode nodeNamed(String name) {
    ClusterNode n = cluster.nodes.get(name);
    if (n == null) {
      n = new ClusterNode(name, 0, cluster.now());
      cluster.addNode(n);
    }
    return n;
  }

  private void loadNode(String[] f) throws IOException {
    ClusterNode n = nodeNamed(f[0]);
    String[] addr = f[1].split(",");
    int at = addr[0].indexOf('@');
    int colon = addr[0].lastIndexOf(':', at < 0 ? addr[0].length() : at);
    if (colon < 0) {
      throw new IOException("Unrecoverable error: corrupted cluster config file \"" + String.join(" ", f) + "\".");
    }
    n.ip = addr[0].substring(0, colon);
    int port = Integer.parseInt(addr[0].substring(colon + 1, at < 0 ? addr[0].length() : at));
    cluster.setPorts(n, port, 0); // the address's port is the default one; aux tcp-port/tls-port name both
    n.cport = at < 0 ? port + Cluster.BUS_PORT_OFFSET : Integer.parseInt(addr[0].substring(at + 1));
    if (addr.length > 1) {
      n.hostname = addr[1].contains("=") ? "" : addr[1];
      for (int i = 1; i < addr.length; i++) {
        int eq = addr[i].indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = addr[i].substring(0, eq);
        String value = addr[i].substring(eq + 1);
        switch (key) {
          case "shard-id" -> n.shardId = value;
          case "nodename" -> n.humanNodename = value;
          case "tcp-port" -> n.port = Integer.parseInt(value);
          case "tls-port" -> n.tlsPort = Integer.parseInt(value);
          default -> { }
        }
      }
    }
    for (String flag : f[2].split(",")) {
      switch (flag) {
        case "myself" -> {
          n.flags |= ClusterNode.MYSELF;
          cluster.myself = n;
        }
        case "master" -> n.flags |= ClusterNode.MASTER;
        case "slave" -> n.flags |= ClusterNode.SLAVE;
        case "fail?" -> n.flags |= ClusterNode.PFAIL;
        case "fail" -> {
          n.flags |= ClusterNode.FAIL;
          n.failTime = cluster.now();
        }
        case "handshake" -> n.flags |= ClusterNode.HANDSHAKE;
        case "noaddr" -> n.flags |= ClusterNode.NOADDR;
        case "nofailover" -> n.flags |= ClusterNode.NOFAILOVER;
        case "noflags" -> { }
        default -> throw new IOException("Unknown flag in redis cluster config file");
      }
    }
    if (!f[3].equals("-")) {
      ClusterNode master = nodeNamed(f[3]);
      n.master = master;
      master.addReplica(n);
    }
    n.configEpoch = Long.parseLong(f[6]);
    for (int i = 8; i < f.length; i++) {
      String s = f[i];
      if (s.startsWith("[")) {
        int dash = s.indexOf('-');
        int slot = Integer.parseInt(s.substring(1, dash));
        boolean migrating = s.charAt(dash + 1) == '>';
        ClusterNode other = nodeNamed(s.substring(dash + 3, s.length() - 1));
        if (migrating) {
          cluster.migratingTo[slot] = other;
        } else {
          cluster.importingFrom[slot] = other;
        }
        continue;
      }
      int dash = s.indexOf('-');
      int start = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
      int end = dash < 0 ? start : Integer.parseInt(s.substring(dash + 1));
      for (int j = start; j <= end; j++) {
        cluster.addSlot(n, j);
      }
    }
    if (n.shardId == null) {
      n.shardId = n.master != null && n.master.shardId != null ? n.master.shardId : dev.cairn.core.Engine.randomHex(40);
    }
  }

  /** Writes the file atomically: a temporary file in the same directory, synced, renamed over the old one. */
  void save() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (ClusterNode n : cluster.nodes.values()) {
      if (n.inHandshake()) {
        continue; // a handshake is not configuration
      }
      sb.append(ClusterText.describe(cluster, n, true)).append('\n');
    }
    sb.append("vars currentEpoch ").append(cluster.currentEpoch).append(" lastVoteEpoch ")
        .append(cluster.lastVoteEpoch).append('\n');
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
        + System.currentTimeMillis());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    // the lock was on the replaced file: hold the new one
    if (lock != null) {
      unlock();
      lock();
    }
  }
}
