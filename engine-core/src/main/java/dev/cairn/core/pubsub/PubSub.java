package dev.cairn.core.pubsub;

import dev.cairn.core.blocking.ByteKey;
import dev.cairn.core.connection.Session;
import dev.cairn.core.keyspace.ByteDict;
import dev.cairn.core.resp.RespWriter;
import dev.cairn.core.util.Glob;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The server's subscriptions: channel -> subscribers, pattern -> subscribers, shard channel -> subscribers, and
 * publishing. Subscribers of a channel get each message in subscription order, then the subscribers of each matching
 * pattern (Redis's stringmatch rules), as Redis delivers them.
 *
 * <p>A message is encoded once per publish (RESP2 and RESP3 frames differ only in their first byte) and copied into
 * each subscriber's reply buffer, which the engine flushes at the end of the event-loop batch; each subscriber's
 * backlog is checked against {@code client-output-buffer-limit pubsub} as the message is added, so a subscriber that
 * does not read is disconnected instead of growing without bound. Channel lookup is by bytes, without allocation.
 */
public final class PubSub {
  /** A channel with its subscribers, in subscription order. */
  static final class Channel extends ByteDict.Node<Channel> {
    final ArrayList<Session> subscribers = new ArrayList<>(2);

    Channel(byte[] name) {
      super(name);
    }
  }

  /** A pattern with its subscribers. */
  static final class Pattern {
    final byte[] pattern;
    final ArrayList<Session> subscribers = new ArrayList<>(2);

    Pattern(byte[] pattern) {
      this.pattern = pattern;
    }
  }

  private static final byte[] MESSAGE = bytes("message");
  private static final byte[] PMESSAGE = bytes("pmessage");
  private static final byte[] SMESSAGE = bytes("smessage");

  private final ByteDict<Channel> channels = new ByteDict<>();
  private final ByteDict<Channel> shardChannels = new ByteDict<>();
  /** Patterns in subscription order (publish walks them all), and by name for (un)subscribing. */
  private final List<Pattern> patterns = new ArrayList<>();
  private final Map<ByteKey, Pattern> patternsByName = new HashMap<>();
  /** Where one message is encoded, without its leading type byte, before it is copied to each subscriber. */
  private final ByteBuf frame = Unpooled.buffer(256);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Subscriptions of {@code s}, created on first use. */
  static Subscriptions of(Session s) {
    if (s.subscriptions == null) {
      s.subscriptions = new Subscriptions();
    }
    return s.subscriptions;
  }

  // ---- subscribing

  /** Subscribes {@code s} to a channel (or shard channel); returns false if it already was. */
  boolean subscribe(Session s, byte[] channel, boolean shard) {
    Subscriptions subs = of(s);
    if (!(shard ? subs.shardChannels : subs.channels).add(new ByteKey(channel))) {
      return false;
    }
    ByteDict<Channel> dict = shard ? shardChannels : channels;
    Channel c = dict.get(channel);
    if (c == null) {
      c = new Channel(channel);
      dict.addNew(c);
    }
    c.subscribers.add(s);
    return true;
  }

  /** Unsubscribes {@code s} from a channel (or shard channel); returns false if it was not subscribed. */
  boolean unsubscribe(Session s, byte[] channel, boolean shard) {
    Subscriptions subs = s.subscriptions;
    if (subs == null || !(shard ? subs.shardChannels : subs.channels).remove(new ByteKey(channel))) {
      return false;
    }
    ByteDict<Channel> dict = shard ? shardChannels : channels;
    Channel c = dict.get(channel);
    c.subscribers.remove(s);
    if (c.subscribers.isEmpty()) {
      dict.remove(channel); // an abandoned channel costs nothing, however many were used
    }
    return true;
  }

  boolean psubscribe(Session s, byte[] pattern) {
    ByteKey k = new ByteKey(pattern);
    if (!of(s).patterns.add(k)) {
      return false;
    }
    Pattern p = patternsByName.get(k);
    if (p == null) {
      p = new Pattern(pattern);
      patternsByName.put(k, p);
      patterns.add(p);
    }
    p.subscribers.add(s);
    return true;
  }

  boolean punsubscribe(Session s, byte[] pattern) {
    ByteKey k = new ByteKey(pattern);
    Subscriptions subs = s.subscriptions;
    if (subs == null || !subs.patterns.remove(k)) {
      return false;
    }
    Pattern p = patternsByName.get(k);
    p.subscribers.remove(s);
    if (p.subscribers.isEmpty()) {
      patternsByName.remove(k);
      patterns.remove(p);
    }
    return true;
  }

  /** Drops every subscription of {@code s} silently (RESET, disconnect). */
  public void unsubscribeAll(Session s) {
    Subscriptions subs = s.subscriptions;
    if (subs == null) {
      return;
    }
    for (ByteKey k : List.copyOf(subs.channels)) {
      unsubscribe(s, k.bytes(), false);
    }
    for (ByteKey k : List.copyOf(subs.shardChannels)) {
      unsubscribe(s, k.bytes(), true);
    }
    for (ByteKey k : List.copyOf(subs.patterns)) {
      punsubscribe(s, k.bytes());
    }
    s.subscriptions = null;
  }

  // ---- publishing

  /** PUBLISH: delivers to the channel's subscribers, then to those of matching patterns; returns the receivers. */
  public int publish(byte[] channel, byte[] message) {
    int receivers = 0;
    Channel c = channels.size() == 0 ? null : channels.get(channel);
    if (c != null) {
      encode(3, MESSAGE, channel, message, null);
      receivers += deliver(c.subscribers);
    }
    for (int i = 0; i < patterns.size(); i++) {
      Pattern p = patterns.get(i);
      if (Glob.matches(p.pattern, channel)) {
        encode(4, PMESSAGE, p.pattern, channel, message);
        receivers += deliver(p.subscribers);
      }
    }
    return receivers;
  }

  /** SPUBLISH: delivers to the shard channel's subscribers (patterns do not apply); returns the receivers. */
  public int spublish(byte[] channel, byte[] message) {
    Channel c = shardChannels.size() == 0 ? null : shardChannels.get(channel);
    if (c == null) {
      return 0;
    }
    encode(3, SMESSAGE, channel, message, null);
    return deliver(c.subscribers);
  }

  /** Whether anyone subscribed to anything (keyspace notifications skip the work of building channels otherwise). */
  public boolean hasSubscribers() {
    return channels.size() > 0 || !patterns.isEmpty();
  }

  /** Encodes {@code n} bulk strings as an aggregate without its leading type byte ({@code 3\r\n$7\r\nmessage\r\n...}). */
  private void encode(int n, byte[] kind, byte[] a, byte[] b, byte[] c) {
    frame.clear();
    frame.writeByte('0' + n).writeByte('\r').writeByte('\n');
    bulk(kind);
    bulk(a);
    bulk(b);
    if (c != null) {
      bulk(c);
    }
  }

  private void bulk(byte[] v) {
    frame.writeByte('$');
    int len = v.length;
    int digits = RespWriter.decimalLength(len);
    int at = frame.writerIndex();
    frame.ensureWritable(digits);
    for (int p = at + digits - 1; p >= at; p--) {
      frame.setByte(p, '0' + len % 10);
      len /= 10;
    }
    frame.writerIndex(at + digits);
    frame.writeByte('\r').writeByte('\n');
    frame.writeBytes(v);
    frame.writeByte('\r').writeByte('\n');
  }

  private int deliver(ArrayList<Session> subscribers) {
    int n = subscribers.size();
    for (int i = 0; i < n; i++) {
      Session s = subscribers.get(i);
      if (s.closing) {
        continue; // closed for its output-buffer limit during this very publish, or just going
      }
      RespWriter w = s.startPush();
      ByteBuf out = w.buffer();
      out.writeByte(w.protocol() == 3 ? '>' : '*');
      out.writeBytes(frame, 0, frame.writerIndex());
      s.endPush();
    }
    return n;
  }

  // ---- introspection (PUBSUB, INFO, CLIENT LIST)

  /** Channels with at least one subscriber (INFO pubsub_channels). */
  public int channelCount() {
    return channels.size();
  }

  public int shardChannelCount() {
    return shardChannels.size();
  }

  /** Distinct patterns with at least one subscriber (PUBSUB NUMPAT, INFO pubsub_patterns). */
  public int patternCount() {
    return patterns.size();
  }

  /** Subscribers of a channel (PUBSUB NUMSUB) or shard channel (SHARDNUMSUB). */
  int subscriberCount(byte[] channel, boolean shard) {
    Channel c = (shard ? shardChannels : channels).get(channel);
    return c == null ? 0 : c.subscribers.size();
  }

  /** Visits the names of active channels or shard channels. */
  void forEachChannel(boolean shard, Consumer<byte[]> visitor) {
    (shard ? shardChannels : channels).forEach(c -> visitor.accept(c.key));
  }
}
