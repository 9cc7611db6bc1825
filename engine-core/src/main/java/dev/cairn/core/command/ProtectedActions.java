package dev.cairn.core.command;

import dev.cairn.api.command.Flag;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.config.Params;
import dev.cairn.core.config.ProcessParams;
import dev.cairn.core.connection.Session;

/**
 * Redis 7's protected actions: DEBUG ({@code enable-debug-command}), MODULE LOAD/LOADEX/UNLOAD
 * ({@code enable-module-command}) and CONFIG SET of protected parameters ({@code enable-protected-configs}) are allowed
 * with {@code yes}, from a local connection (loopback or Unix socket) with {@code local}, and never with {@code no},
 * the default, so that a client cannot turn the server into a tool for running code or writing files.
 */
public final class ProtectedActions {
  private ProtectedActions() { }

  /**
   * The dispatcher's check for commands flagged PROTECTED, done right after the arity check as Redis does (so before
   * authentication): null when allowed, else Redis's error.
   */
  static RedisException check(ProcessParams p, Session s, Command cmd) {
    if (!cmd.spec.has(Flag.PROTECTED)) {
      return null;
    }
    Command top = cmd.parent != null ? cmd.parent : cmd;
    boolean debug = top.spec.name().equalsIgnoreCase("debug");
    if (!debug && !top.spec.name().equalsIgnoreCase("module")) {
      return null; // only DEBUG and MODULE are gated, as in Redis
    }
    if (allowed(debug ? p.enableDebugCommand : p.enableModuleCommand, s)) {
      return null;
    }
    String name = debug ? "DEBUG" : "MODULE";
    String option = debug ? "enable-debug-command" : "enable-module-command";
    return RedisException.err(name + " command not allowed. If the " + option + " option is set to \"local\", you can"
        + " run it from a local connection, otherwise you need to set this option in the configuration file, and then"
        + " restart the server.");
  }

  /** Whether the setting ({@code no|yes|local}) allows the action for this client. */
  public static boolean allowed(Params.Choice setting, Session s) {
    String mode = setting.value;
    return mode.equals("yes") || mode.equals("local") && isLocal(s);
  }

  /** A client on the loopback interface or the Unix socket (Redis's connIsLocal). */
  public static boolean isLocal(Session s) {
    String addr = s.connection == null ? null : s.connection.remoteAddress();
    if (addr == null) {
      return false;
    }
    return addr.startsWith("127.") || addr.startsWith("[::1]:") || addr.startsWith("/")
        || addr.endsWith(":0"); // a Unix socket peer shows as path:0 (no TCP peer has port 0)
  }
}
