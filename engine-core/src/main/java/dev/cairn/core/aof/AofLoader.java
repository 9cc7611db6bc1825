package dev.cairn.core.aof;

import dev.cairn.api.command.Args;
import dev.cairn.core.Engine;
import dev.cairn.core.command.Command;
import dev.cairn.core.connection.Session;
import dev.cairn.core.log.LogMessage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays one AOF file (RESP commands, optionally after an RDB preamble) into the keyspace through a client with no
 * connection, as Redis's loader does. A file that ends inside a command, or inside a MULTI block, is truncated: with
 * {@code aof-load-truncated yes} and only for the last file, the file is cut back to the last complete command (or to
 * before the unfinished MULTI) and loading goes on; otherwise loading fails. A byte that cannot start a command is a
 * format error. Every failure is logged with Redis's wording and, before it, the file and offset.
 */
final class AofLoader {
  enum Result { OK, EMPTY, TRUNCATED, FAILED, NOT_EXIST }

  private static final byte[] MULTI = {'m', 'u', 'l', 't', 'i'};
  private static final byte[] EXEC = {'e', 'x', 'e', 'c'};

  private final Engine engine;
  private final Aof aof;
  private final Session client;

  AofLoader(Engine engine, Aof aof) {
    this.engine = engine;
    this.aof = aof;
    this.client = engine.loadingClient();
  }

