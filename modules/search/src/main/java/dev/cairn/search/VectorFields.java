package dev.cairn.search;

import dev.cairn.api.keyspace.Database;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading VECTOR values: a hash's blob (the field's bytes) or a JSON array of numbers. */
final class VectorFields {
  private VectorFields() { }

  /**
   * A hash document's fields with its VECTOR fields' values as the bytes stored rather than text (a blob is not
   * UTF-8); the map itself when the index has no VECTOR field.
   */
  static Map<String, ?> withBlobs(SearchIndex idx, Database db, byte[] key, Map<String, String> hash) {
    if (hash == null || !idx.def.hasVectors || idx.def.onJson) {
      return hash;
    }
    Set<String> ids = new HashSet<>();
    for (FieldSpec f : idx.def.fields.values()) {
      if (f.type == FieldSpec.Type.VECTOR) {
        ids.add(f.identifier);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>(hash);
    db.forEachHashField(key, (f, v) -> {
      String name = new String(f, StandardCharsets.UTF_8);
      if (ids.contains(name)) {
        out.put(name, v.clone());
      }
    });
    return out;
  }

  /** A document's vector: a blob of exactly DIM elements, or (JSON) DIM numbers. */
  static double[] decode(FieldSpec f, Object raw) {
    VectorParams p = f.vector;
    if (raw instanceof byte[] blob || raw instanceof String) {
      byte[] b = raw instanceof byte[] bb ? bb : ((String) raw).getBytes(StandardCharsets.UTF_8);
      if (raw instanceof String s && p.dim == 1 && isNumber(s)) { // JSON: a one-element array
        return new double[] {Double.parseDouble(s)};
      }
      if (b.length != p.blobSize()) {
        throw new IllegalArgumentException("Could not add vector with blob size " + b.length + " (expected size "
            + p.blobSize() + ")");
      }
      return p.decode(b);
    }
    List<?> l = (List<?>) raw;
    if (l.size() != p.dim) {
      throw new IllegalArgumentException("Invalid vector length. Expected " + p.dim + ", got " + l.size());
    }
    double[] v = new double[l.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Double.parseDouble((String) l.get(i));
    }
    return v;
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
