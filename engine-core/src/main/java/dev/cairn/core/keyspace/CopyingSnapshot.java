package dev.cairn.core.keyspace;

import dev.cairn.api.keyspace.RedisValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A snapshot made by copying every entry when it is taken: correct, but the engine stops for the copy (O(dataset)).
 * It stands in until the copy-on-write snapshot (docs/ARCHITECTURE.md, "snapshots without fork") provides
 * {@link KeyspaceSnapshot.Provider}; string values are immutable arrays and are shared rather than copied.
 */
public final class CopyingSnapshot implements KeyspaceSnapshot {
  /** The provider that copies. */
  public static final Provider PROVIDER = CopyingSnapshot::new;

  private record Item(byte[] key, Object value, long expireAt) { }

  private final List<List<Item>> dbs = new ArrayList<>();
  private final long[] expires;

  private CopyingSnapshot(Keyspace ks) {
    expires = new long[ks.databases()];
    for (int i = 0; i < ks.databases(); i++) {
      Db db = ks.db(i);
      List<Item> items = new ArrayList<>((int) db.size());
      long[] withExpiry = {0};
      db.forEach(e -> {
        Object v = e.value();
        if (v instanceof RedisValue rv) {
          v = rv.copy();
        }
        items.add(new Item(e.key, v, e.expireAt()));
        if (e.expireAt() >= 0) {
          withExpiry[0]++;
        }
      });
      expires[i] = withExpiry[0];
      dbs.add(items);
    }
  }

  @Override
  public boolean forEach(Visitor v, BooleanSupplier cancelled) throws IOException {
    for (int i = 0; i < dbs.size(); i++) {
      List<Item> items = dbs.get(i);
      if (items.isEmpty()) {
        continue;
      }
      v.database(i, items.size(), expires[i]);
      for (Item it : items) {
        if (cancelled.getAsBoolean()) {
          return false;
        }
        v.entry(it.key, it.value, it.expireAt);
      }
    }
    return true;
  }

  @Override
  public void close() {
    dbs.clear();
  }
}
