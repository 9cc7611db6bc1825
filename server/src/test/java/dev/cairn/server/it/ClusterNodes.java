package dev.cairn.server.it;

import static dev.cairn.server.it.ClusterModeIT.cluster;
import static dev.cairn.server.it.ClusterModeIT.info;
import static dev.cairn.server.it.ClusterModeIT.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Cluster nodes as processes for the cluster ITs: Cairn nodes and Debian's redis-server nodes on given ports (the bus
 * on port + 10000, as both default to; {@link #freeBase} finds a free block), each in its own directory, and redis-cli runs with their output. Closing
 * stops every node it started.
 */
final class ClusterNodes implements AutoCloseable {
  /** One node: its client port, kind, process and a connection. */
  static final class Node {
    final int port;
    final boolean redis;
    final Process process;
    final Path log;
    final Jedis jedis;

    Node(int port, boolean redis, Process process, Path log, Jedis jedis) {
      this.port = port;
      this.redis = redis;
      this.process = process;
      this.log = log;
      this.jedis = jedis;
    }

    String id() {
      return text(cluster(jedis, "MYID"));
    }

    String addr() {
      return "127.0.0.1:" + port;
    }

    String nodes() {
      return text(cluster(jedis, "NODES"));
    }

    /** This node's own line of CLUSTER NODES. */
    String myself() {
      return nodes().lines().filter(l -> l.contains("myself")).findFirst().orElse("");
    }

    /** kill -9. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
      jedis.close();
    }

    @Override
    public String toString() {
      return (redis ? "redis " : "cairn ") + port;
    }
  }

  final Path dir;
  final List<Node> started = new ArrayList<>();

  ClusterNodes(Path dir) {
    this.dir = dir;
  }

  /**
   * A base for {@code count} nodes on ports base+1..base+count whose client and bus ports (+10000) are all free now,
   * searched from 22100 in steps of 100: a fixed block would collide with whatever else the machine runs there.
   */
  static int freeBase(int count) {
    for (int base = 22100; base + count + 10000 < 32768; base += 100) {
      boolean free = true;
      for (int i = 1; i <= count && free; i++) {
        free = RealRedis.freePort(base + i, base + i) > 0 && RealRedis.freePort(base + i + 10000, base + i + 10000) > 0;
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free block of " + count + " cluster ports below 22768");
  }

  /** Whether Debian's redis-server and redis-cli are installed; a test that needs them skips, saying so, when not. */
  static void assumeRedisTools() {
    RealRedis.assumeInstalled("redis-server");
    RealRedis.assumeInstalled("redis-cli");
  }

  /** A Cairn cluster node on {@code port} (node timeout 3 s), started as a process and ready. */
  Node cairn(int port, String... extra) throws Exception {
    Path d = Files.createDirectories(dir.resolve("n" + port));
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--dir", d.toString(), "--save", "",
        "--cluster-enabled", "yes", "--cluster-node-timeout", "3000"));
    args.addAll(List.of(extra));
    CairnProcess p = CairnProcess.start(args.toArray(new String[0]));
    // several JVMs start at once, on a machine other work may load: more time than a lone server gets
    assertTrue(p.awaitLog("Ready to accept connections", 180_000), p.log());
    Node n = new Node(port, false, p.process, p.log, RealRedis.connectWithRetry(port, p.process));
    started.add(n);
    return n;
  }

  /** Debian's redis-server as a cluster node on {@code port} (node timeout 3 s), started and answering. */
  Node redis(int port, String... extra) throws Exception {
    Path d = Files.createDirectories(dir.resolve("n" + port));
    List<String> cmd = new ArrayList<>(List.of(RealRedis.binary("redis-server"), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", d.toString(), "--save", "", "--appendonly", "no", "--cluster-enabled", "yes",
        "--cluster-node-timeout", "3000"));
    cmd.addAll(List.of(extra));
    Path log = d.resolve("redis.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Node n = new Node(port, true, p, log, RealRedis.connectWithRetry(port, p));
    started.add(n);
    return n;
  }

  /** {@code redis-cli --cluster <args>}, which must exit 0; returns its output. */
  static String cli(int seconds, String... args) throws IOException, InterruptedException {
    return cliAnswering("", seconds, args);
  }

  /**
   * {@code redis-cli --cluster <args>} with {@code answers} on its input, which must exit 0: redis-cli asks for a
   * typed "yes" before it covers unassigned slots, even with --cluster-yes.
   */
  static String cliAnswering(String answers, int seconds, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(RealRedis.binary("redis-cli"), "--cluster"));
    cmd.addAll(List.of(args));
    ToolRun r = ToolRun.run(cmd, Path.of("."), seconds, answers);
    assertEquals(0, r.exit(), String.join(" ", cmd) + "\n" + tail(r.output()));
    return r.output();
  }

  /** The last 60 lines of a tool's output (a reshard prints a line per slot). */
  static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** {@code redis-cli --cluster check} from {@code via}: every node agrees, no open slot, every slot covered. */
  static void assertHealthy(Node via) throws Exception {
    String out = cli(60, "check", via.addr());
    assertTrue(out.contains("[OK] All nodes agree about slots configuration.")
        && out.contains("[OK] All 16384 slots covered.") && !out.contains("[WARNING]")
        && !out.contains("[ERR]"), out);
  }

  static void await(String what, long millis, BooleanSupplier ok) throws InterruptedException {
    ClusterBusIT.await(what, millis, ok);
  }

  /** Waits until every node in {@code nodes} says cluster_state:ok and all show the same CLUSTER SLOTS. */
  static void awaitAgreed(List<Node> nodes, long millis) throws InterruptedException {
    try {
      await("cluster ok and the same slots everywhere", millis, () -> {
        if (!nodes.stream().allMatch(n -> "ok".equals(info(n.jedis, "cluster_state")))) {
          return false;
        }
        String slots = ClusterBusIT.deep(cluster(nodes.get(0).jedis, "SLOTS"));
        return nodes.stream().allMatch(n -> ClusterBusIT.deep(cluster(n.jedis, "SLOTS")).equals(slots));
      });
    } catch (AssertionError e) {
      StringBuilder views = new StringBuilder(e.getMessage());
      nodes.forEach(n -> views.append("\n--- ").append(n).append(" ").append(info(n.jedis, "cluster_state"))
          .append('\n').append(n.nodes()));
      throw new AssertionError(views.toString());
    }
  }

  /** Waits until {@code replica} is linked to its master and holds as many keys. */
  static void awaitSynced(Node replica, Node master) throws InterruptedException {
    // the replica has processed everything the master had written when asked: key counts alone match as soon as a
    // replica holds the same keys, while overwritten values may still be on their way (replication is asynchronous)
    long target = infoLong(master, "master_repl_offset");
    await(replica + " in sync with " + master, 60_000, () -> replica.jedis.info("replication").contains(
        "master_link_status:up") && infoLong(replica, "slave_repl_offset") >= target
        && replica.jedis.dbSize() == master.jedis.dbSize());
  }

  private static long infoLong(Node n, String field) {
    for (String line : n.jedis.info("replication").split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim());
      }
    }
    return -1;
  }

  static JedisCluster client(Node seed) {
    Set<HostAndPort> seeds = new HashSet<>();
    seeds.add(new HostAndPort("127.0.0.1", seed.port));
    return new JedisCluster(seeds, 5000, 5000, 20, null);
  }

  /**
   * Keys of every type in several encodings (small and large lists, hashes, sets, sorted sets, a stream, an integer
   * set, a big string, a key with a TTL), spread over the slots by their names; returns what each holds.
   */
  static Map<String, String> writeTyped(JedisCluster jc, int groups) {
    Map<String, String> expected = new TreeMap<>();
    for (int g = 0; g < groups; g++) {
      String p = "t" + g + ":";
      jc.set(p + "str", "value-" + g);
      jc.set(p + "int", Integer.toString(1000 + g));
      jc.set(p + "big", "x".repeat(70_000) + g);
      jc.setex(p + "ttl", 100_000, "t" + g);
      jc.rpush(p + "list", "a", "b", Integer.toString(g));
      for (int i = 0; i < 300; i++) {
        jc.rpush(p + "biglist", "element-" + i);
        jc.hset(p + "bighash", "field-" + i, "v" + i);
        jc.zadd(p + "bigzset", i * 1.5, "member-" + i);
        jc.sadd(p + "bigset", "member-" + i);
      }
      jc.hset(p + "hash", Map.of("f", "1", "g", Integer.toString(g)));
      jc.sadd(p + "intset", "1", "2", Integer.toString(100 + g));
      jc.sadd(p + "set", "x", "y" + g);
      jc.zadd(p + "zset", Map.of("m", 1.0, "n" + g, 2.5));
      for (int i = 0; i < 5; i++) {
        jc.xadd(p + "stream", redis.clients.jedis.params.XAddParams.xAddParams(),
            Map.of("f", Integer.toString(i)));
      }
    }
    for (String key : keysOf(groups)) {
      expected.put(key, fingerprint(jc, key));
    }
    return expected;
  }

  static List<String> keysOf(int groups) {
    List<String> keys = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      for (String k : List.of("str", "int", "big", "ttl", "list", "biglist", "bighash", "bigzset", "bigset", "hash",
          "intset", "set", "zset", "stream")) {
        keys.add("t" + g + ":" + k);
      }
    }
    return keys;
  }

  /** A key's type and contents as text (a TTL only as "has one"), read through the cluster client. */
  static String fingerprint(JedisCluster jc, String key) {
    String type = jc.type(key);
    String body = switch (type) {
      case "string" -> jc.get(key);
      case "list" -> jc.lrange(key, 0, -1).toString();
      case "hash" -> new TreeMap<>(jc.hgetAll(key)).toString();
      case "set" -> new java.util.TreeSet<>(jc.smembers(key)).toString();
      case "zset" -> jc.zrangeWithScores(key, 0, -1).toString();
      case "stream" -> jc.xrange(key, (redis.clients.jedis.StreamEntryID) null, null).stream()
          .map(StreamEntry::toString).toList().toString();
      default -> "";
    };
    return type + ":" + (jc.ttl(key) > 0 ? "ttl:" : "") + body;
  }

  static void assertTyped(JedisCluster jc, Map<String, String> expected) {
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertEquals(e.getValue(), fingerprint(jc, e.getKey()), e.getKey());
    }
  }

  /** A writer of string keys w:N, w:N+1, ... through its own cluster client, until stopped. */
  static final class Writer implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger written = new AtomicInteger();
    final List<Throwable> errors = new ArrayList<>();
    final Thread thread;

    Writer(Node seed, int from) {
      written.set(from);
      thread = new Thread(() -> {
        try (JedisCluster w = client(seed)) {
          while (!stop.get()) {
            int i = written.get();
            w.set("w:" + i, "v" + i);
            written.incrementAndGet();
          }
        } catch (Throwable t) {
          synchronized (errors) {
            errors.add(t);
          }
        }
      });
      thread.start();
    }

    /** Stops the writer; asserts it met no error and wrote at least {@code atLeast} keys; returns the count. */
    int finish(int atLeast) throws InterruptedException {
      stop.set(true);
      thread.join();
      assertTrue(errors.isEmpty(), errors.toString());
      assertTrue(written.get() >= atLeast, "only " + written.get() + " writes");
      return written.get();
    }

    static void assertAll(JedisCluster jc, int count) {
      for (int i = 0; i < count; i++) {
        assertEquals("v" + i, jc.get("w:" + i), "w:" + i);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
    }
  }

  @Override
  public void close() throws Exception {
    for (Node n : started) {
      try {
        n.jedis.close();
      } catch (RuntimeException ignored) {
        // closing anyway
      }
      if (n.process.isAlive()) {
        n.process.destroyForcibly();
        n.process.waitFor();
      }
    }
    keepLogs();
  }

  /**
   * Copies every node's log to target/cluster-logs/(this run's directory)/, since the run's directory is deleted with
   * the test: a failure seen once under CI's load is then read from the logs of all its nodes.
   */
  private void keepLogs() {
    Path kept = Path.of("target", "cluster-logs", dir.getFileName().toString());
    for (Node n : started) {
      try {
        Files.createDirectories(kept);
        if (Files.exists(n.log)) {
          Files.copy(n.log, kept.resolve((n.redis ? "redis-" : "cairn-") + n.port + ".log"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        System.err.println("could not keep the log of " + n + ": " + e);
      }
    }
  }
}
