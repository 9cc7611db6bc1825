package dev.cairn.core.multi;

import dev.cairn.api.command.Flag;
import dev.cairn.core.command.Command;
import dev.cairn.core.script.ScriptCache;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's MULTI/WATCH state: the queued commands, the keys it watches, and the two reasons EXEC may refuse to
 * run (a watched key changed; a command was rejected while queueing). A client that never used MULTI or WATCH has none.
 */
public final class Transaction {
  /** Between MULTI and EXEC/DISCARD (and while EXEC runs the queue, as Redis keeps CLIENT_MULTI until it ends). */
  boolean active;
  /** A watched key was touched: EXEC replies with a null array (Redis's CLIENT_DIRTY_CAS). */
  boolean dirtyCas;
  /** A command was rejected while queueing: EXEC aborts with EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
  boolean dirtyExec;
  Command[] commands = new Command[2];
  byte[][][] argvs = new byte[2][][];
  int count;
  /** Bytes of the queued arguments (CLIENT LIST multi-mem). */
  long argvBytes;
  /** Whether a queued command writes or may replicate (EXEC is then held by CLIENT PAUSE WRITE). */
  boolean mayReplicate;
  /** Whether a queued command may use more memory (EXEC is then refused while over maxmemory). */
  boolean denyOom;
  /** Whether a queued command writes (EXEC is then refused while the AOF cannot be written). */
  boolean write;
  /** Whether a queued command lacks the stale flag (EXEC is then refused on a replica serving no stale data). */
  boolean notStale;
  /** The keys watched by this client, in WATCH order. */
  final List<WatchedKey> watched = new ArrayList<>();

  /** Whether the client is between MULTI and the end of EXEC/DISCARD. */
  public boolean active() {
    return active;
  }

  /** Commands queued so far. */
  public int queued() {
    return count;
  }

  /** The i-th queued command (cluster routing looks at the keys of all of them at EXEC). */
  public Command command(int i) {
    return commands[i];
  }

  /** The arguments of the i-th queued command. */
  public byte[][] argv(int i) {
    return argvs[i];
  }

  /** Whether a watched key changed (CLIENT LIST flag d). */
  public boolean dirty() {
    return dirtyCas;
  }

  /** Whether the queue holds a command that writes or may replicate. */
  public boolean mayReplicate() {
    return mayReplicate;
  }

  /** Whether the queue holds a command that writes. */
  public boolean writes() {
    return write;
  }

  /** Whether the queue holds a command not flagged stale. */
  public boolean notStale() {
    return notStale;
  }

  /** Whether the queue holds a command flagged deny-oom. */
  public boolean denyOom() {
    return denyOom;
  }

  /** Memory the transaction holds, as Redis's multiStateMemOverhead counts it (queued argv, watched keys). */
  public long memory() {
    long mem = argvBytes + (long) commands.length * 24 + watched.size() * 48L;
    return active || !watched.isEmpty() ? mem : 0;
  }

  /**
   * Queues a command; {@code declared} are the command flags its script's declared flags stand for
   * ({@link ScriptCache#commandFlags}), or -1, in which case the command's own flags count.
   */
  void queue(Command cmd, byte[][] argv, int declared) {
    if (count == commands.length) {
      commands = java.util.Arrays.copyOf(commands, count * 2);
      argvs = java.util.Arrays.copyOf(argvs, count * 2);
    }
    commands[count] = cmd;
    argvs[count++] = argv;
    for (byte[] arg : argv) {
      argvBytes += arg.length + 8;
    }
    if (declared >= 0) {
      boolean writes = (declared & ScriptCache.CMD_WRITE) != 0;
      mayReplicate |= writes;
      write |= writes;
      denyOom |= (declared & ScriptCache.CMD_DENY_OOM) != 0;
      notStale |= (declared & ScriptCache.CMD_STALE) == 0;
      return;
    }
    if (cmd.spec.has(Flag.WRITE) || cmd.spec.has(Flag.MAY_REPLICATE)) {
      mayReplicate = true;
    }
    if (cmd.spec.has(Flag.DENYOOM)) {
      denyOom = true;
    }
    if (cmd.spec.has(Flag.WRITE)) {
      write = true;
    }
    if (!cmd.spec.has(Flag.STALE)) {
      notStale = true;
    }
  }

  /** Leaves the MULTI state: the queue and both dirty flags go (the watched keys are the caller's to drop). */
  void clear() {
    active = false;
    dirtyCas = false;
    dirtyExec = false;
    java.util.Arrays.fill(commands, 0, count, null);
    java.util.Arrays.fill(argvs, 0, count, null);
    if (commands.length > 16) {
      commands = new Command[2];
      argvs = new byte[2][][];
    }
    count = 0;
    argvBytes = 0;
    mayReplicate = false;
    denyOom = false;
    write = false;
    notStale = false;
  }
}
