package dev.cairn.core.module;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.Engine;
import dev.cairn.api.command.Args;
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.Connection;
import dev.cairn.core.connection.Session;
import dev.cairn.core.resp.RespWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands modules run (Redis's {@code RedisModule_Call}, {@code ServerAccess.call}): a client of their own, never
 * connected, that may not block, whose RESP2 reply is read back into Java values. The command runs through the
 * dispatcher's nested call, inside the running execution unit, so statistics, keyspace events and propagation are the
 * usual ones (the module command around it should not propagate itself as well).
 */
final class ModuleCall {
  private final Engine engine;
  private final ByteBuf buffer = Unpooled.buffer(256);
  private final Session session;

  ModuleCall(Engine engine) {
    this.engine = engine;
    this.session = new Session(engine, 0, new Connection.Detached("module"), new RespWriter(buffer));
    this.session.denyBlocking = 1; // a module's call never blocks, as RM_Call
  }

  Object call(int db, byte[][] argv) {
    if (argv.length == 0) {
      throw RedisException.err("unknown command ''");
    }
    if (engine.dispatcher().filters().active()) {
      argv = engine.dispatcher().filters().apply(session.id, argv); // before the lookup, as RM_Call
    }
    Command cmd = engine.commands().resolve(argv, argv.length);
    String name = new String(argv[0], StandardCharsets.UTF_8);
    if (cmd == null || cmd.handler == null) {
      throw RedisException.err("unknown command '" + name + "'");
    }
    int arity = cmd.spec.arity();
    if (arity > 0 ? argv.length != arity : argv.length < -arity) {
      throw RedisException.err("wrong number of arguments for '" + cmd.spec.name() + "' command");
    }
    session.select(db);
    int from = buffer.writerIndex(); // calls nest (a called module command may call): keep the outer reply
    int readFrom = buffer.readerIndex();
    try {
      engine.dispatcher().call(session, cmd, Args.ofBytes(argv));
      buffer.readerIndex(from);
      return read(buffer);
    } finally {
      buffer.readerIndex(readFrom);
      buffer.writerIndex(from);
    }
  }

  /** One RESP2 reply: String, byte[], Long, null, List; an error is thrown. */
  private static Object read(ByteBuf b) {
    byte type = b.readByte();
    String line = line(b);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw RedisException.line(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] v = new byte[n];
        b.readBytes(v);
        b.skipBytes(2);
        return v;
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          try {
            out.add(read(b));
          } catch (RedisException e) {
            out.add(e); // an error inside an array (EXEC) is an element, not the reply
          }
        }
        return out;
      }
      default:
        throw new IllegalStateException("unexpected reply type " + (char) type);
    }
  }

  private static String line(ByteBuf b) {
    int end = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) '\r');
    String s = b.toString(b.readerIndex(), end - b.readerIndex(), StandardCharsets.UTF_8);
    b.readerIndex(end + 2);
    return s;
  }
}