  /** Loads {@code file}; {@code last} says whether it is the last file of the AOF (only that one may be truncated). */
  Result load(Path file, String name, boolean last, boolean base) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      LogMessage.AOF_FILE_MISSING.log(name, "No such file or directory");
      return Result.NOT_EXIST;
    } catch (IOException e) {
      LogMessage.AOF_OPEN_FAILED.log(name, e.getMessage());
      return Result.FAILED;
    }
    if (size == 0) {
      return Result.EMPTY;
    }
    try (CountingInput in = new CountingInput(Files.newInputStream(file))) {
      return replay(in, file, size, name, last, base);
    } catch (IOException e) {
      LogMessage.AOF_READ_ERROR.log(name, e.getMessage());
      return Result.FAILED;
    }
  }

  private Result replay(CountingInput in, Path file, long size, String name, boolean last, boolean base)
      throws IOException {
    if (in.startsWith("REDIS")) {
      RdbSupport rdb = aof.rdbSupport();
      if (base) {
        LogMessage.AOF_READING_RDB_BASE.log();
      } else {
        LogMessage.AOF_READING_RDB_PREAMBLE.log();
      }
      if (rdb == null) {
        LogMessage.AOF_RDB_UNSUPPORTED.log(name);
        return Result.FAILED;
      }
      try {
        in.pushBack(rdb.load(in, size, name)); // the RDB reader reads ahead: the tail starts with those bytes
      } catch (IOException e) {
        // the RDB loader has logged the offset and what is wrong
        if (base) {
          LogMessage.AOF_RDB_BASE_ERROR.log(name);
        } else {
          LogMessage.AOF_RDB_PREAMBLE_ERROR.log(name);
        }
        return Result.FAILED;
      }
      LogMessage.AOF_READING_TAIL.log();
    }
    long validUpTo = in.pos;
    long validBeforeMulti = -1;
    List<byte[][]> queued = null;
    long commands = 0;
    while (true) {
      int first = in.read();
      if (first < 0) {
        break; // a clean end: between commands
      }
      if (first == '#') {
        // an annotation line (#TS:...): skipped, but it must be whole
        if (!in.skipLine()) {
          return truncated(file, name, last, validUpTo, in.pos);
        }
        validUpTo = in.pos;
        continue;
      }
      long start = in.pos - 1;
      byte[][] argv;
      try {
        if (first != '*') {
          return badFormat(name, start, "expected '*', found " + describe(first));
        }
        long argc = in.readNumberLine();
        if (argc < 1 || argc > Integer.MAX_VALUE) {
          return badFormat(name, start, "invalid argument count");
        }
        argv = new byte[(int) argc][];
        for (int i = 0; i < argc; i++) {
          int d = in.read();
          if (d < 0) {
            throw new EOFException();
          }
          if (d != '$') {
            return badFormat(name, in.pos - 1, "expected '$', found " + describe(d));
          }
          long len = in.readNumberLine();
          if (len < 0 || len > Integer.MAX_VALUE - 2) {
            return badFormat(name, in.pos, "invalid bulk length");
          }
          argv[i] = in.readBulk((int) len);
        }
      } catch (EOFException e) {
        return truncated(file, name, last, validBeforeMulti >= 0 ? validBeforeMulti : validUpTo, in.pos);
      } catch (FormatError e) {
        return badFormat(name, e.offset, e.getMessage());
      }
      Args args = new Args(argv, argv.length);
      if (queued == null && args.is(0, "multi")) {
        queued = new ArrayList<>();
        validBeforeMulti = validUpTo;
      } else if (queued != null && args.is(0, "exec")) {
        for (byte[][] q : queued) {
          if (!run(q, name)) {
            return Result.FAILED;
          }
        }
        queued = null;
        validBeforeMulti = -1;
      } else if (queued != null) {
        if (engine.dispatcher().lookupForLoading(args) == null) {
          LogMessage.AOF_UNKNOWN_COMMAND.log(new String(argv[0], StandardCharsets.ISO_8859_1), name);
          return Result.FAILED;
        }
        queued.add(argv);
      } else if (!run(argv, name)) {
        return Result.FAILED;
      }
      validUpTo = in.pos;
      if ((++commands & 1023) == 0) {
        aof.loadedBytes(in.pos);
      }
      aof.yieldIfDue();
    }
    if (queued != null) {
      LogMessage.AOF_REVERT_MULTI.log(name);
      return truncated(file, name, last, validBeforeMulti, in.pos);
    }
    return Result.OK;
  }

  private boolean run(byte[][] argv, String name) {
    Args args = new Args(argv, argv.length);
    Command cmd = engine.dispatcher().lookupForLoading(args);
    if (cmd == null) {
      LogMessage.AOF_UNKNOWN_COMMAND.log(new String(argv[0], StandardCharsets.ISO_8859_1), name);
      return false;
    }
    engine.dispatcher().runLoaded(client, cmd, args);
    client.writer.buffer().clear();
    return true;
  }

  /** The file ends inside a command (or an unfinished MULTI): cut it back when allowed, else fail. */
  private Result truncated(Path file, String name, boolean last, long validUpTo, long end) {
    LogMessage.AOF_ENDS_INSIDE.log(name, end, validUpTo);
    if (!aof.params().aofLoadTruncated.value) {
      LogMessage.AOF_UNEXPECTED_EOF.log(name);
      return Result.FAILED;
    }
    if (!last) {
      LogMessage.AOF_TRUNCATED_NOT_LAST.log();
      return Result.FAILED;
    }
    LogMessage.AOF_SHORT_READ.log(name);
    LogMessage.AOF_TRUNCATING.log(name, validUpTo);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(validUpTo);
      ch.force(false);
    } catch (IOException e) {
      LogMessage.AOF_TRUNCATE_ERROR.log(name, e.getMessage());
      return Result.FAILED;
    }
    LogMessage.AOF_LOADED_ANYWAY.log(name);
    return Result.TRUNCATED;
  }

  private static Result badFormat(String name, long offset, String what) {
    LogMessage.AOF_BAD_AT.log(name, offset, what);
    LogMessage.AOF_BAD_FORMAT.log(name);
    return Result.FAILED;
  }

  private static String describe(int b) {
    return b >= 32 && b < 127 ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
  }

  /** A malformed number line. */
  private static final class FormatError extends IOException {
    final long offset;

    FormatError(String message, long offset) {
      super(message);
      this.offset = offset;
    }
  }

  /** A buffered reader of the file that knows its offset (for truncation and error messages). */
  private static final class CountingInput extends InputStream {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos0;
    private int lim;
    long pos;

    CountingInput(InputStream in) {
      this.in = in;
    }

    boolean startsWith(String magic) throws IOException {
      while (lim < magic.length()) {
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
          return false;
        }
        lim += n;
      }
      for (int i = 0; i < magic.length(); i++) {
        if (buf[i] != magic.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** Makes {@code bytes}, read from this stream by someone else past where they needed, the next ones read. */
    void pushBack(byte[] bytes) {
      if (bytes.length == 0) {
        return;
      }
      int left = lim - pos0;
      byte[] merged = new byte[bytes.length + left];
      System.arraycopy(bytes, 0, merged, 0, bytes.length);
      System.arraycopy(buf, pos0, merged, bytes.length, left);
      if (merged.length <= buf.length) {
        System.arraycopy(merged, 0, buf, 0, merged.length);
        pos0 = 0;
        lim = merged.length;
      } else {
        pending = merged;
        pos0 = 0;
        lim = 0;
      }
      pos -= bytes.length;
    }

    /** Pushed-back bytes that did not fit the buffer (read before it). */
    private byte[] pending;
    private int pendingPos;

    private boolean fill() throws IOException {
      if (pos0 < lim) {
        return true;
      }
      if (pending != null) {
        int n = Math.min(buf.length, pending.length - pendingPos);
        System.arraycopy(pending, pendingPos, buf, 0, n);
        pendingPos += n;
        if (pendingPos == pending.length) {
          pending = null;
          pendingPos = 0;
        }
        pos0 = 0;
        lim = n;
        return true;
      }
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        return false;
      }
      pos0 = 0;
      lim = n;
      return true;
    }

    @Override
    public int read() throws IOException {
      if (!fill()) {
        return -1;
      }
      pos++;
      return buf[pos0++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, lim - pos0);
      System.arraycopy(buf, pos0, b, off, n);
      pos0 += n;
      pos += n;
      return n;
    }

    /** Skips to just after the next '\n'; false at the end of the file before one. */
    boolean skipLine() throws IOException {
      int c;
      while ((c = read()) >= 0) {
        if (c == '\n') {
          return true;
        }
      }
      return false;
    }

    /** Reads a decimal number ending in CRLF (the '*' or '$' already read). */
    long readNumberLine() throws IOException {
      long start = pos;
      long n = 0;
      boolean neg = false;
      int digits = 0;
      int c = read();
      if (c == '-') {
        neg = true;
        c = read();
      }
      while (c >= '0' && c <= '9') {
        n = n * 10 + (c - '0');
        if (++digits > 18) {
          throw new FormatError("number too long", start);
        }
        c = read();
      }
      if (c < 0) {
        throw new EOFException();
      }
      if (c != '\r' || digits == 0) {
        throw new FormatError("malformed number", start);
      }
      c = read();
      if (c < 0) {
        throw new EOFException();
      }
      if (c != '\n') {
        throw new FormatError("malformed number", start);
      }
      return neg ? -n : n;
    }

    byte[] readBulk(int len) throws IOException {
      byte[] b = new byte[len];
      int off = 0;
      while (off < len) {
        int n = read(b, off, len - off);
        if (n < 0) {
          throw new EOFException();
        }
        off += n;
      }
      int cr = read();
      int lf = cr < 0 ? -1 : read();
      if (cr < 0 || lf < 0) {
        throw new EOFException();
      }
      if (cr != '\r' || lf != '\n') {
        throw new FormatError("bulk string not followed by CRLF", pos - 2);
      }
      return b;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
