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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MIGRATE: DUMP of each key, RESTORE on the target over a connection kept for later calls ({@link MigrateSockets}),
 * then DEL of the keys the target took (unless COPY). As in Redis the transfer is synchronous, with the timeout on
 * each socket operation; nothing else runs meanwhile.
 */
public final class MigrateCommands implements CommandFamily {
  static final CommandSpec MIGRATE = CommandSpec.command("migrate", -6).group(Group.GENERIC).since("2.6.0")
      .flags(Flag.WRITE).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS).tips("nondeterministic_output")
      .key(KeySpec.index(3).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .key(KeySpec.keyword("KEYS", -2).range(-1, 1, 0)
          .flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE, KeyFlag.INCOMPLETE))
      .keyFinder(MigrateCommands::keys)
      .summary("Atomically transfers a key from one Redis instance to another.")
      .complexity("This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target "
          + "instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the "
          + "two instances is performed.")
      .history("3.0.0", "Added the `COPY` and `REPLACE` options.")
      .history("3.0.6", "Added the `KEYS` option.")
      .history("4.0.7", "Added the `AUTH` option.")
      .history("6.0.0", "Added the `AUTH2` option.")
      .args(Arg.string("host"), Arg.integer("port"),
          Arg.oneOf("key-selector", Arg.key("key", 0), Arg.token("\"\"")),
          Arg.integer("destination-db"), Arg.integer("timeout"),
          Arg.token("COPY").optional().since("3.0.0"), Arg.token("REPLACE").optional().since("3.0.0"),
          Arg.oneOf("authentication", Arg.string("password").withToken("AUTH").since("4.0.7"),
              Arg.block("auth2", Arg.string("username"), Arg.string("password")).withToken("AUTH2").since("6.0.0"))
              .optional(),
          Arg.key("key", 1).withToken("KEYS").optional().multiple().since("3.0.6"))
      .build();

  private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void register(CommandRegistry r) {
    r.add(MIGRATE, MigrateCommands::migrate);
  }

  /** The keys: the fourth argument, or those after KEYS. */
  private static boolean keys(byte[][] argv, int argc, java.util.function.ObjIntConsumer<java.util.Set<KeyFlag>> out) {
    java.util.Set<KeyFlag> flags = java.util.EnumSet.of(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE);
    for (int i = 6; i < argc; i++) {
      String opt = new String(argv[i], StandardCharsets.UTF_8);
      if (opt.equalsIgnoreCase("auth")) {
        i++;
      } else if (opt.equalsIgnoreCase("auth2")) {
        i += 2;
      } else if (opt.equalsIgnoreCase("keys")) {
        for (int k = i + 1; k < argc; k++) {
          out.accept(flags, k);
        }
        return true;
      }
    }
    out.accept(flags, 3);
    return true;
  }

  /** MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS key ...] */
  static void migrate(CommandContext c, Args a) {
    Session s = (Session) c;
    boolean copy = false;
    boolean replace = false;
    String user = null;
    String password = null;
    int firstKey = 3;
    int keyCount = 1;
    for (int i = 6; i < a.size(); i++) {
      boolean more = i + 1 < a.size();
      if (a.is(i, "copy")) {
        copy = true;
      } else if (a.is(i, "replace")) {
        replace = true;
      } else if (a.is(i, "auth") && more) {
        password = a.string(++i);
        s.redact(i);
      } else if (a.is(i, "auth2") && i + 2 < a.size()) {
        user = a.string(++i);
        s.redact(i);
        password = a.string(++i);
        s.redact(i);
      } else if (a.is(i, "keys")) {
        if (a.get(3).length != 0) {
          throw Errors.err("When using MIGRATE KEYS option, the key argument must be set to the empty string");
        }
        firstKey = i + 1;
        keyCount = a.size() - firstKey;
        break;
      } else {
        throw Errors.SYNTAX;
      }
    }
    String host = a.string(1);
    long port = a.longArg(2);
    long dbid = a.longArg(4);
    long timeout = a.longArg(5);
    if (timeout <= 0) {
      timeout = 1000;
    }
    Db db = (Db) c.db();
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    List<Long> ttls = new ArrayList<>();
    long now = c.now();
    for (int i = firstKey; i < firstKey + keyCount; i++) {
      Entry e = db.lookupRead(a.get(i));
      if (e == null) {
        continue;
      }
      byte[] payload = s.engine.dumpPayload().create(e.value());
      if (payload == null) {
        throw Errors.err("MIGRATE of " + dev.cairn.core.keyspace.Values.typeName(e.value())
            + " values is not supported yet");
      }
      keys.add(a.get(i));
      payloads.add(payload);
      ttls.add(e.expireAt() < 0 ? 0 : Math.max(1, e.expireAt() - now));
    }
    if (keys.isEmpty()) {
      c.reply().simple("NOKEY");
      return;
    }
    // the commands for the target, pipelined: AUTH, SELECT when the connection is on another database, RESTOREs
    MigrateSockets sockets = s.engine.migrateSockets();
    for (boolean mayRetry = true; ; mayRetry = false) {
      MigrateSockets.Target t;
      try {
        t = sockets.get(host, (int) port, (int) timeout);
      } catch (IOException e) {
        throw RedisException.of("IOERR", "error or timeout connecting to the client");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int replies = 0;
      boolean auth = password != null;
      if (auth) {
        replies += command(out, user == null ? List.of(b("AUTH"), b(password))
            : List.of(b("AUTH"), b(user), b(password)));
      }
      boolean select = t.db != dbid;
      if (select) {
        replies += command(out, List.of(b("SELECT"), b(Long.toString(dbid))));
      }
      for (int k = 0; k < keys.size(); k++) {
        // a cluster's target may be importing the slot: RESTORE-ASKING passes its slot check, as Redis sends it
        List<byte[]> restore = new ArrayList<>(List.of(b(s.engine.cluster() != null ? "RESTORE-ASKING" : "RESTORE"),
            keys.get(k), b(Long.toString(ttls.get(k))),
            payloads.get(k)));
        if (replace) {
          restore.add(b("REPLACE"));
        }
        replies += command(out, restore);
      }
      try {
        t.write(out.toByteArray());
      } catch (IOException e) {
        sockets.close(t);
        if (mayRetry && !(e instanceof java.net.SocketTimeoutException)) {
          continue; // a cached connection the target closed: once more on a new one
        }
        throw RedisException.of("IOERR", "error or timeout writing to target instance");
      }
      String error = null;
      List<byte[]> deleted = new ArrayList<>();
      try {
        for (int r = 0; r < replies; r++) {
          String line = t.readLine();
          boolean isRestore = r >= (auth ? 1 : 0) + (select ? 1 : 0);
          if (line.startsWith("-")) {
            if (error == null) {
              error = line.substring(1);
            }
            if (!isRestore) {
              t.db = -1; // AUTH or SELECT failed: the connection's database is unknown
            }
          } else if (!isRestore) {
            if (r == (auth ? 1 : 0) && select) {
              t.db = dbid;
            }
          } else if (!copy) {
            byte[] key = keys.get(r - (auth ? 1 : 0) - (select ? 1 : 0));
            if (db.delete(key)) {
              deleted.add(key);
            }
          }
        }
      } catch (IOException e) {
        sockets.close(t);
        afterDelete(c, db, deleted);
        throw RedisException.of("IOERR", "error or timeout reading to target instance");
      }
      afterDelete(c, db, deleted);
      if (error != null) {
        throw Errors.err("Target instance replied with error: " + error);
      }
      c.reply().ok();
      return;
    }
  }

  /** Keys the target took are gone here: their events, and one DEL each for replicas and the AOF. */
  private static void afterDelete(CommandContext c, Db db, List<byte[]> deleted) {
    for (byte[] key : deleted) {
      c.signalModifiedKey(db.id(), key);
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
      c.propagate(DEL, key);
    }
    c.addDirty(deleted.size());
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Appends one command in RESP; returns 1 (the replies it will get). */
  private static int command(ByteArrayOutputStream out, List<byte[]> args) {
    out.writeBytes(b("*" + args.size() + "\r\n"));
    for (byte[] arg : args) {
      out.writeBytes(b("$" + arg.length + "\r\n"));
      out.writeBytes(arg);
      out.writeBytes(b("\r\n"));
    }
    return 1;
  }
}
