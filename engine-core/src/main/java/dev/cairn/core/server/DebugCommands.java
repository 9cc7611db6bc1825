package dev.cairn.core.server;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Entry;
import dev.cairn.core.keyspace.LruClock;
import dev.cairn.core.keyspace.Values;
import dev.cairn.core.util.Glob;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * DEBUG: the subcommands Redis's test suite relies on. Like Redis, DEBUG parses its own subcommand (it is not a
 * container).
 */
public final class DebugCommands implements CommandFamily {
  static final CommandSpec DEBUG = CommandSpec.command("debug", -2).group(Group.SERVER).since("1.0.0")
      .flags(Flag.ADMIN, Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.PROTECTED)
      .summary("A container for debugging commands.").complexity("Depends on subcommand.").build();

  @Override
  public void register(CommandRegistry r) {
    r.add(DEBUG, DebugCommands::debug);
  }

  /** DEBUG subcommand [argument ...] */
  static void debug(CommandContext c, Args a) {
    Engine e = ((Session) c).engine;
    String sub = a.string(1).toLowerCase(Locale.ROOT);
    int n = a.size();
    switch (sub) {
      case "help" -> help(c);
      case "protocol" -> {
        needArgs(a, n == 3);
        DebugProtocol.reply((Session) c, a.string(2));
      }
      case "sleep" -> {
        needArgs(a, n == 3);
        long micros = (long) (parseDouble(a.string(2)) * 1_000_000);
        sleepMicros(micros);
        c.reply().ok();
      }
      case "set-active-expire" -> {
        needArgs(a, n == 3);
        e.keyspace().activeExpireEnabled = atoi(a.string(2)) != 0;
        c.reply().ok();
      }
      case "set-disable-deny-scripts" -> {
        needArgs(a, n == 3);
        e.scripting().client().allowNoScriptCommands = atoi(a.string(2)) != 0;
        c.reply().ok();
      }
      case "pause-cron" -> {
        needArgs(a, n == 3);
        e.cronPaused = atoi(a.string(2)) != 0;
        c.reply().ok();
      }
      case "object" -> {
        needArgs(a, n == 3);
        object(c, e, a.get(2));
      }
      case "change-repl-id" -> {
        needArgs(a, n == 2);
        e.replId = Engine.randomHex(40);
        e.replId2 = "0".repeat(40);
        c.reply().ok();
      }
      case "stringmatch-test" -> {
        needArgs(a, n == 2);
        globFuzz();
        c.reply().simple("Apparently Redis did not crash: test passed");
      }
      case "jmap" -> {
        needArgs(a, n == 2);
        c.reply().bulk(heapReport());
      }
      case "log" -> {
        needArgs(a, n == 3);
        dev.cairn.core.log.LogMessage.DEBUG_LOG.log(a.string(2));
        c.reply().ok();
      }
      case "quicklist-packed-threshold" -> {
        needArgs(a, n == 3);
        long sz = dev.cairn.core.config.MemoryUnits.parse(a.string(2));
        if (sz == Long.MIN_VALUE || !dev.cairn.core.type.list.ListConfig.setPackedThreshold(sz)) {
          throw dev.cairn.api.reply.Errors.err("argument must be a memory value bigger than 1 and smaller than 4gb");
        }
        c.reply().ok();
      }
      case "config-rewrite-force-all" -> {
        needArgs(a, n == 2);
        try {
          dev.cairn.core.config.ConfigCommands.rewrite(e, true);
        } catch (RedisException ex) {
          throw RedisException.err("CONFIG-REWRITE-FORCE-ALL failed: " + ex.getMessage().substring(4));
        }
        c.reply().ok();
      }
      case "reload" -> reload(c, e, a);
      case "digest" -> {
        needArgs(a, n == 2);
        c.reply().simple(DatasetDigest.hex(e.digests().dataset(e.keyspace())));
      }
      case "digest-value" -> {
        c.reply().array(n - 2);
        for (int i = 2; i < n; i++) {
          Entry entry = ((dev.cairn.core.keyspace.Db) c.db()).dict().get(a.get(i)); // expired keys count too
          c.reply().simple(DatasetDigest.hex(e.digests().entry(entry)));
        }
      }
      case "loadaof" -> {
        needArgs(a, n == 2);
        c.preventPropagation(); // the reload is not an effect: the dataset is what the files say
        if (e.aof().loading()) {
          throw RedisException.err("The AOF is being loaded already");
        }
        e.aof().debugLoadAofSliced((dev.cairn.core.connection.Session) c); // replies when the load is done
      }
      case "replybuffer" -> {
        needArgs(a, n == 4);
        replyBuffer(e.replyBuffers(), a);
        c.reply().ok();
      }
      case "aof-flush-sleep" -> {
        needArgs(a, n == 3);
        e.aof().setFlushSleepMicros(atoi(a.string(2)));
        c.reply().ok();
      }
      case "populate" -> {
        needArgs(a, n >= 3 && n <= 5);
        populate(c, a);
      }
      case "replicate" -> {
        // the command goes to the replicas only, unexecuted, with no SELECT before it
        needArgs(a, n >= 3);
        byte[][] cmd = new byte[n - 2][];
        for (int i = 2; i < n; i++) {
          cmd[i - 2] = a.get(i);
        }
        e.propagation().emit(-1, cmd, dev.cairn.core.Propagation.TARGET_REPLICAS);
        c.reply().ok();
      }
      case "drop-cluster-packet-filter" -> {
        needArgs(a, n == 3);
        long type = a.longArg(2);
        if (e.cluster() != null) {
          e.cluster().dropPacketFilter = type;
        }
        c.reply().ok();
      }
      case "clusterlink" -> {
        if (n != 5 || !a.is(2, "kill")) {
          throw unknown(a);
        }
        dev.cairn.core.cluster.Cluster cl = e.cluster();
        if (cl == null) {
          throw RedisException.err("Debug option only available for cluster mode enabled setup!");
        }
        cl.killLinks(a.string(4), a.string(3));
        c.reply().ok();
      }
      case "set-skip-checksum-validation" -> {
        needArgs(a, n == 3);
        e.persistence().loader().skipChecksumValidation = atoi(a.string(2)) != 0;
        c.reply().ok();
      }
      default -> throw unknown(a);
    }
  }

