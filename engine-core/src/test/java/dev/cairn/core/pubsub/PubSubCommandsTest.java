package dev.cairn.core.pubsub;

import static dev.cairn.core.EngineClients.bulk;
import static dev.cairn.core.EngineClients.frame;
import static dev.cairn.core.EngineClients.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.core.EngineClients;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Pub/sub and keyspace notifications through the dispatcher, with subscribers as separate clients. */
class PubSubCommandsTest {
  private EngineClients clients;
  private int pub;
  private int sub;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    pub = clients.connect();
    sub = clients.connect();
  }

  private static String confirm(char type, String kind, String channel, long count) {
    return type + "3\r\n" + bulk(kind) + (channel == null ? "$-1\r\n" : bulk(channel)) + integer(count);
  }

  @Test
  @DisplayName("PUBLISH/SUBSCRIBE basics")
  void subscribeAndPublish() {
    assertEquals(confirm('*', "subscribe", "chan1", 1) + confirm('*', "subscribe", "chan2", 2),
        clients.run(sub, "SUBSCRIBE", "chan1", "chan2"));
    assertEquals(integer(1), clients.run(pub, "PUBLISH", "chan1", "hello"));
    assertEquals(integer(1), clients.run(pub, "PUBLISH", "chan2", "world"));
    assertEquals(frame('*', "message", "chan1", "hello") + frame('*', "message", "chan2", "world"),
        clients.take(sub));
    assertEquals(confirm('*', "unsubscribe", "chan1", 1), clients.run(sub, "UNSUBSCRIBE", "chan1"));
    assertEquals(integer(0), clients.run(pub, "PUBLISH", "chan1", "hello"));
    assertEquals(confirm('*', "unsubscribe", "chan2", 0), clients.run(sub, "UNSUBSCRIBE"));
    assertEquals(integer(0), clients.run(pub, "PUBLISH", "chan2", "world"));
    assertEquals(confirm('*', "unsubscribe", null, 0), clients.run(sub, "UNSUBSCRIBE"),
        "UNSUBSCRIBE with nothing to leave still replies");
    assertEquals(confirm('*', "punsubscribe", null, 0), clients.run(sub, "PUNSUBSCRIBE"));
    assertEquals("+PONG\r\n", clients.run(sub, "PING"), "no longer in subscribed mode");
  }

  @Test
  void subscribingTwiceCountsOnce() {
    assertEquals(confirm('*', "subscribe", "c", 1).repeat(3), clients.run(sub, "SUBSCRIBE", "c", "c", "c"));
    assertEquals(integer(1), clients.run(pub, "PUBLISH", "c", "x"));
    assertEquals(frame('*', "message", "c", "x"), clients.take(sub));
    assertEquals(confirm('*', "unsubscribe", "foo", 1), clients.run(sub, "UNSUBSCRIBE", "foo"));
  }

  @Test
  @DisplayName("Mix SUBSCRIBE and PSUBSCRIBE")
  void channelSubscribersFirstThenPatterns() {
    clients.run(sub, "SUBSCRIBE", "foo.bar");
    assertEquals(confirm('*', "psubscribe", "foo.*", 2), clients.run(sub, "PSUBSCRIBE", "foo.*"));
    int other = clients.connect();
    clients.run(other, "PSUBSCRIBE", "f*");
    assertEquals(integer(3), clients.run(pub, "PUBLISH", "foo.bar", "hello"));
    assertEquals(frame('*', "message", "foo.bar", "hello") + frame('*', "pmessage", "foo.*", "foo.bar", "hello"),
        clients.take(sub));
    assertEquals(frame('*', "pmessage", "f*", "foo.bar", "hello"), clients.take(other));
    assertEquals(integer(0), clients.run(pub, "PUBLISH", "barfoo.1", "x"));
    assertEquals(integer(2), clients.run(pub, "PUBSUB", "NUMPAT"));
  }

  @Test
  void subscribedResp2ClientsMayOnlySubscribePingQuitOrReset() {
    clients.run(sub, "SUBSCRIBE", "somechannel");
    assertEquals("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
        + "in this context\r\n", clients.run(sub, "GET", "x"));
    assertEquals("-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
        + "allowed in this context\r\n", clients.run(sub, "CLIENT", "ID"));
    assertEquals(frame('*', "pong", ""), clients.run(sub, "PING"));
    assertEquals(frame('*', "pong", "foo"), clients.run(sub, "PING", "foo"));
    assertEquals("+RESET\r\n", clients.run(sub, "RESET"));
    assertEquals(integer(0), clients.run(pub, "PUBLISH", "somechannel", "x"), "RESET unsubscribes");
  }

  @Test
  void resp3SubscribersGetPushesAndMayRunAnything() {
    clients.run(sub, "HELLO", "3");
    assertEquals(confirm('>', "subscribe", "ch", 1), clients.run(sub, "SUBSCRIBE", "ch"));
    assertEquals("$-1\r\n".replace("$-1", "_"), clients.run(sub, "GET", "nothing"));
    assertEquals("+PONG\r\n", clients.run(sub, "PING"));
    clients.run(pub, "PUBLISH", "ch", "m");
    assertEquals(frame('>', "message", "ch", "m"), clients.take(sub));
  }

  @Test
  @DisplayName("publish to self inside multi")
  void messagesToSelfFollowTheReply() {
    clients.run(sub, "HELLO", "3");
    clients.run(sub, "SUBSCRIBE", "foo");
    clients.run(sub, "MULTI");
    clients.run(sub, "PING", "abc");
    clients.run(sub, "PUBLISH", "foo", "bar");
    clients.run(sub, "PUBLISH", "foo", "vaz");
    clients.run(sub, "PING", "def");
    assertEquals("*4\r\n" + bulk("abc") + integer(1) + integer(1) + bulk("def")
        + frame('>', "message", "foo", "bar") + frame('>', "message", "foo", "vaz"), clients.run(sub, "EXEC"));
    assertEquals(integer(1) + frame('>', "message", "foo", "x"), clients.run(sub, "PUBLISH", "foo", "x"));
  }

  @Test
  @DisplayName("unsubscribe inside multi, and publish to self")
  void unsubscribeInsideMulti() {
    clients.run(sub, "HELLO", "3");
    clients.run(sub, "SUBSCRIBE", "foo", "bar", "baz");
    clients.run(sub, "MULTI");
    clients.run(sub, "PING", "abc");
    clients.run(sub, "UNSUBSCRIBE", "bar");
    clients.run(sub, "UNSUBSCRIBE", "baz");
    clients.run(sub, "PING", "def");
    assertEquals("*4\r\n" + bulk("abc") + confirm('>', "unsubscribe", "bar", 2)
        + confirm('>', "unsubscribe", "baz", 1) + bulk("def"), clients.run(sub, "EXEC"));
  }

  @Test
  @DisplayName("PubSub messages with CLIENT REPLY OFF")
  void subscriptionRepliesAndMessagesIgnoreReplyOff() {
    clients.run(sub, "HELLO", "3");
    clients.run(sub, "CLIENT", "REPLY", "OFF");
    assertEquals(confirm('>', "subscribe", "channel", 1), clients.run(sub, "SUBSCRIBE", "channel"));
    assertEquals(confirm('>', "psubscribe", "ch*", 2), clients.run(sub, "PSUBSCRIBE", "ch*"));
    assertEquals("", clients.run(sub, "PING"));
    clients.run(pub, "PUBLISH", "channel", "hello");
    assertEquals(frame('>', "message", "channel", "hello") + frame('>', "pmessage", "ch*", "channel", "hello"),
        clients.take(sub));
    assertEquals(confirm('>', "unsubscribe", "channel", 1), clients.run(sub, "UNSUBSCRIBE", "channel"));
  }

  @Test
  void shardChannels() {
    assertEquals(confirm('*', "ssubscribe", "chan1", 1), clients.run(sub, "SSUBSCRIBE", "chan1"));
    assertEquals(confirm('*', "ssubscribe", "chan2", 2), clients.run(sub, "SSUBSCRIBE", "chan2"));
    int classic = clients.connect();
    clients.run(classic, "SUBSCRIBE", "chan1");
    assertEquals(integer(1), clients.run(pub, "SPUBLISH", "chan1", "hello"));
    assertEquals(frame('*', "smessage", "chan1", "hello"), clients.take(sub));
    assertEquals(integer(1), clients.run(pub, "PUBLISH", "chan1", "hello"));
    assertEquals(frame('*', "message", "chan1", "hello"), clients.take(classic));
    assertEquals("*2\r\n" + bulk("chan1") + integer(1), clients.run(pub, "PUBSUB", "SHARDNUMSUB", "chan1"));
    assertEquals("*2\r\n" + bulk("chan1") + integer(1), clients.run(pub, "PUBSUB", "NUMSUB", "chan1"));
    assertEquals(confirm('*', "sunsubscribe", "chan1", 1) + confirm('*', "sunsubscribe", "chan2", 0),
        clients.run(sub, "SUNSUBSCRIBE"));
    clients.run(sub, "MULTI");
    clients.run(sub, "SSUBSCRIBE", "x");
    assertEquals("*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n", clients.run(sub, "EXEC"));
  }

  @Test
  void pubsubIntrospection() {
    clients.run(sub, "SUBSCRIBE", "news.a", "news.b", "other");
    clients.run(sub, "PSUBSCRIBE", "news.*");
    List<String> channels = new ArrayList<>(List.of(clients.run(pub, "PUBSUB", "CHANNELS", "news.*").split("\r\n")));
    assertEquals("*2", channels.get(0));
    assertTrue(channels.contains("news.a") && channels.contains("news.b"), channels.toString());
    assertEquals("*4\r\n" + bulk("abc") + integer(0) + bulk("other") + integer(1),
        clients.run(pub, "PUBSUB", "NUMSUB", "abc", "other"));
    assertEquals("*0\r\n", clients.run(pub, "PUBSUB", "NUMSUB"));
    assertEquals(integer(1), clients.run(pub, "PUBSUB", "NUMPAT"));
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n",
        clients.run(pub, "PUBSUB", "channels", "a", "b"));
    String info = clients.run(pub, "INFO", "stats");
    assertTrue(info.contains("pubsub_channels:3\r\npubsub_patterns:1\r\npubsubshard_channels:0\r\n"), info);
    String list = clients.run(pub, "CLIENT", "LIST");
    assertTrue(list.contains(" flags=P ") && list.contains(" sub=3 psub=1 ssub=0 "), list);
    clients.disconnect(sub);
    assertEquals("*0\r\n", clients.run(pub, "PUBSUB", "CHANNELS"), "a closed subscriber leaves nothing behind");
    assertEquals(integer(0), clients.run(pub, "PUBSUB", "NUMPAT"));
  }

  // ---- keyspace notifications

  private void notifications(String flags) {
    assertEquals("+OK\r\n", clients.run(pub, "CONFIG", "SET", "notify-keyspace-events", flags));
    clients.run(sub, "PSUBSCRIBE", "*");
  }

  private static String keyspace(String key, String event) {
    return frame('*', "pmessage", "*", "__keyspace@0__:" + key, event);
  }

  private static String keyevent(String event, String key) {
    return frame('*', "pmessage", "*", "__keyevent@0__:" + event, key);
  }

  @Test
  @DisplayName("Keyspace notifications: we can receive both kind of events")
  void keyspaceThenKeyevent() {
    notifications("KEA");
    clients.run(pub, "SET", "foo", "bar");
    assertEquals(keyspace("foo", "set") + keyevent("set", "foo"), clients.take(sub));
  }

  @Test
  @DisplayName("Keyspace notifications: we are able to mask events")
  void classesMaskEvents() {
    notifications("KEl");
    clients.run(pub, "SET", "foo", "bar");
    clients.run(pub, "LPUSH", "mylist", "a");
    clients.run(pub, "RPOP", "mylist");
    // the list's deletion when RPOP empties it is a generic event, masked here
    assertEquals(keyspace("mylist", "lpush") + keyevent("lpush", "mylist") + keyspace("mylist", "rpop")
        + keyevent("rpop", "mylist"), clients.take(sub));
  }

  @Test
  void genericEventsOfRenameMoveCopyAndExpire() {
    notifications("Eg");
    clients.run(pub, "SET", "a", "1");
    clients.run(pub, "RENAME", "a", "b");
    clients.run(pub, "EXPIRE", "b", "100");
    clients.run(pub, "PERSIST", "b");
    clients.run(pub, "COPY", "b", "c");
    clients.run(pub, "MOVE", "c", "1");
    clients.run(pub, "DEL", "b");
    assertEquals(keyevent("rename_from", "a") + keyevent("rename_to", "b") + keyevent("expire", "b")
        + keyevent("persist", "b") + keyevent("copy_to", "c") + keyevent("move_from", "c")
        + frame('*', "pmessage", "*", "__keyevent@1__:move_to", "c") + keyevent("del", "b"), clients.take(sub));
  }

  @Test
  @DisplayName("Keyspace notifications: new key test")
  void newKeysOnlyWhenAsked() {
    notifications("En");
    clients.run(pub, "SET", "foo", "bar");
    clients.run(pub, "SET", "foo", "baz");
    clients.run(pub, "SET", "bar", "bar");
    assertEquals(keyevent("new", "foo") + keyevent("new", "bar"), clients.take(sub));
    notifications("EA");
    clients.take(sub);
    clients.run(pub, "SET", "newer", "1");
    assertEquals(keyevent("set", "newer"), clients.take(sub), "'A' leaves out n and m");
  }

  @Test
  void expiredAndKeyMissEvents() throws Exception {
    notifications("Exm");
    clients.run(pub, "SET", "foo", "1", "PX", "100");
    Thread.sleep(150);
    clients.run(pub, "GET", "foo");
    assertEquals(keyevent("expired", "foo") + keyevent("keymiss", "foo"), clients.take(sub));
  }

  @Test
  void noKorEMeansNothingIsPublished() {
    notifications("A");
    clients.run(pub, "SET", "foo", "bar");
    assertEquals("", clients.take(sub));
    assertEquals("*2\r\n" + bulk("notify-keyspace-events") + bulk("A"),
        clients.run(pub, "CONFIG", "GET", "notify-keyspace-events"));
  }

  @Test
  void modulesHearOfAnEventBeforeSubscribers() {
    List<String> order = new ArrayList<>();
    clients.engine.events().addListener((type, event, key, db) -> {
      order.add("listener " + event);
      // the notifier has not published yet
      assertEquals("", clients.take(sub));
    });
    notifications("KA");
    clients.run(pub, "SET", "k", "v");
    assertEquals(List.of("listener new", "listener set"), order);
    assertEquals(keyspace("k", "set"), clients.take(sub));
    assertTrue((KeyspaceEvents.ALL & KeyspaceEvents.NEW) == 0);
  }
}
