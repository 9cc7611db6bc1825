package dev.cairn.core.type.string;

import dev.cairn.api.command.Args;
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import dev.cairn.core.connection.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine with the core commands and one client, run on the calling thread: commands go through the dispatcher and
 * come back as the exact RESP text. Records what the commands propagate, the keyspace events they fire and the keys
 * they signal as modified.
 */
public final class InProcessClient {
  public final Engine engine;
  public final Session session;
  private final ByteBuf out = Unpooled.buffer();
  /** Propagated commands, each as its arguments joined by spaces. */
  public final List<String> propagated = new ArrayList<>();
  /** Keyspace events as {@code event:key}. */
  public final List<String> events = new ArrayList<>();
  /** Keys signalled as modified. */
  public final List<String> modified = new ArrayList<>();

  public InProcessClient() {
    Config config = new Config();
    engine = new Engine(config, new ServerParams(config), CoreCommands.families());
    session = engine.connect(dev.cairn.core.EngineClients.noConnection(), out);
    engine.propagation().addListener((db, cmd) -> {
      StringBuilder sb = new StringBuilder();
      for (byte[] part : cmd) {
        sb.append(sb.length() == 0 ? "" : " ").append(new String(part, StandardCharsets.ISO_8859_1));
      }
      propagated.add(sb.toString());
    });
    // each command's own events; "new" and "keymiss" come from the keyspace for any command and are tested there
    engine.events().addListener((type, event, key, db) -> {
      if ((type & (dev.cairn.api.command.KeyspaceEvents.NEW | dev.cairn.api.command.KeyspaceEvents.KEY_MISS)) == 0) {
        events.add(event + ":" + new String(key, StandardCharsets.ISO_8859_1));
      }
    });
    // a modified-key listener is called only while active (its owner turns it on when it has something to check)
    engine.events().addModifiedKeyListener((db, key) -> modified.add(new String(key, StandardCharsets.ISO_8859_1)))
        .setActive(true);
  }

  /** Runs one command (arguments as ISO-8859-1 text, so "\u00ff" is the byte 0xff) and returns the raw reply. */
  public String run(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
    }
    session.execute(new Args(argv, argv.length));
    String reply = out.toString(StandardCharsets.ISO_8859_1);
    out.clear();
    return reply;
  }

  /** Clears the recorded propagation, events and modified keys. */
  public void clearRecords() {
    propagated.clear();
    events.clear();
    modified.clear();
  }

  /** Stores a value of another type directly (the tests' way to make a key that is not a string). */
  void putOther(String key) {
    session.db().set(key.getBytes(StandardCharsets.ISO_8859_1), new OtherValue());
  }

  /** The stored value of a key, as the keyspace holds it. */
  Object value(String key) {
    return session.db().get(key.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The key's expiry in milliseconds since the epoch, -1 for none, -2 if missing. */
  long expireAt(String key) {
    return session.db().expireAt(key.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String bulk(String s) {
    return "$" + s.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n" + s + "\r\n";
  }

  static String integer(long n) {
    return ":" + n + "\r\n";
  }

  static String error(String line) {
    return "-" + line + "\r\n";
  }

  static final String OK = "+OK\r\n";
  static final String NIL = "$-1\r\n";
  static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

  private static final class OtherValue implements RedisValue {
    @Override
    public String typeName() {
      return "list";
    }

    @Override
    public String encoding() {
      return "quicklist";
    }

    @Override
    public RedisValue copy() {
      return this; // immutable test value
    }
  }
}
