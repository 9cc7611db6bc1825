package dev.cairn.search;

import dev.cairn.api.type.AofEmitter;
import dev.cairn.api.type.DataType;
import dev.cairn.api.type.Digest;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An auto-complete dictionary (FT.SUGADD's key): strings with a score and an optional payload, kept sorted by their
 * lower-cased form so that a prefix is a range. Cairn's own type name and layout, not RediSearch's {@code trietype0}.
 *
 * <pre>
 * encver 1 := unsigned(n) entry{n}
 * entry    := string(text) double(score) unsigned(has payload: 0|1) [string(payload)]
 * </pre>
 */
final class Suggestions {
  /** One suggestion. */
  static final class Entry {
    final String text;
    double score;
    byte[] payload;

    Entry(String text, double score, byte[] payload) {
      this.text = text;
      this.score = score;
      this.payload = payload;
    }
  }

  /** By folded text; the entry keeps the text as added. */
  final TreeMap<String, Entry> entries = new TreeMap<>();

  static String fold(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static final class Type implements DataType<Suggestions> {
    static final TypeId ID = TypeId.of("CairnSugg", 1);
    static final Type INSTANCE = new Type();

    @Override
    public TypeId id() {
      return ID;
    }

    @Override
    public Class<Suggestions> valueClass() {
      return Suggestions.class;
    }

    @Override
    public void rdbSave(RdbOutput out, Suggestions s) throws IOException {
      out.writeUnsigned(s.entries.size());
      for (Entry e : s.entries.values()) {
        out.writeString(e.text);
        out.writeDouble(e.score);
        out.writeUnsigned(e.payload == null ? 0 : 1);
        if (e.payload != null) {
          out.writeBytes(e.payload);
        }
      }
    }

    @Override
    public Suggestions rdbLoad(RdbInput in, int encver) throws IOException {
      if (encver != 1) {
        throw RdbFormatException.unsupported(ID, encver);
      }
      Suggestions s = new Suggestions();
      long n = in.readUnsigned();
      for (long i = 0; i < n; i++) {
        String text = new String(in.readBytes(), StandardCharsets.UTF_8);
        double score = in.readDouble();
        byte[] payload = in.readUnsigned() == 1 ? in.readBytes() : null;
        s.entries.put(fold(text), new Entry(text, score, payload));
      }
      return s;
    }

    @Override
    public void aofRewrite(AofEmitter out, byte[] key, Suggestions s) {
      for (Entry e : s.entries.values()) {
        byte[][] cmd = e.payload == null ? new byte[4][] : new byte[6][];
        cmd[0] = "FT.SUGADD".getBytes(StandardCharsets.UTF_8);
        cmd[1] = key;
        cmd[2] = e.text.getBytes(StandardCharsets.UTF_8);
        cmd[3] = Double.toString(e.score).getBytes(StandardCharsets.UTF_8);
        if (e.payload != null) {
          cmd[4] = "PAYLOAD".getBytes(StandardCharsets.UTF_8);
          cmd[5] = e.payload;
        }
        out.emit(cmd);
      }
    }

    @Override
    public long memoryUsage(Suggestions s) {
      long b = 64;
      for (Entry e : s.entries.values()) {
        b += 96 + 4L * e.text.length() + (e.payload == null ? 0 : 16 + e.payload.length);
      }
      return b;
    }

    @Override
    public void digest(Digest d, Suggestions s) {
      for (Map.Entry<String, Entry> e : s.entries.entrySet()) {
        d.add(e.getValue().text.getBytes(StandardCharsets.UTF_8));
        d.add(Double.doubleToLongBits(e.getValue().score));
        if (e.getValue().payload != null) {
          d.add(e.getValue().payload);
        }
        d.endSequence();
      }
    }

    @Override
    public Suggestions copy(Suggestions s) {
      Suggestions c = new Suggestions();
      s.entries.forEach((k, e) -> c.entries.put(k, new Entry(e.text, e.score,
          e.payload == null ? null : e.payload.clone())));
      return c;
    }
  }
}
