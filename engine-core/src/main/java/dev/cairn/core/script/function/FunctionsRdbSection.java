package dev.cairn.core.script.function;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbSection;
import java.util.List;

/**
 * Function libraries in RDB files (RDB_OPCODE_FUNCTION2, then the library's code), as Redis 7 writes them before the
 * databases: every snapshot (BGSAVE, SAVE, an AOF's RDB base) holds the libraries as they were when it started, and a
 * load creates them again. A library that exists already fails the load, unless the load merges (DEBUG RELOAD MERGE),
 * when it replaces the old one, as Redis's RDBFLAGS_ALLOW_DUP.
 */
public final class FunctionsRdbSection implements RdbSection<List<byte[]>> {
  private final Functions functions;

  public FunctionsRdbSection(Functions functions) {
    this.functions = functions;
  }

  @Override
  public int opcode() {
    return Functions.RDB_OPCODE_FUNCTION2;
  }

  @Override
  public List<byte[]> capture() {
    List<byte[]> codes = functions.codes();
    return codes.isEmpty() ? null : codes;
  }

  @Override
  public void write(RdbOutput out, List<byte[]> captured) {
    for (byte[] code : captured) {
      out.writeByte(Functions.RDB_OPCODE_FUNCTION2);
      out.writeString(code);
    }
  }

  @Override
  public Object read(RdbInput in, int rdbVersion) throws RdbFormatException {
    return in.readString();
  }

  @Override
  public void apply(Object read) throws RdbFormatException {
    apply(read, false);
  }

  @Override
  public void apply(Object read, boolean merge) throws RdbFormatException {
    try {
      functions.load((byte[]) read, merge);
    } catch (RedisException e) {
      throw new RdbFormatException("Failed loading library: " + e.getMessage());
    }
  }
}
