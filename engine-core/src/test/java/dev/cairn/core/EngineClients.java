package dev.cairn.core;

import dev.cairn.api.command.Args;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine with the core commands and any number of clients, on the calling thread, for tests of what one client's
 * command does to others (transactions, pub/sub, tracking). Each client's output is its own buffer: {@link #run}
 * returns what a command wrote to its client, {@link #take} what a client received meanwhile (messages, pushes).
 * There is no event loop: {@link #endBatch} stands for the end of one (BCAST invalidations are sent then).
 */
public final class EngineClients {
  public final Engine engine;
  /** Effects propagated to the AOF, as {@code db cmd args...}. */
  public final List<String> propagated = new ArrayList<>();
  /** Effects propagated to replicas (the AOF's, and PUBLISH). */
  public final List<String> replicated = new ArrayList<>();
  private final List<ByteBuf> outputs = new ArrayList<>();
  private final List<Session> sessions = new ArrayList<>();

  public EngineClients() {
    Config config = new Config();
    ServerParams params = new ServerParams(config);
    params.process.enableDebugCommand.value = "yes"; // as Redis's test configuration has it
    engine = new Engine(config, params, CoreCommands.families());
    engine.propagation().addListener(new Propagation.Listener() {
      @Override
      public void effect(int dbIndex, byte[][] command) {
        propagated.add(format(dbIndex, command));
      }

      @Override
      public int targets() {
        return Propagation.TARGET_AOF;
      }
    });
    engine.propagation().addListener(new Propagation.Listener() {
      @Override
      public void effect(int dbIndex, byte[][] command) {
        replicated.add(format(dbIndex, command));
      }

      @Override
      public int targets() {
        return Propagation.TARGET_REPLICAS;
      }
    });
  }

  private static String format(int db, byte[][] command) {
    StringBuilder sb = new StringBuilder(Integer.toString(db));
    for (byte[] part : command) {
      sb.append(' ').append(new String(part, StandardCharsets.ISO_8859_1));
    }
    return sb.toString();
  }

  /** A new client; its index is what {@link #run} and {@link #take} take. */
  public int connect() {
    ByteBuf out = Unpooled.buffer();
    Session s = engine.connect(noConnection(), out);
    outputs.add(out);
    sessions.add(s);
    return sessions.size() - 1;
  }

  public Session session(int client) {
    return sessions.get(client);
  }

  /**
   * Runs a command for {@code client}; returns everything its connection got (the reply, and anything before it). The
   * arguments after the name lie in an arena, as a connection's decoder leaves them (see {@code Args}), and the arena is
   * overwritten once the command has run, as the connection's next command does: whatever kept an argument without
   * copying it out would show it.
   */
  public String run(int client, String... args) {
    byte[][] argv = new byte[args.length][];
    int[] offsets = new int[args.length];
    int[] lengths = new int[args.length];
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < args.length; i++) {
      byte[] b = args[i].getBytes(StandardCharsets.ISO_8859_1);
      if (i == 0) {
        argv[0] = b;
      } else {
        offsets[i] = bytes.size();
        lengths[i] = b.length;
        bytes.writeBytes(b);
      }
    }
    byte[] arena = bytes.toByteArray();
    Args a = new Args(new byte[0][], 0);
    a.reset(argv, args.length, arena, offsets, lengths);
    if (sessions.get(client).execute(a)) {
      java.util.Arrays.fill(arena, (byte) '#');
    }
    return take(client);
  }

  /** What {@code client} received since the last run or take. */
  public String take(int client) {
    ByteBuf out = outputs.get(client);
    String s = out.toString(StandardCharsets.ISO_8859_1);
    out.clear();
    // the writer may have moved to another buffer only if the connection flushed, which this one never does
    return s;
  }

  /** The end of an event-loop batch. */
  public void endBatch() {
    engine.batchEnd();
  }

  /** Disconnects a client as a closed socket would. */
  public void disconnect(int client) {
    engine.disconnect(sessions.get(client));
  }

  public static String bulk(String s) {
    return "$" + s.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n" + s + "\r\n";
  }

  public static String integer(long n) {
    return ":" + n + "\r\n";
  }

  /** A RESP2 array (or RESP3 push, with {@code >}) of bulk strings. */
  public static String frame(char type, String... parts) {
    StringBuilder sb = new StringBuilder().append(type).append(parts.length).append("\r\n");
    for (String p : parts) {
      sb.append(bulk(p));
    }
    return sb.toString();
  }

  /**
   * A connection with no network behind it: every method answers a neutral value (a proxy, so that methods added to
   * the interface later need nothing here).
   */
  public static Connection noConnection() {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "toString" -> {
              return "no connection";
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            case "equals" -> {
              return proxy == args[0];
            }
            default -> { }
          }
          Class<?> t = method.getReturnType();
          if (t == String.class) {
            return "127.0.0.1:1";
          } else if (t == boolean.class) {
            return true;
          } else if (t == int.class) {
            return 0;
          } else if (t == long.class) {
            return 0L;
          }
          return null;
        });
  }
}
