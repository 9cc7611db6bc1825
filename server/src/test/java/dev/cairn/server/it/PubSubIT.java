package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;

/** Pub/sub with real subscriber connections (Jedis's JedisPubSub), keyspace notifications, and a slow subscriber. */
class PubSubIT extends ServerTestBase {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterAll
  void stopThreads() {
    threads.shutdownNow();
  }

  /** A subscriber on its own connection and thread, recording what it receives as "kind pattern? channel message". */
  private final class Subscriber extends JedisPubSub {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CountDownLatch subscribed = new CountDownLatch(1);

    @Override
    public void onMessage(String channel, String message) {
      received.add("message " + channel + " " + message);
    }

    @Override
    public void onPMessage(String pattern, String channel, String message) {
      received.add("pmessage " + pattern + " " + channel + " " + message);
    }

    @Override
    public void onSubscribe(String channel, int count) {
      subscribed.countDown();
    }

    @Override
    public void onPSubscribe(String pattern, int count) {
      subscribed.countDown();
    }

    String next() throws InterruptedException {
      String m = received.poll(10, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("no message within 10 s");
      }
      return m;
    }
  }

  private Subscriber subscribe(String... channels) throws Exception {
    Subscriber s = new Subscriber();
    Jedis conn = newJedis();
    threads.submit(() -> conn.subscribe(s, channels));
    assertTrue(s.subscribed.await(10, TimeUnit.SECONDS));
    return s;
  }

  private Subscriber psubscribe(String... patterns) throws Exception {
    Subscriber s = new Subscriber();
    Jedis conn = newJedis();
    threads.submit(() -> conn.psubscribe(s, patterns));
    assertTrue(s.subscribed.await(10, TimeUnit.SECONDS));
    return s;
  }

  @Test
  void publishReachesEverySubscriberInOrder() throws Exception {
    Subscriber a = subscribe("news");
    Subscriber b = subscribe("news");
    Subscriber p = psubscribe("n*");
    for (int i = 0; i < 100; i++) {
      assertEquals(3, jedis.publish("news", "m" + i));
    }
    for (int i = 0; i < 100; i++) {
      assertEquals("message news m" + i, a.next());
      assertEquals("message news m" + i, b.next());
      assertEquals("pmessage n* news m" + i, p.next());
    }
    assertEquals(0, jedis.publish("other", "x"));
    assertEquals(Map.of("news", 2L, "nobody", 0L), jedis.pubsubNumSub("news", "nobody"));
    assertEquals(1, jedis.pubsubNumPat());
    assertEquals(List.of("news"), jedis.pubsubChannels());
    a.unsubscribe();
    b.unsubscribe();
    p.punsubscribe();
  }

  @Test
  void keyspaceNotificationsReachAJedisSubscriber() throws Exception {
    jedis.configSet("notify-keyspace-events", "KEA");
    try {
      Subscriber s = psubscribe("__key*@0__:*");
      jedis.set("foo", "bar");
      jedis.lpush("mylist", "a");
      jedis.del("foo");
      assertEquals("pmessage __key*@0__:* __keyspace@0__:foo set", s.next());
      assertEquals("pmessage __key*@0__:* __keyevent@0__:set foo", s.next());
      assertEquals("pmessage __key*@0__:* __keyspace@0__:mylist lpush", s.next());
      assertEquals("pmessage __key*@0__:* __keyevent@0__:lpush mylist", s.next());
      assertEquals("pmessage __key*@0__:* __keyspace@0__:foo del", s.next());
      assertEquals("pmessage __key*@0__:* __keyevent@0__:del foo", s.next());
      jedis.psetex("soon", 50, "v");
      assertEquals("pmessage __key*@0__:* __keyspace@0__:soon set", s.next());
      assertEquals("pmessage __key*@0__:* __keyevent@0__:set soon", s.next());
      assertEquals("pmessage __key*@0__:* __keyspace@0__:soon expire", s.next());
      assertEquals("pmessage __key*@0__:* __keyevent@0__:expire soon", s.next());
      // the cron's active expiry finds it, with nobody asking
      assertEquals("pmessage __key*@0__:* __keyspace@0__:soon expired", s.next());
      assertEquals("pmessage __key*@0__:* __keyevent@0__:expired soon", s.next());
      s.punsubscribe();
    } finally {
      jedis.configSet("notify-keyspace-events", "");
    }
  }

  @Test
  void resp2SubscriberMayOnlyRunSubscriptionCommands() throws Exception {
    RawClient c = raw();
    assertEquals("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", c.command("SUBSCRIBE", "ch").readReply());
    assertEquals("-ERR Can't execute 'set': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
        + "in this context\r\n", c.command("SET", "a", "b").readReply());
    assertEquals("*2\r\n$4\r\npong\r\n$0\r\n\r\n", c.command("PING").readReply());
    jedis.publish("ch", "hello");
    assertEquals("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", c.readReply());
    assertEquals("+RESET\r\n", c.command("RESET").readReply());
    assertEquals("+OK\r\n", c.command("SET", "a", "b").readReply());
  }

  @Test
  void resp3SubscriberGetsPushesBesideReplies() throws Exception {
    RawClient c = raw();
    c.command("HELLO", "3").readReply();
    assertEquals(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", c.command("SUBSCRIBE", "ch").readReply());
    assertEquals("+OK\r\n", c.command("SET", "a", "b").readReply());
    jedis.publish("ch", "hello");
    assertEquals(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", c.readReply());
    assertEquals("$1\r\nb\r\n", c.command("GET", "a").readReply());
  }

  @Test
  void aSubscriberThatDoesNotReadIsDisconnectedByThePubsubLimit() throws Exception {
    jedis.configSet("client-output-buffer-limit", "pubsub 1mb 256kb 60");
    long before = infoField("client_output_buffer_limit_disconnections");
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096); // keep the kernel from absorbing the backlog
      slow.connect(new InetSocketAddress("127.0.0.1", port()));
      OutputStream out = slow.getOutputStream();
      out.write("SUBSCRIBE firehose\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long deadline = System.currentTimeMillis() + 5000;
      while (jedis.pubsubNumSub("firehose").get("firehose") == 0L && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      String message = "x".repeat(16 * 1024);
      int published = 0;
      // the subscriber never reads: the server must drop it rather than buffer without bound
      while (jedis.publish("firehose", message) > 0) {
        published++;
        assertTrue(published < 20_000, "still subscribed after " + published + " messages of 16 KB");
      }
      assertEquals(0L, jedis.pubsubNumSub("firehose").get("firehose"));
      assertTrue(infoField("client_output_buffer_limit_disconnections") > before);
      assertEquals("PONG", jedis.ping(), "the publisher is unaffected");
    } finally {
      jedis.configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60");
    }
  }

  private long infoField(String name) {
    for (String line : jedis.info("stats").split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " not in INFO");
  }

  @Test
  void shardedPubSub() throws Exception {
    RawClient c = raw();
    assertEquals("*3\r\n$10\r\nssubscribe\r\n$2\r\nsc\r\n:1\r\n", c.command("SSUBSCRIBE", "sc").readReply());
    assertEquals(1L, jedis.sendCommand(Protocol.Command.SPUBLISH, "sc", "hi"));
    assertEquals(0, jedis.publish("sc", "not for shard subscribers"));
    assertEquals("*3\r\n$8\r\nsmessage\r\n$2\r\nsc\r\n$2\r\nhi\r\n", c.readReply());
    assertEquals(Map.of("sc", 1L), jedis.pubsubShardNumSub("sc"));
    assertEquals(List.of("sc"), jedis.pubsubShardChannels());
  }
}
