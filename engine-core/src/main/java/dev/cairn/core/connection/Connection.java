package dev.cairn.core.connection;

/** The network side of a client, as the engine needs it; the server module implements it over a Netty channel. */
public interface Connection {
  /** {@code ip:port} of the peer. */
  String remoteAddress();

  /** {@code ip:port} of our end. */
  String localAddress();

  /** A file-descriptor-like number for CLIENT LIST ({@code fd=}). */
  int fd();

  /** Writes what replies are pending to the socket now (for output produced outside the client's own commands). */
  void flush();

  /**
   * Queues {@code buf} (its reference passes here) after the pending replies, without copying it, to go with the next
   * {@link #flush}: replicas get the shared replication buffer's blocks this way. Without a socket it is dropped.
   */
  default void writeShared(io.netty.buffer.ByteBuf buf) {
    buf.release();
  }

  /** Closes after pending replies are written (QUIT, a protocol error). */
  void closeAfterReply();

  /** Closes at once (CLIENT KILL, output-buffer limit). */
  void closeNow();

  /** Bytes of replies accepted but not yet written to the socket. */
  long pendingOutputBytes();

  /** Bytes in the query buffer: unparsed input, plus the running command's own bytes while it runs (qbuf=). */
  long queryBufferBytes();

  /** Bytes of the complete arguments of a command not yet complete (argv-mem= while it arrives). */
  default long partialArgvBytes() {
    return 0;
  }

  /**
   * Bytes the argument arena holds (the decoder's reused array for short arguments, and its position tables) beyond
   * {@code argvCounted} bytes of arguments in it that argv-mem counts already: Redis counts its argv and query
   * buffer, and the arena stands for both between commands; tot-mem and used memory count it.
   */
  default long argumentArenaBytes(long argvCounted) {
    return 0;
  }

  /**
   * Bytes of a big argument declared and not yet received nor allocated: Redis allocates its query buffer at the
   * declared length once the bulk's header is read, and counts that in tot-mem and for client eviction.
   */
  default long pendingDeclaredBytes() {
    return 0;
  }

  /** Whether the client is connected over TLS (CLUSTER SLOTS and friends then give TLS ports). */
  default boolean tls() {
    return false;
  }

  /** Room left in the query buffer before it must grow (qbuf-free=). */
  long queryBufferFree();

  /** Replies written into the current reply buffer and not yet handed to the socket (obl=). */
  long replyBufferBytes();

  /** Capacity of the current reply buffer (rbs=). */
  long replyBufferSize();

  /**
   * Gives the reply buffer this capacity (the cron's resizing, see {@link ReplyBuffers}); what it holds stays, and a
   * buffer holding more than {@code size} is left as it is. Connections without a buffer of their own ignore it.
   */
  default void resizeReplyBuffer(int size) { }

  /** Reply buffers handed to the socket and not yet written out (oll=). */
  int pendingWrites();

  /** Bytes of those pending buffers (omem=). */
  long pendingWriteBytes();

  /** Whether input is being read (events=r); reading stops while the socket is backed up. */
  boolean reading();

  /**
   * Closes the client if its reply backlog is over its class's client-output-buffer-limit (hard at once, soft after
   * the allowed seconds), counting the disconnection. Called after output is added outside the client's own commands
   * too (MONITOR feed).
   */
  void enforceOutputLimit();

  /** Starts processing commands again after {@link Session#suspended()} stopped it (unblock, unpause). */
  void resumeProcessing();

  /** A connection with no network behind it (the client that replays files at load time). */
  Connection NONE = new Detached("");

  /**
   * A client with no network behind it (the loading client, the scripts' client): nothing to read, write or close;
   * {@code remoteAddress} is what CLIENT LIST and the logs show for it.
   */
  class Detached implements Connection {
    private final String remoteAddress;

    public Detached(String remoteAddress) {
      this.remoteAddress = remoteAddress;
    }

    @Override
    public String remoteAddress() {
      return remoteAddress;
    }

    @Override
    public String localAddress() {
      return "";
    }

    @Override
    public int fd() {
      return -1;
    }

    @Override
    public void flush() { }

    @Override
    public void closeAfterReply() { }

    @Override
    public void closeNow() { }

    @Override
    public long pendingOutputBytes() {
      return 0;
    }

    @Override
    public long queryBufferBytes() {
      return 0;
    }

    @Override
    public long queryBufferFree() {
      return 0;
    }

    @Override
    public long replyBufferBytes() {
      return 0;
    }

    @Override
    public long replyBufferSize() {
      return 0;
    }

    @Override
    public int pendingWrites() {
      return 0;
    }

    @Override
    public long pendingWriteBytes() {
      return 0;
    }

    @Override
    public boolean reading() {
      return false;
    }

    @Override
    public void enforceOutputLimit() { }

    @Override
    public void resumeProcessing() { }
  }
}
