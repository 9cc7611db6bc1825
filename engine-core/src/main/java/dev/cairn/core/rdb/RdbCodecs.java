package dev.cairn.core.rdb;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of value codecs: by RDB type byte for loading, by value for saving. Each data type plugs its codec in
 * here ({@link #register}); strings are built in.
 */
public final class RdbCodecs {
  /** RDB type bytes Redis 7.2 defines (rdb.h), so codecs name them rather than repeat numbers. */
  public static final int TYPE_STRING = 0;
  public static final int TYPE_LIST = 1;
  public static final int TYPE_SET = 2;
  public static final int TYPE_ZSET = 3;
  public static final int TYPE_HASH = 4;
  public static final int TYPE_ZSET_2 = 5;
  /** Module values of Redis 4.0 release candidates: refused. */
  public static final int TYPE_MODULE_PRE_GA = 6;
  public static final int TYPE_MODULE_2 = 7;
  public static final int TYPE_HASH_ZIPMAP = 9;
  public static final int TYPE_LIST_ZIPLIST = 10;
  public static final int TYPE_SET_INTSET = 11;
  public static final int TYPE_ZSET_ZIPLIST = 12;
  public static final int TYPE_HASH_ZIPLIST = 13;
  public static final int TYPE_LIST_QUICKLIST = 14;
  public static final int TYPE_STREAM_LISTPACKS = 15;
  public static final int TYPE_HASH_LISTPACK = 16;
  public static final int TYPE_ZSET_LISTPACK = 17;
  public static final int TYPE_LIST_QUICKLIST_2 = 18;
  public static final int TYPE_STREAM_LISTPACKS_2 = 19;
  public static final int TYPE_SET_LISTPACK = 20;
  public static final int TYPE_STREAM_LISTPACKS_3 = 21;
  /** Redis 7.4 release candidates' hashes with field TTLs (absolute TTLs); read, never written. */
  public static final int TYPE_HASH_METADATA_PRE_GA = 22;
  public static final int TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
  /** Redis 7.4's hash with field TTLs: the earliest TTL, then (ttl, field, value) triples, TTLs relative to it. */
  public static final int TYPE_HASH_METADATA = 24;
  /** Redis 7.4's listpack hash with field TTLs: the earliest TTL, then a listpack of (field, value, ttl). */
  public static final int TYPE_HASH_LISTPACK_EX = 25;
  /** The highest type byte Redis 7.2 writes. */
  public static final int MAX_TYPE = 21;

  private final RdbValueCodec[] byType = new RdbValueCodec[256];
  private final List<RdbValueCodec> codecs = new ArrayList<>();
  private final List<RdbSection<?>> sections = new ArrayList<>();
  private final List<java.util.function.ToIntFunction<dev.cairn.core.keyspace.Keyspace>> versionProbes =
      new ArrayList<>();

  /** A registry with the built-in codecs (strings). */
  public static RdbCodecs withBuiltins() {
    RdbCodecs r = new RdbCodecs();
    r.register(new StringRdbCodec(), TYPE_STRING);
    r.register(new dev.cairn.core.type.list.ListRdbCodec(), dev.cairn.core.type.list.ListRdbCodec.TYPES);
    return r;
  }

  /** Registers {@code codec} as the reader of these type bytes and as a writer. */
  public void register(RdbValueCodec codec, int... typeBytes) {
    for (int t : typeBytes) {
      if (byType[t] != null) {
        throw new IllegalStateException("RDB type " + t + " already has a codec");
      }
      byType[t] = codec;
    }
    codecs.add(codec);
  }

  /**
   * Registers a part of the file that is not a key (function libraries, module AUX data): written in every RDB file
   * after the AUX fields, read back by its opcode.
   */
  public void registerSection(RdbSection<?> section) {
    for (RdbSection<?> s : sections) {
      if (s.opcode() == section.opcode()) {
        throw new IllegalStateException("RDB opcode " + section.opcode() + " already has a section");
      }
    }
    sections.add(section);
  }

  /** The registered sections, in registration order. */
  public List<RdbSection<?>> sections() {
    return sections;
  }

  /** The section that reads records of {@code opcode}, or null. */
  public RdbSection<?> section(int opcode) {
    for (RdbSection<?> s : sections) {
      if (s.opcode() == opcode) {
        return s;
      }
    }
    return null;
  }

  /**
   * Registers a probe that tells, when a snapshot starts, the lowest RDB version the keyspace's values of one type need
   * (a file's version is in its header, written before any value): e.g. 12 while some hash has field TTLs.
   */
  public void registerVersionProbe(java.util.function.ToIntFunction<dev.cairn.core.keyspace.Keyspace> probe) {
    versionProbes.add(probe);
  }

  /** The lowest RDB version every value of {@code ks} fits in, at least {@code floor}. */
  public int versionFor(dev.cairn.core.keyspace.Keyspace ks, int floor) {
    int v = Math.max(floor, RdbFormat.MIN_WRITE_VERSION);
    for (var p : versionProbes) {
      v = Math.max(v, p.applyAsInt(ks));
    }
    return Math.min(v, RdbFormat.MAX_VERSION);
  }

  /** The codec that reads type byte {@code type}, or null. */
  public RdbValueCodec reader(int type) {
    return type >= 0 && type < byType.length ? byType[type] : null;
  }

  /** The codec that writes {@code value}, or null if its type cannot be serialized yet. */
  public RdbValueCodec writer(Object value) {
    for (int i = 0; i < codecs.size(); i++) {
      if (codecs.get(i).handles(value)) {
        return codecs.get(i);
      }
    }
    return null;
  }
}
