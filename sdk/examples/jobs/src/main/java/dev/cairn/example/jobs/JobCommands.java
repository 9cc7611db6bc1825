package dev.cairn.example.jobs;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.ModuleServer;
import dev.cairn.api.ModuleTimer;
import dev.cairn.api.ServerAccess;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.BlockedClient;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/** The JOB.* commands. Each section shows one pattern of the module API; {@code JobsModuleTest} tests each. */
final class JobCommands implements CommandFamily {
  private static CommandSpec.Builder spec(String name, int arity, String summary) {
    // every command is in the module's own ACL category "jobs" (JobsModule adds it) besides those its flags imply
    return CommandSpec.command(name, arity).group(Group.MODULE).since("1.0.0").summary(summary).acl("jobs");
  }

  private static final KeySpec RW_KEY = KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE);

  static final CommandSpec PUSH = spec("job.push", -3, "Appends jobs to a queue, creating it; wakes JOB.TAKE.")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .complexity("O(N) for N jobs").args(Arg.key("key", 0), Arg.string("payload").multiple()).build();
  static final CommandSpec POP = spec("job.pop", 2, "Removes and returns the oldest job, or nil.")
      .flags(Flag.WRITE, Flag.FAST).key(RW_KEY).complexity("O(1)").args(Arg.key("key", 0)).build();
  static final CommandSpec TAKE = spec("job.take", 3, "Like JOB.POP, but waits up to timeout ms (0: for ever).")
      .flags(Flag.WRITE, Flag.BLOCKING).key(RW_KEY).complexity("O(1)")
      .args(Arg.key("key", 0), Arg.integer("timeout")).build();
  static final CommandSpec LEN = spec("job.len", 2, "The number of jobs in a queue.")
      .flags(Flag.READONLY, Flag.FAST).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO)).complexity("O(1)")
      .args(Arg.key("key", 0)).build();
  static final CommandSpec CHECKSUM = spec("job.checksum", 3,
      "Stores the SHA-256 of a string key's value in another key, computed on a worker thread; replies it.")
      .flags(Flag.WRITE, Flag.DENYOOM).complexity("O(N) for a value of N bytes")
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO, KeyFlag.ACCESS))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
      .args(Arg.key("source", 0), Arg.key("destination", 1)).build();
  static final CommandSpec ARCHIVE = spec("job.archive", 3,
      "Moves every job of a queue to the end of a list (with RPUSH, run as a command); replies the list's length.")
      .flags(Flag.WRITE, Flag.DENYOOM).complexity("O(N) for N jobs")
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE))
      .key(KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .args(Arg.key("key", 0), Arg.key("list", 1)).build();
  static final CommandSpec DELAY = spec("job.delay", 4, "Pushes a job after a delay in ms; replies the timer id.")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .complexity("O(1)").args(Arg.key("key", 0), Arg.integer("milliseconds"), Arg.string("payload")).build();
  static final CommandSpec EVERY = spec("job.every", 4, "Pushes a job every period ms until cancelled; the timer id.")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .complexity("O(1)").args(Arg.key("key", 0), Arg.integer("milliseconds"), Arg.string("payload")).build();
  static final CommandSpec CANCEL = spec("job.cancel", 2, "Stops a JOB.DELAY or JOB.EVERY timer: 1, or 0 if gone.")
      .flags(Flag.FAST).complexity("O(1)").args(Arg.integer("id")).build();

  private final ModuleServer server;
  private final ExecutorService workers;
  private final ConfigValue<Long> maxLength;
  private final JobStats stats;
  private final Map<Long, ModuleTimer> timers = new ConcurrentHashMap<>();
  private final AtomicLong timerIds = new AtomicLong();

  JobCommands(ModuleServer server, ExecutorService workers, ConfigValue<Long> maxLength, JobStats stats) {
    this.server = server;
    this.workers = workers;
    this.maxLength = maxLength;
    this.stats = stats;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(PUSH, this::push);
    r.add(POP, this::pop);
    r.add(TAKE, this::take);
    r.add(LEN, JobCommands::len);
    r.add(CHECKSUM, this::checksum);
    r.add(ARCHIVE, this::archive);
    r.add(DELAY, (c, a) -> startTimer(c, a, false));
    r.add(EVERY, (c, a) -> startTimer(c, a, true));
    r.add(CANCEL, this::cancel);
  }

  private static final RedisException FULL = RedisException.err("queue is full (jobs.max-length)");
  private static final byte[] POP_NAME = "JOB.POP".getBytes(StandardCharsets.US_ASCII);

  // ---- writing a module value; a write wakes the clients blocked on the key

  /** JOB.PUSH key payload [payload ...] */
  void push(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JobQueue q = c.db().getForWrite(key, JobQueueType.INSTANCE); // WRONGTYPE for another type's key
    int adding = a.size() - 2;
    if ((q == null ? 0 : q.size()) + adding > maxLength.get()) { // config parameter, read when used
      throw FULL;
    }
    if (q == null) {
      q = new JobQueue();
      c.db().set(key, JobQueueType.INSTANCE, q);
    }
    for (int i = 2; i < a.size(); i++) {
      q.push(a.get(i));
    }
    stats.pushed += adding;
    // the effects every write has: signalModifiedKey wakes JOB.TAKE (and WATCH, tracking); the event reaches
    // keyspace notification subscribers (PSUBSCRIBE __keyspace@*__:*, class "d") and module listeners
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, "job.push", key, c.db().id());
    c.addDirty(adding);
    c.reply().integer(q.size());
  }

  /** Pops the oldest job, deleting the key when it empties (as lists do); null when there is none. */
  private byte[] popJob(CommandContext c, byte[] key) {
    JobQueue q = c.db().getForWrite(key, JobQueueType.INSTANCE);
    if (q == null) {
      return null;
    }
    byte[] job = q.pop();
    stats.taken++;
    c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, "job.pop", key, c.db().id());
    if (q.isEmpty()) {
      c.db().delete(key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db().id());
    }
    c.signalModifiedKey(c.db().id(), key);
    c.addDirty(1);
    return job;
  }

  /** JOB.POP key */
  void pop(CommandContext c, Args a) {
    byte[] job = popJob(c, a.get(1));
    if (job == null) {
      c.reply().nullBulk();
    } else {
      c.reply().bulk(job);
    }
  }

  // ---- a blocking command woken by a write

  /**
   * JOB.TAKE key timeout: pops at once if it can; otherwise blocks the client until the key holds a job queue again
   * (a JOB.PUSH signals it), then this same handler runs again; on timeout the reply is nil. Inside MULTI or a script
   * a client may not block: {@code block} returns false and the command answers as JOB.POP would.
   */
  void take(CommandContext c, Args a) {
    byte[] key = a.get(1);
    long timeout = a.longArg(2);
    if (timeout < 0) {
      throw RedisException.err("timeout is negative");
    }
    byte[] job = popJob(c, key);
    if (job != null) {
      c.propagate(POP_NAME, key); // replicas and the AOF get the non-blocking form, as BLPOP propagates as LPOP
      c.reply().bulk(job);
      return;
    }
    if (!c.block(new byte[][] {key}, timeout, JobQueue.class, r -> r.nullBulk())) {
      c.reply().nullBulk();
    }
  }

  /** JOB.LEN key */
  static void len(CommandContext c, Args a) {
    JobQueue q = c.db().get(a.get(1), JobQueueType.INSTANCE);
    c.reply().integer(q == null ? 0 : q.size());
  }

  // ---- work on a background thread that comes back to the keyspace

  /**
   * JOB.CHECKSUM source destination: the value is read here, on the engine thread; the client is blocked; a worker
   * thread hashes it; the result comes back to the engine thread with {@code server.execute}, which stores it with the
   * usual effects (events, dirty, propagation as a SET) and answers the blocked client.
   */
  void checksum(CommandContext c, Args a) {
    byte[] value = c.db().get(a.get(1), byte[].class); // WRONGTYPE unless a string
    if (value == null) {
      c.reply().nullBulk();
      return;
    }
    byte[] destination = a.get(2);
    int db = c.db().id();
    BlockedClient client = c.blockClient(0, null); // answered by reply() below, from the engine thread
    workers.execute(() -> {
      String hex = sha256(value); // the slow part, off the engine thread
      server.execute(access -> {
        byte[] digest = hex.getBytes(StandardCharsets.US_ASCII);
        Database d = access.db(db);
        d.set(destination, digest);
        access.signalModifiedKey(db, destination);
        access.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", destination, db);
        access.addDirty(1);
        access.propagate(db, "SET".getBytes(StandardCharsets.US_ASCII), destination, digest);
        stats.checksums++;
        client.reply(r -> r.bulk(digest));
      });
    });
  }

  private static String sha256(byte[] value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- calling core commands (RedisModule_Call), the reply read back as Java values

  /**
   * JOB.ARCHIVE key list: runs {@code RPUSH list job...} as a command (its effects, events and propagation are
   * RPUSH's own; a WRONGTYPE for a list key of another type comes back as a RedisException and becomes this command's
   * error), reads the reply (a Long), then deletes the queue. The command propagates as the DEL of the queue, after
   * the RPUSH.
   */
  void archive(CommandContext c, Args a) {
    byte[] key = a.get(1);
    JobQueue q = c.db().getForWrite(key, JobQueueType.INSTANCE);
    if (q == null) {
      c.reply().integer(0);
      return;
    }
    byte[][] rpush = new byte[2 + q.size()][];
    rpush[0] = "RPUSH".getBytes(StandardCharsets.US_ASCII);
    rpush[1] = a.get(2);
    int i = 2;
    for (byte[] job : q) {
      rpush[i++] = job;
    }
    long length = (Long) server.access().call(c.db().id(), rpush);
    c.db().delete(key);
    c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db().id());
    c.signalModifiedKey(c.db().id(), key);
    c.addDirty(1);
    c.propagate("DEL".getBytes(StandardCharsets.US_ASCII), key);
    c.reply().integer(length);
  }

  // ---- timers: one-shot and repeating, on the engine thread

  /** JOB.DELAY / JOB.EVERY key milliseconds payload */
  void startTimer(CommandContext c, Args a, boolean repeating) {
    byte[] key = a.get(1);
    long ms = a.longArg(2);
    if (ms <= 0) {
      throw RedisException.err("milliseconds must be positive");
    }
    byte[] payload = a.get(3);
    int db = c.db().id();
    long id = timerIds.incrementAndGet();
    java.util.function.Consumer<ServerAccess> fire = access -> {
      if (!repeating) {
        timers.remove(id);
      }
      stats.timersFired++;
      // a timer is outside any command: it writes through a call, whose effects propagate like a command's
      access.call(db, PUSH_NAME, key, payload);
    };
    timers.put(id, repeating ? server.createRepeatingTimer(ms, fire) : server.createTimer(ms, fire));
    c.reply().integer(id);
  }

  private static final byte[] PUSH_NAME = "JOB.PUSH".getBytes(StandardCharsets.US_ASCII);

  /** JOB.CANCEL id */
  void cancel(CommandContext c, Args a) {
    ModuleTimer t = timers.remove(a.longArg(1));
    c.reply().integer(t != null && t.stop() ? 1 : 0);
  }
}
