package dev.cairn.core.script;

import java.util.HashMap;
import java.util.Map;
import org.luaj.vm2.LuaFunction;

/**
 * EVAL's script cache: each script body compiled once and kept by its SHA1 (lower-case hex), with the flags of its
 * shebang line. SCRIPT FLUSH empties it.
 */
public final class ScriptCache {
  /** Script flags (shebang {@code flags=}, function flags): Redis's names and bits. */
  public static final int NO_WRITES = 1;
  public static final int ALLOW_OOM = 2;
  public static final int ALLOW_STALE = 4;
  public static final int NO_CLUSTER = 8;
  public static final int ALLOW_CROSS_SLOT = 16;
  /** No shebang: an old-style script, whose command flags decide what it may do. */
  public static final int EVAL_COMPAT = 1 << 30;

  /** What a command running a script that declares flags counts as (the bits {@link #commandFlags} answers). */
  public static final int CMD_WRITE = 1;
  public static final int CMD_DENY_OOM = 2;
  public static final int CMD_STALE = 4;

  /** A cached script. */
  public record Script(String sha, byte[] body, int flags, LuaFunction function) { }

  private final Map<String, Script> scripts = new HashMap<>();
  private long bodyBytes;

  public Script get(String sha) {
    return scripts.get(sha);
  }

  public void put(Script s) {
    if (scripts.put(s.sha(), s) == null) {
      bodyBytes += s.body().length + 40;
    }
  }

  public int size() {
    return scripts.size();
  }

  /** Bytes the cached bodies and names take (INFO used_memory_scripts_eval). */
  public long memory() {
    return bodyBytes;
  }

  public void clear() {
    scripts.clear();
    bodyBytes = 0;
  }

  /**
   * The command flags of an EVAL/EVALSHA/FCALL (or its _RO form) whose script declares {@code scriptFlags}, as
   * Redis decides before running it: the declared flags replace the command's own write, deny-oom and stale flags
   * (no-writes implies allow-oom), and may-replicate goes, since a script that declares flags is known to write
   * ({@link #CMD_WRITE}) or not. Not for {@link #EVAL_COMPAT} scripts, whose command's flags count.
   */
  public static int commandFlags(int scriptFlags) {
    int cmd = 0;
    if ((scriptFlags & NO_WRITES) == 0) {
      cmd |= CMD_WRITE;
    }
    if ((scriptFlags & (NO_WRITES | ALLOW_OOM)) == 0) {
      cmd |= CMD_DENY_OOM;
    }
    if ((scriptFlags & ALLOW_STALE) != 0) {
      cmd |= CMD_STALE;
    }
    return cmd;
  }

  /** The flag bit of a flag name, or 0 if unknown. */
  public static int flag(String name) {
    return switch (name) {
      case "no-writes" -> NO_WRITES;
      case "allow-oom" -> ALLOW_OOM;
      case "allow-stale" -> ALLOW_STALE;
      case "no-cluster" -> NO_CLUSTER;
      case "allow-cross-slot-keys" -> ALLOW_CROSS_SLOT;
      default -> 0;
    };
  }
}
