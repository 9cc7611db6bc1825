package dev.cairn.core.connection;

import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.Reply;
import dev.cairn.api.reply.RedisException;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * Keeps a client's replies whole when module code fails half-way through writing one: what the failed code wrote is
 * taken back before the error is written, so the client reads one well-formed error in place of a reply, never a
 * truncated array followed by an error (which would leave every later reply out of step). Replies are written into the
 * connection's buffer and leave only once the command is done, so what a command wrote can still be taken back.
 */
public final class ReplyGuard {
  private ReplyGuard() {}

  /** Where a reply started. */
  public record Mark(ByteBuf buffer, int index) {
    /** Takes back what was written since the mark (nothing if the buffer was handed on meanwhile). */
    public void rewind() {
      if (buffer != null && buffer.writerIndex() > index) {
        buffer.writerIndex(index);
      }
    }
  }

  private static final Mark NONE = new Mark(null, 0);

  /** Marks where the running command's reply starts. */
  public static Mark mark(CommandContext c) {
    if (c instanceof Session s) {
      return mark(s);
    }
    return NONE;
  }

  private static Mark mark(Session s) {
    ByteBuf b = s.writer.buffer();
    return new Mark(b, b.writerIndex());
  }

  /**
   * Runs module code that writes one reply for {@code s} outside a command (a blocked client's reply or timeout); if
   * it throws, the client gets {@code ERR <who> failed to write the reply: <exception>} instead. Returns the failure,
   * or null.
   */
  public static RuntimeException write(Session s, Consumer<Reply> writer, String who) {
    Mark m = mark(s);
    try {
      writer.accept(s.writer);
      return null;
    } catch (RuntimeException | LinkageError e) {
      m.rewind();
      if (e instanceof RedisException re) {
        s.writer.error(re);
        return re;
      }
      s.writer.error(RedisException.err(who + " failed to write the reply: " + e));
      return e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }
}
