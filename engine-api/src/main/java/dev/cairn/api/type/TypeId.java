package dev.cairn.api.type;

/**
 * A module data type's persisted identity: a 9-character name from Redis's module-type charset
 * ({@code A-Z a-z 0-9 - _}) and the encoding version (0..1023) that values are written with now. Both are frozen: the
 * name never changes and the encoding version only goes up, older versions still load.
 *
 * <p>{@link #moduleTypeId()} packs them as Redis does into the 64-bit id that an RDB file or a DUMP payload stores
 * before a module value: 9 characters of 6 bits each, then 10 bits of encoding version.
 */
public final class TypeId {
  /** Redis's module type name charset; a character's index is its 6-bit code. */
  public static final String CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  public static final int MAX_ENCVER = 1023;

  private final String name;
  private final int encver;

  private TypeId(String name, int encver) {
    this.name = name;
    this.encver = encver;
  }

  /** A type id; throws {@link IllegalArgumentException} for a malformed name or version. */
  public static TypeId of(String name, int encver) {
    if (name == null || name.length() != 9) {
      throw new IllegalArgumentException("a module type name is exactly 9 characters: " + name);
    }
    for (int i = 0; i < 9; i++) {
      if (CHARSET.indexOf(name.charAt(i)) < 0) {
        throw new IllegalArgumentException("module type name '" + name + "' has a character outside A-Z a-z 0-9 - _");
      }
    }
    if (encver < 0 || encver > MAX_ENCVER) {
      throw new IllegalArgumentException("encoding version must be 0.." + MAX_ENCVER + ": " + encver);
    }
    return new TypeId(name, encver);
  }

  /** Unpacks a 64-bit module type id. */
  public static TypeId fromModuleTypeId(long id) {
    int ver = (int) (id & 1023);
    long n = id >>> 10;
    char[] c = new char[9];
    for (int i = 8; i >= 0; i--) {
      c[i] = CHARSET.charAt((int) (n & 63));
      n >>>= 6;
    }
    return new TypeId(new String(c), ver);
  }

  public String name() {
    return name;
  }

  /** The encoding version new values are written with. */
  public int encver() {
    return encver;
  }

  /** The 64-bit id Redis writes before a module value (RDB_TYPE_MODULE_2). */
  public long moduleTypeId() {
    long id = 0;
    for (int i = 0; i < 9; i++) {
      id = (id << 6) | CHARSET.indexOf(name.charAt(i));
    }
    return (id << 10) | encver;
  }

  /** The same name with another encoding version (for tests that write old versions). */
  public TypeId withEncver(int version) {
    return of(name, version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TypeId t && t.name.equals(name) && t.encver == encver;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + encver;
  }

  @Override
  public String toString() {
    return name + "/" + encver;
  }
}