  /** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush, load, all on the spot. */
  private static void reload(CommandContext c, Engine e, Args a) {
    boolean merge = false;
    boolean flush = true;
    boolean save = true;
    for (int i = 2; i < a.size(); i++) {
      if (a.is(i, "merge")) {
        merge = true;
      } else if (a.is(i, "noflush")) {
        flush = false;
      } else if (a.is(i, "nosave")) {
        save = false;
      } else {
        throw RedisException.err("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      }
    }
    var p = e.persistence();
    if (save && !p.save()) {
      throw RedisException.line("ERR");
    }
    if (flush) {
      for (int i = 0; i < e.keyspace().databases(); i++) {
        e.keyspace().db(i).flush();
      }
      e.scripting().functions().flush(); // the file holds the function libraries too, as Redis's emptyData clears them
    }
    var result = p.loader().loadNow(p.rdbFile(), merge);
    if (result.status() != dev.cairn.core.persistence.RdbLoader.Status.OK) { // a missing file fails too, as in Redis
      throw RedisException.err("Error trying to load the RDB dump, check server logs.");
    }
    dev.cairn.core.log.LogMessage.DEBUG_RELOADED.log();
    c.reply().ok();
  }

  private static final RedisException NOT_POSITIVE = RedisException.err("value is out of range, must be positive");

  /** DEBUG POPULATE count [prefix] [size]: keys prefix:N holding "value:N" (zero-padded or cut to size). */
  private static void populate(CommandContext c, Args a) {
    long count = a.longArg(2);
    if (count < 0) {
      throw NOT_POSITIVE;
    }
    long size = 0;
    if (a.size() == 5) {
      size = a.longArg(4);
      if (size < 0) {
        throw NOT_POSITIVE;
      }
    }
    String prefix = a.size() >= 4 ? a.string(3) : "key";
    dev.cairn.core.keyspace.Db db = (dev.cairn.core.keyspace.Db) c.db();
    for (long j = 0; j < count; j++) {
      byte[] key = (prefix + ":" + j).getBytes(StandardCharsets.UTF_8);
      if (db.lookupWrite(key) != null) {
        continue;
      }
      byte[] v = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
      if (size > 0) {
        v = java.util.Arrays.copyOf(v, (int) Math.min(size, Integer.MAX_VALUE - 16));
      }
      db.add(key, v);
      c.signalModifiedKey(db.id(), key);
    }
    c.reply().ok();
  }

  private static void help(CommandContext c) {
    Help.reply(c.reply(), "DEBUG",
        "AOF-FLUSH-SLEEP <microsec>",
        "    Server will sleep before flushing the AOF, this is used for testing.",
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "CONFIG-REWRITE-FORCE-ALL",
        "    Like CONFIG REWRITE but writes all configuration options, including keywords not listed in original",
        "    configuration file or default values.",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "DROP-CLUSTER-PACKET-FILTER <packet-type>",
        "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
        "JMAP",
        "    Show the JVM's heap and memory pool usage (Cairn only).",
        "LOADAOF",
        "    Flush the AOF buffers on disk and reload the AOF in memory.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "OBJECT <key>",
        "    Show low level info about the `key` and associated value.",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing.",
        "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
        "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
        "    In case NEVER is provided the last observed peak will never be reset",
        "    In case RESET is provided the peak reset time will be restored to the default value",
        "REPLYBUFFER RESIZING <0|1>",
        "    Enable or disable the reply buffer resize cron job",
        "CLUSTERLINK KILL <to|from|all> <node-id>",
        "    Kills the link based on the direction to/from (both) with the provided node.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Sets the threshold for elements to be inserted as plain vs packed nodes",
        "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
        "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
        "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not accessed (otherwise the Redis",
        "    behavior). Setting it to 1 reenables back the default.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "STRINGMATCH-TEST",
        "    Run a fuzz tester against the stringmatchlen() function.");
  }

  /** DEBUG REPLYBUFFER PEAK-RESET-TIME never|reset|ms, DEBUG REPLYBUFFER RESIZING 0|1. */
  private static void replyBuffer(dev.cairn.core.connection.ReplyBuffers rb, Args a) {
    String what = a.string(2).toLowerCase(Locale.ROOT);
    String value = a.string(3);
    switch (what) {
      case "peak-reset-time" -> {
        if (value.equalsIgnoreCase("never")) {
          rb.peakResetMillis = -1;
        } else if (value.equalsIgnoreCase("reset")) {
          rb.peakResetMillis = dev.cairn.core.connection.ReplyBuffers.DEFAULT_PEAK_RESET_MILLIS;
        } else {
          rb.peakResetMillis = a.longArg(3);
        }
      }
      case "resizing" -> rb.resizing = atoi(value) != 0;
      default -> throw unknown(a);
    }
  }

  private static void needArgs(Args a, boolean ok) {
    if (!ok) {
      throw unknown(a);
    }
  }

  private static RedisException unknown(Args a) {
    return RedisException.err("unknown subcommand or wrong number of arguments for '" + a.string(1)
        + "'. Try DEBUG HELP.");
  }

  /** C's atoi: leading digits with an optional sign, 0 when there are none. */
  static int atoi(String s) {
    int i = 0;
    int sign = 1;
    String t = s.strip();
    if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
      sign = t.charAt(i) == '-' ? -1 : 1;
      i++;
    }
    long v = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i)) && v < Integer.MAX_VALUE) {
      v = v * 10 + (t.charAt(i++) - '0');
    }
    return (int) (sign * v);
  }

  /** C's strtod as DEBUG SLEEP uses it: 0 when the text is not a number. */
  private static double parseDouble(String s) {
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException ex) {
      return 0;
    }
  }

  /** Holds the engine thread, as Redis's DEBUG SLEEP holds its main thread: nothing else runs meanwhile. */
  private static void sleepMicros(long micros) {
    if (micros <= 0) {
      return;
    }
    try {
      Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  /** DEBUG OBJECT key: Redis's one-line summary. */
  private static void object(CommandContext c, Engine e, byte[] key) {
    // as Redis, straight from the table: an expired key not yet reclaimed is still described
    Entry entry = ((dev.cairn.core.keyspace.Db) c.db()).stored(key);
    if (entry == null) {
      throw Errors.NO_SUCH_KEY;
    }
    Object v = entry.value();
    long idle = LruClock.idleSeconds(entry.lru(), e.keyspace().now());
    String serialized = v instanceof byte[] b ? " serializedlength:" + MemoryEstimate.serializedStringLength(b) : "";
    c.reply().simple("Value at:0x" + Long.toHexString(System.identityHashCode(v)) + " refcount:1 encoding:"
        + Values.encoding(v) + serialized + " lru:" + entry.lru() + " lru_seconds_idle:" + idle);
  }

  /** Random patterns against random strings: the matcher must end without error whatever the input. */
  private static void globFuzz() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    String alphabet = "*?[]\\^-ab";
    for (int i = 0; i < 1_000_000 / 10; i++) {
      String p = randomString(rnd, alphabet, rnd.nextInt(20));
      String s = randomString(rnd, alphabet, rnd.nextInt(20));
      Glob.matches(p.getBytes(StandardCharsets.ISO_8859_1), s.getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  private static String randomString(ThreadLocalRandom rnd, String alphabet, int len) {
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** DEBUG JMAP: heap and memory pool usage from the JVM. */
  static String heapReport() {
    StringBuilder sb = new StringBuilder();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    sb.append("heap_used:").append(heap.getUsed()).append("\r\n")
        .append("heap_committed:").append(heap.getCommitted()).append("\r\n")
        .append("heap_max:").append(heap.getMax()).append("\r\n")
        .append("nonheap_used:").append(nonHeap.getUsed()).append("\r\n")
        .append("nonheap_committed:").append(nonHeap.getCommitted()).append("\r\n");
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage u = pool.getUsage();
      sb.append("pool:").append(pool.getName().replace(' ', '_')).append(":used=").append(u.getUsed())
          .append(",committed=").append(u.getCommitted()).append(",max=").append(u.getMax()).append("\r\n");
    }
    return sb.toString();
  }
}
