package dev.cairn.core.connection;

/** The one-line description of a client that CLIENT LIST and CLIENT INFO give, in Redis 7.2's field order. */
public final class ClientInfo {
  private ClientInfo() {}

  /**
   * The bytes the client holds: its query buffer with its free room, the running command's arguments, its argument
   * arena, its queued transaction, its reply buffer and the replies waiting for the socket. Used memory counts this
   * figure; tot-mem and client eviction add a declared bulk's rest ({@link #totalMemory}).
   */
  public static long memory(Session s) {
    Connection c = s.connection;
    long running = s.engine.dispatcher().runningArgvBytes(s);
    return c.queryBufferBytes() + c.queryBufferFree() + running + c.partialArgvBytes() + c.argumentArenaBytes(running)
        + (s.transaction == null ? 0 : s.transaction.memory()) + c.replyBufferSize() + c.pendingWriteBytes()
        + overhead(s);
  }

  /**
   * What Redis's getClientMemoryUsage adds for a client's subscriptions and tracking prefixes: a list node (24 bytes)
   * per pattern, a dict entry (24) and bucket slot (8) per channel and shard channel, and 32 bytes per prefix-tree
   * node, one per BCAST prefix (the channel names and prefixes are shared, so they are not counted, as in Redis).
   */
  static long overhead(Session s) {
    long mem = 0;
    if (s.subscriptions != null) {
      mem += s.subscriptions.patterns() * 24L + dictMem(s.subscriptions.channels())
          + dictMem(s.subscriptions.shardChannels());
    }
    if (s.tracking != null) {
      mem += s.tracking.prefixCount() * 32L;
    }
    return mem;
  }

  private static long dictMem(long entries) {
    return entries == 0 ? 0 : entries * 24 + Math.max(4, Long.highestOneBit(entries - 1) << 1) * 8;
  }

  /**
   * tot-mem= and what client eviction counts: {@link #memory} plus the rest of a big bulk's declared length, which
   * Redis would have allocated (not in used_memory: a declaration holds no memory here, see RespDecoder).
   */
  public static long totalMemory(Session s) {
    return memory(s) + s.connection.pendingDeclaredBytes();
  }

  /** Appends the client's line (without the trailing newline). */
  public static void append(StringBuilder sb, Session s, long nowMillis) {
    Connection c = s.connection;
    long qbuf = c.queryBufferBytes();
    long qfree = c.queryBufferFree();
    long running = s.engine.dispatcher().runningArgvBytes(s);
    long argvMem = running + c.partialArgvBytes();
    long obl = c.replyBufferBytes();
    long rbs = c.replyBufferSize();
    long omem = c.pendingWriteBytes();
    boolean inMulti = s.transaction != null && s.transaction.active();
    long multiMem = s.transaction == null ? 0 : s.transaction.memory();
    sb.append("id=").append(s.id)
        .append(" addr=").append(c.remoteAddress())
        .append(" laddr=").append(c.localAddress())
        .append(" fd=").append(c.fd())
        .append(" name=").append(s.name() == null ? "" : s.name())
        .append(" age=").append((nowMillis - s.createdMillis) / 1000)
        .append(" idle=").append(Math.max(0, nowMillis - s.lastInteractionMillis) / 1000)
        .append(" flags=");
    flags(sb, s);
    sb.append(" db=").append(s.dbIndex())
        .append(" sub=").append(s.subscriptions == null ? 0 : s.subscriptions.channels())
        .append(" psub=").append(s.subscriptions == null ? 0 : s.subscriptions.patterns())
        .append(" ssub=").append(s.subscriptions == null ? 0 : s.subscriptions.shardChannels())
        .append(" multi=").append(inMulti ? s.transaction.queued() : -1)
        .append(" qbuf=").append(qbuf)
        .append(" qbuf-free=").append(qfree)
        .append(" argv-mem=").append(argvMem)
        .append(" multi-mem=").append(multiMem)
        .append(" rbs=").append(rbs)
        .append(" rbp=").append(ReplyBuffers.peak(s))
        .append(" obl=").append(obl)
        .append(" oll=").append(c.pendingWrites())
        .append(" omem=").append(omem)
        .append(" tot-mem=")
        .append(qbuf + qfree + argvMem + c.argumentArenaBytes(running) + multiMem + rbs + omem + overhead(s)
            + c.pendingDeclaredBytes())
        .append(" events=");
    if (c.reading()) {
      sb.append('r');
    }
    if (omem > 0) {
      sb.append('w');
    }
    sb.append(" cmd=").append(s.lastCommand)
        .append(" user=").append(s.user)
        .append(" redir=").append(s.tracking == null ? -1 : s.tracking.redirect())
        .append(" resp=").append(s.protocol())
        .append(" lib-name=").append(s.libName == null ? "" : s.libName)
        .append(" lib-ver=").append(s.libVersion == null ? "" : s.libVersion);
  }

  /** Redis's flag letters, in its order; N when none applies. */
  private static void flags(StringBuilder sb, Session s) {
    int start = sb.length();
    if (s.monitor) {
      sb.append('O');
    }
    if (s.replica) {
      sb.append('S');
    }
    if (s.master) {
      sb.append('M');
    }
    if (s.type() == ClientType.PUBSUB) {
      sb.append('P');
    }
    if (s.transaction != null && s.transaction.active()) {
      sb.append('x');
    }
    if (s.suspended()) {
      sb.append('b');
    }
    if (s.tracking != null) {
      sb.append('t');
      if (s.tracking.brokenRedirect()) {
        sb.append('R');
      }
      if (s.tracking.bcast()) {
        sb.append('B');
      }
    }
    if (s.transaction != null && s.transaction.dirty()) {
      sb.append('d');
    }
    if (s.closing) {
      sb.append('c');
    }
    if (s.noEvict) {
      sb.append('e');
    }
    if (s.noTouch) {
      sb.append('T');
    }
    if (sb.length() == start) {
      sb.append('N');
    }
  }
}
