package dev.cairn.core.script.function;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbSection;
import java.util.List;

/**
 * The function libraries in RDB files, as Redis writes them: one RDB_OPCODE_FUNCTION2 record per library holding its
 * code, before the databases. A load adds each library (running its code as FUNCTION LOAD does, without the load
 * timeout); one that exists already fails the load unless the load may replace (DEBUG RELOAD MERGE).
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
    // a library's code is never changed in place (FUNCTION LOAD REPLACE makes a new library), so the arrays are shared
    return functions.libraries().isEmpty() ? null : functions.codes();
  }

  @Override
  public void write(RdbOutput out, List<byte[]> codes) {
    for (byte[] code : codes) {
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
  public void apply(Object read, boolean replace) throws RdbFormatException {
    try {
      functions.load((byte[]) read, replace, 0);
    } catch (RedisException e) {
      String m = e.getMessage();
      throw new RdbFormatException("Failed loading library, " + (m.startsWith("ERR ") ? m.substring(4) : m));
    }
  }
}
