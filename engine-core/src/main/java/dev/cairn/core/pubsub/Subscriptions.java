package dev.cairn.core.pubsub;

import dev.cairn.core.blocking.ByteKey;
import java.util.LinkedHashSet;
import java.util.Set;

/** One client's subscriptions: channels, patterns and shard channels, each in the order subscribed. */
public final class Subscriptions {
  final Set<ByteKey> channels = new LinkedHashSet<>();
  final Set<ByteKey> patterns = new LinkedHashSet<>();
  final Set<ByteKey> shardChannels = new LinkedHashSet<>();

  public int channels() {
    return channels.size();
  }

  public int patterns() {
    return patterns.size();
  }

  public int shardChannels() {
    return shardChannels.size();
  }

  /** Channels and patterns: the count SUBSCRIBE, PSUBSCRIBE and their opposites reply with. */
  int classic() {
    return channels.size() + patterns.size();
  }

  /** Every subscription: a client with any is in the pubsub class (and, speaking RESP2, in subscribed mode). */
  public int total() {
    return channels.size() + patterns.size() + shardChannels.size();
  }

  /** Each channel and shard channel (pattern false) and each pattern (true): ACL checks them on a permission change. */
  public void forEach(java.util.function.BiConsumer<byte[], Boolean> out) {
    for (ByteKey k : channels) {
      out.accept(k.bytes(), false);
    }
    for (ByteKey k : shardChannels) {
      out.accept(k.bytes(), false);
    }
    for (ByteKey k : patterns) {
      out.accept(k.bytes(), true);
    }
  }
}
