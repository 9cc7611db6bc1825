package dev.cairn.core.script;

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

/** An engine with one client and no network, recording what it propagates, for the scripting tests. */
final class ScriptEngine {
  final Engine engine;
  final Session session;
  private final ByteBuf out = Unpooled.buffer();
  final List<String> propagated = new ArrayList<>();

  ScriptEngine() {
    Config config = new Config();
    engine = new Engine(config, new ServerParams(config), CoreCommands.families());
    Connection none = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (p, m, a) -> m.getReturnType() == String.class ? "" : m.getReturnType() == boolean.class ? Boolean.FALSE
            : m.getReturnType() == int.class ? 0 : m.getReturnType() == long.class ? 0L : null);
    session = engine.connect(none, out);
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
    String reply = out.toString(StandardCharsets.ISO_8859_1);
    out.clear();
    return reply;
  }

  /** The error line of {@code EVAL script 0} without Redis's "script: ..., on @user_script:N." suffix. */
  String evalError(String script) {
    String r = run("eval", script, "0");
    int suffix = r.indexOf(" script: ");
    return suffix < 0 ? r.strip() : r.substring(0, suffix);
  }
}
