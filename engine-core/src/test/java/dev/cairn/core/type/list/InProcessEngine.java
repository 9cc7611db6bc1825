package dev.cairn.core.type.list;

import dev.cairn.api.command.Args;
import dev.cairn.core.CoreCommands;
import dev.cairn.core.Engine;
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

/** An engine with one client and no network, recording keyspace events and propagation, for the list tests. */
final class InProcessEngine {
  final Engine engine;
  final Session session;
  private final ByteBuf out = Unpooled.buffer();
  final List<String> events = new ArrayList<>();
  final List<String> propagated = new ArrayList<>();

  InProcessEngine() {
    Config config = new Config();
    engine = new Engine(config, new ServerParams(config), CoreCommands.families());
    Connection none = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (p, m, a) -> m.getReturnType() == String.class ? "" : m.getReturnType() == boolean.class ? Boolean.FALSE
            : m.getReturnType() == int.class ? 0 : m.getReturnType() == long.class ? 0L : null);
    session = engine.connect(none, out);
    // each command's own events; "new" and "keymiss" come from the keyspace for any command and are tested there
    engine.events().addListener((type, event, key, db) -> {
      if ((type & (dev.cairn.api.command.KeyspaceEvents.NEW | dev.cairn.api.command.KeyspaceEvents.KEY_MISS)) == 0) {
        events.add(event + ":" + new String(key, StandardCharsets.ISO_8859_1));
      }
    });
    engine.propagation().addListener((db, cmd) -> {
      StringBuilder sb = new StringBuilder();
      for (byte[] part : cmd) {
        sb.append(sb.length() == 0 ? "" : " ").append(new String(part, StandardCharsets.ISO_8859_1));
      }
      propagated.add(sb.toString());
    });
  }

  /** Runs a command through the dispatcher and returns the raw reply. */
  String run(String... args) {
    session.execute(Args.of(args));
    return take();
  }

  /** The reply bytes written since the last call, as text. */
  String take() {
    String reply = out.toString(StandardCharsets.ISO_8859_1);
    out.clear();
    return reply;
  }

  /** Stores a value directly. */
  void put(String key, Object value) {
    session.db().set(key.getBytes(StandardCharsets.ISO_8859_1), value);
  }
}
