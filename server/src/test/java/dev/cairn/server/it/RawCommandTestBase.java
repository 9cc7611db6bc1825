package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;

/** A {@link ServerTestBase} with a raw client per test and a one-call "send a command, get its exact reply" helper. */
abstract class RawCommandTestBase extends ServerTestBase {
  protected RawClient r;

  @BeforeEach
  void rawClient() throws Exception {
    r = raw();
  }

  /** Sends a command and returns its reply's exact bytes as text. */
  protected String q(String... args) throws Exception {
    return r.command(args).readReply();
  }

  /** Sends a command whose reply must be an integer, and returns it. */
  protected long integer(String... args) throws Exception {
    String reply = q(args);
    assertTrue(reply.startsWith(":"), reply);
    return Long.parseLong(reply.substring(1).trim());
  }
}
