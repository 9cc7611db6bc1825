package dev.cairn.api.command;

import dev.cairn.api.reply.Reply;
import java.util.function.Consumer;

/** A client blocked by {@link CommandContext#blockClient}, waiting for its reply. */
public interface BlockedClient {
  /**
   * Writes the reply and unblocks the client. May be called from any thread: {@code writer} runs on the engine thread.
   * Does nothing when the client already got its reply, timed out or disconnected.
   */
  void reply(Consumer<Reply> writer);

  /** The blocked client's id. */
  long clientId();
}
