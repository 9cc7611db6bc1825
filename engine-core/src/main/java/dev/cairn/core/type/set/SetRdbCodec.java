package dev.cairn.core.type.set;

import dev.cairn.core.rdb.PackedLists;
import dev.cairn.core.rdb.RdbCodecs;
import dev.cairn.core.rdb.RdbFormatException;
import dev.cairn.core.rdb.RdbInput;
import dev.cairn.core.rdb.RdbOutput;
import dev.cairn.core.rdb.RdbValueCodec;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sets in RDB: written as type 2 (a length, then each member as an RDB string), which every Redis loads; read from
 * type 2, 11 (an intset blob) and 20 (a listpack blob), the encoding chosen afresh from the current config.
 */
public final class SetRdbCodec implements RdbValueCodec {
  private final Supplier<SetValue.Limits> limits;

  public SetRdbCodec(Supplier<SetValue.Limits> limits) {
    this.limits = limits;
  }

  /** The RDB type bytes this codec reads. */
  public static int[] typeBytes() {
    return new int[] {RdbCodecs.TYPE_SET, RdbCodecs.TYPE_SET_INTSET, RdbCodecs.TYPE_SET_LISTPACK};
  }

  @Override
  public boolean handles(Object value) {
    return value instanceof SetValue;
  }

  @Override
  public boolean writesConcurrently() {
    return true; // SetValue's reads change nothing (its table does not rehash on lookups)
  }

  @Override
  public int typeByte(Object value) {
    return RdbCodecs.TYPE_SET;
  }

  @Override
  public void write(RdbOutput out, Object value) {
    SetValue s = (SetValue) value;
    out.writeLength(s.size());
    s.forEach(out::writeString);
  }

  @Override
  public Object read(RdbInput in, int typeByte) throws RdbFormatException {
    List<byte[]> members;
    if (typeByte == RdbCodecs.TYPE_SET) {
      long n = in.readLength();
      members = new java.util.ArrayList<>((int) Math.min(n, 1 << 16));
      for (long i = 0; i < n; i++) {
        members.add(in.readString());
      }
    } else {
      byte[] blob = in.readString();
      String what = typeByte == RdbCodecs.TYPE_SET_INTSET ? "Intset" : "Set listpack";
      try {
        members = typeByte == RdbCodecs.TYPE_SET_INTSET ? PackedLists.intset(blob) : PackedLists.listpack(blob);
        if (members.isEmpty()) {
          throw RdbFormatException.emptyKey("set");
        }
        return build(members, true);
      } catch (RdbFormatException e) {
        throw PackedLists.integrity(what, e); // duplicates in a packed set count as a failed integrity check
      }
    }
    return build(members, false);
  }

  private Object build(List<byte[]> members, boolean packed) throws RdbFormatException {
    if (members.isEmpty()) {
      throw RdbFormatException.emptyKey("set");
    }
    SetValue.Limits l = limits.get();
    SetValue s = SetValue.create(members.get(0), members.size(), l);
    for (byte[] m : members) {
      if (!s.add(m, l)) {
        throw new RdbFormatException(packed ? "duplicate member" : "Duplicate set members detected");
      }
    }
    return s;
  }
}
