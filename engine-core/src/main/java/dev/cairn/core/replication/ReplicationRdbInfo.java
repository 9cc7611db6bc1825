package dev.cairn.core.replication;

import dev.cairn.core.rdb.RdbFormat;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbSection;
import java.nio.charset.StandardCharsets;

/**
 * The replication state an RDB file carries, as Redis's AUX fields {@code repl-stream-db}, {@code repl-id} and
 * {@code repl-offset}: written when this server is a replica or has a backlog, so that after a restart a replica can
 * continue partially with its master, and a master's replicas with it (PSYNC2). Written as AUX records through the
 * section mechanism; read back through the loader's AUX fields ({@link Replication#rdbAux}).
 */
final class ReplicationRdbInfo implements RdbSection<String[]> {
  private final Replication repl;

  ReplicationRdbInfo(Replication repl) {
    this.repl = repl;
  }

  @Override
  public int opcode() {
    return RdbFormat.OPCODE_AUX;
  }

  @Override
  public String[] capture() {
    if (!repl.isReplica() && !repl.hasBacklog()) {
      return null;
    }
    return new String[] {Integer.toString(repl.streamDb()), repl.engine.replId, Long.toString(repl.offset())};
  }

  @Override
  public void write(RdbOutput out, String[] c) {
    aux(out, "repl-stream-db", c[0]);
    aux(out, "repl-id", c[1]);
    aux(out, "repl-offset", c[2]);
  }

  private static void aux(RdbOutput out, String key, String value) {
    out.writeByte(RdbFormat.OPCODE_AUX);
    out.writeString(key.getBytes(StandardCharsets.US_ASCII));
    out.writeString(value.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public Object read(RdbInput in, int rdbVersion) {
    throw new IllegalStateException("AUX fields are read by the loader itself");
  }

  @Override
  public void apply(Object read) { }
}
