package dev.cairn.core.type.hash;

import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.Reply;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** HRANDFIELD with a count: Redis's cases (repeats allowed, the whole hash, a random subset). */
final class HashRandom {
  private HashRandom() {}

  static void withCount(CommandContext c, byte[] key, long count, boolean withValues) {
    HashValue h = c.db().get(key, HashValue.class);
    Reply r = c.reply();
    if (h == null || HashAccess.purgeExpired(c, key, h) || count == 0) {
      r.array(0);
      return;
    }
    boolean resp3 = r.protocol() > 2;
    boolean unique = count > 0;
    long n = Math.abs(count);
    int size = h.size();
    if (!unique || n == 1) {
      // negative count: independent draws, repeats allowed
      r.array((int) (withValues && !resp3 ? n * 2 : n));
      // a table's random() favours short chains; a snapshot gives every field the same chance (Redis's TCL tests
      // check the distribution), and is affordable unless the hash is huge and the count small
      List<byte[][]> all = size <= 4096 || n >= size / 4 ? h.entries() : null;
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      for (long i = 0; i < n && !dev.cairn.core.connection.Session.stopLongReply(c, i); i++) {
        byte[][] fv = all != null ? all.get(rnd.nextInt(size)) : h.random();
        pair(r, fv[0], fv[1], withValues, resp3);
      }
      return;
    }
    int replySize = (int) Math.min(n, size);
    r.array(withValues && !resp3 ? replySize * 2 : replySize);
    List<byte[][]> all = h.entries();
    if (n >= size) {
      for (byte[][] fv : all) {
        pair(r, fv[0], fv[1], withValues, resp3);
      }
      return;
    }
    // a partial Fisher-Yates shuffle picks replySize distinct entries
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    for (int i = 0; i < replySize; i++) {
      int j = i + rnd.nextInt(size - i);
      byte[][] t = all.get(j);
      all.set(j, all.get(i));
      all.set(i, t);
      pair(r, t[0], t[1], withValues, resp3);
    }
  }

  private static void pair(Reply r, byte[] field, byte[] value, boolean withValues, boolean resp3) {
    if (withValues && resp3) {
      r.array(2);
    }
    r.bulk(field);
    if (withValues) {
      r.bulk(value);
    }
  }
}
