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
  /** The highest type byte Redis 7.2 writes. */
  public static final int MAX_TYPE = 21;

  private final RdbValueCodec[] byType = new RdbValueCodec[256];
  private final List<RdbValueCodec> codecs = new ArrayList<>();

  /** A registry with the built-in codecs (strings). */
  public static RdbCodecs withBuiltins() {
    RdbCodecs r = new RdbCodecs();
    r.register(new StringRdbCodec(), TYPE_STRING);
    r.register(new dev.cairn.core.type.list.ListRdbCodec(), TYPE_LIST, TYPE_LIST_QUICKLIST_2);
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
