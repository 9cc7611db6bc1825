package dev.cairn.core.blocking;

import dev.cairn.api.command.BlockedClient;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.Engine;
import dev.cairn.core.connection.Session;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client blocked until someone calls {@link #reply} (module background work), not until a key changes: the session
 * is suspended like any blocked client and resumed once its one reply is written, on the engine thread.
 */
public final class HandleBlock implements BlockedClient {
  private final Engine engine;
  private final Session session;
  private AutoCloseable timer;
  /** Uncounts the client from its module's blocked clients, or null. */
  private Runnable release;
  /** Writes the timeout reply; null when the blocker gave none (then CLIENT UNBLOCK cannot end the wait). */
  private Consumer<Reply> onTimeout;
  /** Touched only on the engine thread. */
  private boolean done;

  private HandleBlock(Engine engine, Session session) {
    this.engine = engine;
    this.session = session;
  }

  /** Suspends {@code s}; {@code onTimeout} answers when {@code timeoutMillis} (0: never) passes first. */
  public static HandleBlock block(Engine engine, Session s, long timeoutMillis, Consumer<Reply> onTimeout) {
    HandleBlock b = new HandleBlock(engine, s);
    b.release = engine.modules().trackBlockedClient();
    b.onTimeout = onTimeout;
    engine.blocking().addHandle(s, b);
    if (timeoutMillis > 0 && onTimeout != null) {
      b.timer = engine.loop().schedule(() -> b.finish(onTimeout), timeoutMillis, TimeUnit.MILLISECONDS);
    }
    s.suspend();
    return b;
  }

  /**
   * A handle for a client that may not block (inside EXEC or a script): the command already answered with an error,
   * so the module's later reply goes nowhere.
   */
  public static BlockedClient aborted(Session s) {
    return new BlockedClient() {
      @Override
      public void reply(Consumer<Reply> writer) {
        // nobody waits for it
      }

      @Override
      public long clientId() {
        return s.id;
      }
    };
  }

  @Override
  public void reply(Consumer<Reply> writer) {
    // always later, even on the engine thread: a reply from inside the blocking command itself must not be written
    // before that command has finished
    engine.loop().execute(() -> finish(writer));
  }

  private void finish(Consumer<Reply> writer) {
    if (done) {
      return;
    }
    done = true;
    if (release != null) {
      release.run();
    }
    engine.blocking().removeHandle(session, this);
    if (timer != null) {
      try {
        timer.close();
      } catch (Exception ignored) {
        // cancelling a scheduled task does not fail
      }
    }
    if (session.closing) {
      return;
    }
    // module code: if it fails, the client gets an error instead of half a reply, and is resumed regardless
    RuntimeException failed = dev.cairn.core.connection.ReplyGuard.write(session, writer, "the module");
    if (failed != null && !(failed instanceof dev.cairn.api.reply.RedisException)) {
      dev.cairn.core.log.LogBridges.logger("dev.cairn.modules", "").log(System.Logger.Level.ERROR,
          "a module's reply to a blocked client failed", failed);
    }
    session.connection.flush();
    session.resume();
  }

  /** The client disconnected: the wait ends with no reply. */
  void disconnected() {
    finish(r -> { });
  }

  /**
   * CLIENT UNBLOCK: answers now, as a timeout or with the UNBLOCKED error; false when the blocker gave no timeout
   * reply (Redis cannot unblock such a module client either).
   */
  boolean unblockByRequest(boolean withError) {
    if (onTimeout == null) {
      return false;
    }
    if (withError) {
      engine.stats().countError("UNBLOCKED");
      finish(r -> r.error(dev.cairn.api.reply.RedisException.of("UNBLOCKED", "client unblocked via CLIENT UNBLOCK")));
    } else {
      finish(onTimeout);
    }
    return true;
  }

  /** Ends the wait now with {@code error} (the cluster went down); the module's later reply is dropped. */
  void fail(dev.cairn.api.reply.RedisException error) {
    engine.stats().countError(error.code());
    finish(r -> r.error(error));
  }

  @Override
  public long clientId() {
    return session.id;
  }
}
