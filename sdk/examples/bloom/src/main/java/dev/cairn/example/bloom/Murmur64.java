package dev.cairn.example.bloom;

/** MurmurHash64A (Austin Appleby's 64-bit MurmurHash2), the hash family RedisBloom uses. */
final class Murmur64 {
  private Murmur64() {}

  static long hash(byte[] data, long seed) {
    final long m = 0xc6a4a7935bd1e995L;
    final int r = 47;
    int len = data.length;
    long h = seed ^ (len * m);
    int nblocks = len / 8;
    for (int i = 0; i < nblocks; i++) {
      int o = i * 8;
      long k = (data[o] & 0xffL) | (data[o + 1] & 0xffL) << 8 | (data[o + 2] & 0xffL) << 16
          | (data[o + 3] & 0xffL) << 24 | (data[o + 4] & 0xffL) << 32 | (data[o + 5] & 0xffL) << 40
          | (data[o + 6] & 0xffL) << 48 | (data[o + 7] & 0xffL) << 56;
      k *= m;
      k ^= k >>> r;
      k *= m;
      h ^= k;
      h *= m;
    }
    int tail = nblocks * 8;
    switch (len & 7) {
      case 7: h ^= (data[tail + 6] & 0xffL) << 48; // fall through
      case 6: h ^= (data[tail + 5] & 0xffL) << 40; // fall through
      case 5: h ^= (data[tail + 4] & 0xffL) << 32; // fall through
      case 4: h ^= (data[tail + 3] & 0xffL) << 24; // fall through
      case 3: h ^= (data[tail + 2] & 0xffL) << 16; // fall through
      case 2: h ^= (data[tail + 1] & 0xffL) << 8; // fall through
      case 1:
        h ^= data[tail] & 0xffL;
        h *= m;
        break;
      default:
        break;
    }
    h ^= h >>> r;
    h *= m;
    h ^= h >>> r;
    return h;
  }
}
