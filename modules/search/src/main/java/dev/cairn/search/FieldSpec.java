package dev.cairn.search;

/** One field of an index's schema: the hash field it reads ({@code identifier}) and the name queries use. */
final class FieldSpec {
  enum Type { TEXT, TAG, NUMERIC, GEO, VECTOR, GEOSHAPE }

  final String identifier;
  final String attribute;
  final Type type;
  double weight = 1;
  boolean noStem;
  /** PHONETIC dm:xx: words also indexed by their Double Metaphone codes. */
  boolean phonetic;
  boolean sortable;
  boolean unf;
  boolean noIndex;
  boolean caseSensitive;
  boolean withSuffixTrie;
  char separator = ',';
  /** Bit of this field in a posting's field mask (TEXT fields only), else -1. */
  int textBit = -1;
  /** VECTOR: the algorithm and its attributes. */
  VectorParams vector;
  /** GEOSHAPE: FLAT (Cartesian) rather than SPHERICAL (lon/lat, the default). */
  boolean flatShape;

  FieldSpec(String identifier, String attribute, Type type) {
    this.identifier = identifier;
    this.attribute = attribute;
    this.type = type;
  }
}
