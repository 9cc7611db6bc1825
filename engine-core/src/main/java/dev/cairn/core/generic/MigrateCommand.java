package dev.cairn.core.generic;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MIGRATE: DUMP here, RESTORE there, DEL here, as Redis does it: synchronously (the engine thread waits for the target,
 * bounded by the timeout), over a connection kept for reuse ten seconds per host:port (up to 64), which remembers the
 * database it last selected. Propagated as DEL of the keys the target acknowledged (nothing with COPY).
 */
public final class MigrateCommand implements CommandFamily {
  private static final Set<KeyFlag> MIGRATED = EnumSet.of(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE);

  static final CommandSpec MIGRATE = CommandSpec.command("migrate", -6).group(Group.GENERIC).since("2.6.0")
      .flags(Flag.WRITE).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS).tips("nondeterministic_output")
      .key(KeySpec.index(3).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .key(KeySpec.keyword("KEYS", -2).range(-1, 1, 0)
          .flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE, KeyFlag.INCOMPLETE))
      .keyFinder(MigrateCommand::migrateKeys)
      .summary("Atomically transfers a key from one Redis instance to another.")
      .complexity("This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target "
          + "instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the "
          + "two instances is performed.")
      .history("3.0.0", "Added the `COPY` and `REPLACE` options.")
      .history("3.0.6", "Added the `KEYS` option.")
      .history("4.0.7", "Added the `AUTH` option.")
      .history("6.0.0", "Added the `AUTH2` option.")
      .args(Arg.string("host"), Arg.integer("port"),
          Arg.oneOf("key-selector", Arg.key("key", 0),
              new Arg("empty-string", Arg.Type.PURE_TOKEN, "\"\"", -1, false, false, false, null, List.of())),
          Arg.integer("destination-db"), Arg.integer("timeout"),
          Arg.token("COPY").optional().since("3.0.0"), Arg.token("REPLACE").optional().since("3.0.0"),
          Arg.oneOf("authentication", Arg.string("auth").withToken("AUTH").since("4.0.7"),
              Arg.block("auth2", Arg.string("username"), Arg.string("password")).withToken("AUTH2").since("6.0.0"))
              .optional(),
          Arg.key("keys", 1).withToken("KEYS").optional().multiple().since("3.0.6"))
      .build();

  /** Connections kept for reuse at most this long unused (MIGRATE_SOCKET_CACHE_TTL). */
  static final long CACHE_TTL_MILLIS = 10_000;
  /** At most this many kept connections (MIGRATE_SOCKET_CACHE_ITEMS). */
  static final int CACHE_ITEMS = 64;

  /** A kept connection to a target. */
  static final class Cached {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    long lastDb = -1;
    long lastUse;

    Cached(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // gone either way
      }
    }
  }

  /** The kept connections of one server, by "host:port" (engine thread only). */
  public static final class Cache {
    private final Map<String, Cached> sockets = new LinkedHashMap<>();

    /** INFO's migrate_cached_sockets. */
    public int size() {
      return sockets.size();
    }

    /** From the cron: closes connections unused for more than ten seconds. */
    public void closeIdle(long now) {
      for (Iterator<Cached> it = sockets.values().iterator(); it.hasNext(); ) {
        Cached c = it.next();
        if (now - c.lastUse > CACHE_TTL_MILLIS) {
          c.close();
          it.remove();
        }
      }
    }

    void drop(String name) {
      Cached c = sockets.remove(name);
      if (c != null) {
        c.close();
      }
    }
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(MIGRATE, MigrateCommand::migrate);
  }

  /** COMMAND GETKEYS: the key argument, or the keys after KEYS when it is used. */
  static boolean migrateKeys(byte[][] argv, int argc, java.util.function.ObjIntConsumer<Set<KeyFlag>> out) {
    for (int i = 6; i < argc; i++) {
      if (Args.equalsIgnoreCase(argv[i], "keys")) {
        for (int k = i + 1; k < argc; k++) {
          out.accept(MIGRATED, k);
        }
        return true;
      }
    }
    out.accept(MIGRATED, 3);
    return true;
  }

  private static final RedisException KEYS_NEED_EMPTY_KEY = Errors.err(
      "When using MIGRATE KEYS option, the key argument must be set to the empty string");

  /** MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw|AUTH2 user pw] [KEYS key ...] */
  static void migrate(CommandContext c, Args a) {
    Session s = (Session) c;
    boolean copy = false;
    boolean replace = false;
    byte[] username = null;
    byte[] password = null;
    int firstKey = 3;
    int numKeys = 1;
    for (int j = 6; j < a.size(); j++) {
      int more = a.size() - 1 - j;
      if (a.is(j, "copy")) {
        copy = true;
      } else if (a.is(j, "replace")) {
        replace = true;
      } else if (a.is(j, "auth")) {
        if (more < 1) {
          throw Errors.SYNTAX;
        }
        password = a.get(++j);
        s.redact(j);
      } else if (a.is(j, "auth2")) {
        if (more < 2) {
          throw Errors.SYNTAX;
        }
        username = a.get(++j);
        s.redact(j);
        password = a.get(++j);
        s.redact(j);
      } else if (a.is(j, "keys")) {
        if (a.get(3).length != 0) {
          throw KEYS_NEED_EMPTY_KEY;
        }
        firstKey = j + 1;
        numKeys = a.size() - j - 1;
        break;
      } else {
        throw Errors.SYNTAX;
      }
    }
    long timeout = a.longArg(5);
    long dbid = a.longArg(4);
    if (timeout <= 0) {
      timeout = 1000;
    }
    Db db = (Db) c.db();
    List<byte[]> keys = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (int j = 0; j < numKeys; j++) {
      Entry e = db.lookupRead(a.get(firstKey + j));
      if (e != null) {
        keys.add(a.get(firstKey + j));
        entries.add(e);
      }
    }
    if (keys.isEmpty()) {
      c.reply().simple("NOKEY");
      return;
    }
    Cache cache = s.engine.migrateSockets();
    String name = a.string(1) + ":" + a.string(2);
    for (boolean mayRetry = true; ; mayRetry = false) {
      Attempt r = attempt(c, s, cache, name, a, (int) timeout, dbid, keys, entries, copy, replace, username,
          password);
      if (r == Attempt.DONE) {
        return;
      }
      cache.drop(name);
      if (!mayRetry || r == Attempt.TIMED_OUT) {
        throw RedisException.line("IOERR error or timeout " + (r == Attempt.WRITE_FAILED ? "writing" : "reading")
            + " to target instance");
      }
    }
  }

  private enum Attempt { DONE, WRITE_FAILED, READ_FAILED, TIMED_OUT }

  private static Attempt attempt(CommandContext c, Session s, Cache cache, String name, Args a, int timeout,
      long dbid, List<byte[]> keys, List<Entry> entries, boolean copy, boolean replace, byte[] username,
      byte[] password) {
    Cached cs = socket(cache, name, a.string(1), a.string(2), timeout);
    ByteArrayOutputStream cmd = new ByteArrayOutputStream();
    if (password != null) {
      if (username != null) {
        bulkArray(cmd, b("AUTH"), username, password);
      } else {
        bulkArray(cmd, b("AUTH"), password);
      }
    }
    boolean select = cs.lastDb != dbid;
    if (select) {
      bulkArray(cmd, b("SELECT"), b(Long.toString(dbid)));
    }
    List<byte[]> sent = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      Entry e = entries.get(j);
      long ttl = 0;
      if (e.expireAt() >= 0) {
        ttl = e.expireAt() - c.now();
        if (ttl < 0) {
          continue; // expired since the lookup
        }
        ttl = Math.max(ttl, 1);
      }
      byte[] payload = s.engine.dumpPayload().create(e.value());
      if (payload == null) {
        throw Errors.err("MIGRATE of " + dev.cairn.core.keyspace.Values.typeName(e.value())
            + " values is not supported yet");
      }
      if (replace) {
        bulkArray(cmd, b("RESTORE"), keys.get(j), b(Long.toString(ttl)), payload, b("REPLACE"));
      } else {
        bulkArray(cmd, b("RESTORE"), keys.get(j), b(Long.toString(ttl)), payload);
      }
      sent.add(keys.get(j));
    }
    try {
      cs.out.write(cmd.toByteArray());
      cs.out.flush();
    } catch (SocketTimeoutException e) {
      return Attempt.TIMED_OUT;
    } catch (IOException e) {
      return Attempt.WRITE_FAILED;
    }
    String authReply = null;
    String selectReply = null;
    try {
      if (password != null) {
        authReply = readLine(cs.in);
      }
      if (select) {
        selectReply = readLine(cs.in);
      }
    } catch (SocketTimeoutException e) {
      return Attempt.TIMED_OUT;
    } catch (IOException e) {
      return Attempt.READ_FAILED;
    }
    Db db = (Db) c.db();
    boolean targetError = false;
    boolean socketError = false;
    List<byte[]> deleted = new ArrayList<>();
    int j = 0;
    for (; j < sent.size(); j++) {
      String reply;
      try {
        reply = readLine(cs.in);
      } catch (IOException e) {
        socketError = true;
        if (j == 0 && !(e instanceof SocketTimeoutException) && !targetError) {
          return Attempt.READ_FAILED; // nothing was processed: the caller may retry on a new connection
        }
        break;
      }
      String err = authReply != null && authReply.startsWith("-") ? authReply
          : selectReply != null && selectReply.startsWith("-") ? selectReply
          : reply.startsWith("-") ? reply : null;
      if (err != null) {
        if (!targetError) {
          cs.lastDb = -1;
          targetError = true;
          c.reply().error(RedisException.err("Target instance replied with error: " + err.substring(1)));
        }
      } else if (!copy) {
        byte[] key = sent.get(j);
        Entry e = db.peek(key);
        if (e != null) {
          db.remove(e);
        }
        c.signalModifiedKey(db.id(), key);
        c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
        c.addDirty(1);
        deleted.add(key);
      }
    }
    if (socketError) {
      cache.drop(name);
    }
    if (!copy) {
      if (deleted.isEmpty()) {
        c.preventPropagation();
      } else {
        byte[][] del = new byte[deleted.size() + 1][];
        del[0] = b("DEL");
        for (int k = 0; k < deleted.size(); k++) {
          del[k + 1] = deleted.get(k);
        }
        c.propagate(del);
      }
    }
    if (!targetError) {
      if (socketError) {
        c.reply().error(RedisException.line("IOERR error or timeout reading to target instance"));
      } else {
        cs.lastDb = dbid;
        c.reply().ok();
      }
    }
    return Attempt.DONE;
  }

  private static Cached socket(Cache cache, String name, String host, String port, int timeout) {
    Cached cs = cache.sockets.get(name);
    long now = System.currentTimeMillis();
    if (cs != null) {
      cs.lastUse = now;
      return cs;
    }
    if (cache.sockets.size() == CACHE_ITEMS) {
      String victim = cache.sockets.keySet().iterator().next();
      cache.drop(victim);
    }
    Socket sock = new Socket();
    try {
      sock.connect(new InetSocketAddress(host, Integer.parseInt(port)), timeout);
      sock.setTcpNoDelay(true);
      sock.setSoTimeout(timeout);
      cs = new Cached(sock);
    } catch (IOException | IllegalArgumentException e) {
      try {
        sock.close();
      } catch (IOException ignored) {
        // never opened
      }
      throw RedisException.line("IOERR error or timeout connecting to the client");
    }
    cs.lastUse = now;
    cache.sockets.put(name, cs);
    return cs;
  }

  /** One reply line (the target answers AUTH, SELECT and RESTORE with status or error lines). */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int ch = in.read();
      if (ch < 0) {
        throw new IOException("connection closed");
      }
      if (ch == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      if (sb.length() < 1024) {
        sb.append((char) ch);
      }
    }
  }

  private static void bulkArray(ByteArrayOutputStream out, byte[]... parts) {
    out.writeBytes(b("*" + parts.length + "\r\n"));
    for (byte[] p : parts) {
      out.writeBytes(b("$" + p.length + "\r\n"));
      out.writeBytes(p);
      out.writeBytes(b("\r\n"));
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
