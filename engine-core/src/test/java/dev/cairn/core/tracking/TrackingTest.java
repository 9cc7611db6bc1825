package dev.cairn.core.tracking;

import static dev.cairn.core.EngineClients.bulk;
import static dev.cairn.core.EngineClients.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** CLIENT TRACKING through the dispatcher: a tracking client, a writer, and a redirect target. */
class TrackingTest {
  private static final String OK = "+OK\r\n";
  private EngineClients clients;
  private int r;
  private int writer;

  @BeforeEach
  void setUp() {
    clients = new EngineClients();
    r = clients.connect();
    writer = clients.connect();
  }

  private static String invalidate(String... keys) {
    StringBuilder sb = new StringBuilder(">2\r\n").append(bulk("invalidate")).append('*').append(keys.length)
        .append("\r\n");
    for (String k : keys) {
      sb.append(bulk(k));
    }
    return sb.toString();
  }

  private static String redirected(String... keys) {
    StringBuilder sb = new StringBuilder("*3\r\n").append(bulk("message")).append(bulk("__redis__:invalidate"))
        .append('*').append(keys.length).append("\r\n");
    for (String k : keys) {
      sb.append(bulk(k));
    }
    return sb.toString();
  }

  @Test
  @DisplayName("RESP3 based basic invalidation")
  void readKeysAreInvalidatedOnce() {
    clients.run(r, "HELLO", "3");
    assertEquals(OK, clients.run(r, "CLIENT", "TRACKING", "on"));
    clients.run(writer, "SET", "key1", "1");
    clients.run(writer, "SET", "key2", "1");
    assertEquals(bulk("1"), clients.run(r, "GET", "key1"));
    clients.run(writer, "SET", "key2", "2"); // never read: no invalidation
    clients.run(writer, "SET", "key1", "2");
    assertEquals(invalidate("key1"), clients.take(r));
    clients.run(writer, "SET", "key1", "3");
    assertEquals("", clients.take(r), "once invalidated, a key is forgotten until read again");
  }

  @Test
  @DisplayName("The other connection is able to get invalidations")
  void resp2RedirectToASubscriber() {
    int redir = clients.connect();
    long redirId = clients.session(redir).id;
    clients.run(redir, "SUBSCRIBE", "__redis__:invalidate");
    assertEquals(OK, clients.run(r, "CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(redirId)));
    clients.run(r, "MGET", "a", "b");
    clients.run(writer, "INCR", "b");
    clients.run(writer, "DEL", "zz"); // a key that does not exist changes nothing
    clients.run(writer, "SET", "a", "1");
    assertEquals(redirected("b") + redirected("a"), clients.take(redir));
    assertEquals(integer(redirId), clients.run(r, "CLIENT", "GETREDIR"));
    assertEquals("-ERR The client ID you want redirect to does not exist\r\n",
        clients.run(r, "CLIENT", "TRACKING", "on", "REDIRECT", "9999"));
  }

  @Test
  @DisplayName("hdel deliver invalidate message after response in the same connection")
  void ownWritesInvalidateAfterTheReply() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on");
    clients.run(r, "HSET", "myhash", "f", "1");
    clients.run(r, "HGET", "myhash", "f");
    assertEquals(integer(1) + invalidate("myhash"), clients.run(r, "HDEL", "myhash", "f"));
  }

  @Test
  @DisplayName("Tracking invalidation message is not interleaved with transaction response")
  void invalidationsFollowExec() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on");
    clients.run(r, "MSET", "a", "1", "b", "2");
    clients.run(r, "GET", "a");
    clients.run(r, "MULTI");
    clients.run(r, "INCR", "a");
    clients.run(r, "GET", "b");
    assertEquals("*2\r\n:2\r\n" + bulk("2") + invalidate("a"), clients.run(r, "EXEC"));
  }

  @Test
  void noloopSkipsOwnWrites() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on", "NOLOOP");
    clients.run(r, "MGET", "mine", "theirs");
    clients.run(r, "SET", "mine", "1");
    assertEquals("", clients.take(r));
    clients.run(writer, "SET", "theirs", "1");
    assertEquals(invalidate("theirs"), clients.take(r));
  }

  @Test
  void optinAndOptout() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on", "OPTIN");
    clients.run(r, "GET", "k1");
    assertEquals(OK, clients.run(r, "CLIENT", "CACHING", "yes"));
    clients.run(r, "GET", "k2");
    clients.run(r, "GET", "k3"); // CACHING yes lasted one command
    clients.run(writer, "MSET", "k1", "x", "k2", "x", "k3", "x");
    assertEquals(invalidate("k2"), clients.take(r));
    assertEquals("-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n",
        clients.run(r, "CLIENT", "CACHING", "no"));
    assertEquals("-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
        + "re-enabling it with a different mode.\r\n", clients.run(r, "CLIENT", "TRACKING", "on", "OPTOUT"));
    clients.run(r, "CLIENT", "TRACKING", "off");
    clients.run(r, "CLIENT", "TRACKING", "on", "OPTOUT");
    clients.run(r, "CLIENT", "CACHING", "no");
    clients.run(r, "GET", "k1");
    clients.run(r, "GET", "k2");
    clients.run(writer, "MSET", "k1", "y", "k2", "y");
    assertEquals(invalidate("k2"), clients.take(r));
    assertEquals("-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT "
        + "mode enabled\r\n", clients.run(writer, "CLIENT", "CACHING", "yes"));
  }

  @Test
  void cachingYesCoversAWholeTransaction() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on", "OPTIN");
    clients.run(r, "CLIENT", "CACHING", "yes");
    clients.run(r, "MULTI");
    clients.run(r, "GET", "a");
    clients.run(r, "GET", "b");
    clients.run(r, "EXEC");
    clients.run(r, "GET", "c");
    clients.run(writer, "MSET", "a", "1", "b", "1", "c", "1");
    assertEquals(invalidate("a") + invalidate("b"), clients.take(r));
  }

  @Test
  @DisplayName("Clients can enable the BCAST mode with prefixes")
  void broadcastCollectsKeysUntilTheEndOfTheBatch() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:", "PREFIX", "b:");
    clients.run(writer, "MULTI");
    clients.run(writer, "INCR", "a:1");
    clients.run(writer, "INCR", "a:2");
    clients.run(writer, "INCR", "b:1");
    clients.run(writer, "INCR", "c:1");
    clients.run(writer, "EXEC");
    assertEquals("", clients.take(r), "nothing before the end of the batch");
    clients.endBatch();
    assertEquals(invalidate("a:1", "a:2") + invalidate("b:1"), clients.take(r));
    assertEquals("-ERR Prefix 'a' overlaps with an existing prefix 'a:'. Prefixes for a single client must not "
        + "overlap.\r\n", clients.run(r, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a"));
    assertEquals("-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
        + "re-enabling it with a different mode.\r\n", clients.run(r, "CLIENT", "TRACKING", "on"));
    assertEquals("-ERR PREFIX option requires BCAST mode to be enabled\r\n",
        clients.run(writer, "CLIENT", "TRACKING", "on", "PREFIX", "x"));
  }

  @Test
  void broadcastNoloopLeavesOutOwnKeys() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on", "BCAST", "NOLOOP");
    clients.run(writer, "SET", "otherkey", "1");
    clients.run(r, "SET", "loopkey", "1");
    clients.endBatch();
    assertEquals(invalidate("otherkey"), clients.take(r));
  }

  @Test
  @DisplayName("Invalidation message received for flushall")
  void flushesInvalidateEverything() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on");
    clients.run(r, "GET", "key1");
    clients.run(writer, "FLUSHDB");
    assertEquals(">2\r\n" + bulk("invalidate") + "_\r\n", clients.take(r));
    clients.run(r, "GET", "key1");
    assertEquals("+OK\r\n>2\r\n" + bulk("invalidate") + "_\r\n", clients.run(r, "FLUSHALL"));
    assertTrue(clients.run(writer, "INFO", "stats").contains("tracking_total_keys:0\r\n"));
  }

  @Test
  @DisplayName("Keys read by a client that stopped tracking are forgotten when they change, as in Redis")
  void keysOfAClientThatStoppedTrackingAreForgottenOnChange() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on");
    clients.run(r, "GET", "key1");
    clients.run(r, "CLIENT", "TRACKING", "off");
    assertTrue(clients.run(writer, "INFO", "stats").contains("tracking_total_keys:1\r\n"));
    clients.run(writer, "SET", "key1", "2");
    assertTrue(clients.run(writer, "INFO", "stats").contains("tracking_total_keys:0\r\n"));
    assertEquals("", clients.take(r), "no longer tracking: no invalidation");
  }

  @Test
  void aGoneRedirectTargetIsReported() {
    int redir = clients.connect();
    long redirId = clients.session(redir).id;
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(redirId));
    clients.run(r, "GET", "key1");
    clients.disconnect(redir);
    clients.run(writer, "SET", "key1", "2");
    assertEquals(">2\r\n" + bulk("tracking-redir-broken") + integer(redirId), clients.take(r));
    String info = clients.run(r, "CLIENT", "TRACKINGINFO");
    assertTrue(info.contains(bulk("broken_redirect")), info);
    String list = clients.run(writer, "CLIENT", "LIST");
    assertTrue(list.contains(" flags=tR ") && list.contains(" redir=" + redirId + " "), list);
  }

  @Test
  void trackingInfo() {
    assertEquals("*6\r\n" + bulk("flags") + "*1\r\n" + bulk("off") + bulk("redirect") + ":-1\r\n"
        + bulk("prefixes") + "*0\r\n", clients.run(r, "CLIENT", "TRACKINGINFO"));
    clients.run(r, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "foo", "PREFIX", "bar", "NOLOOP");
    assertEquals("*6\r\n" + bulk("flags") + "*3\r\n" + bulk("on") + bulk("bcast") + bulk("noloop")
        + bulk("redirect") + ":0\r\n" + bulk("prefixes") + "*2\r\n" + bulk("bar") + bulk("foo"),
        clients.run(r, "CLIENT", "TRACKINGINFO"));
    assertEquals(integer(0), clients.run(r, "CLIENT", "GETREDIR"));
    clients.run(r, "CLIENT", "TRACKING", "off");
    assertEquals(integer(-1), clients.run(r, "CLIENT", "GETREDIR"));
  }

  @Test
  @DisplayName("Server is able to evacuate enough keys when num of keys surpasses limit")
  void theTableIsKeptWithinItsLimit() {
    clients.run(r, "HELLO", "3");
    clients.run(r, "CLIENT", "TRACKING", "on");
    for (int i = 0; i < 250; i++) {
      clients.run(r, "GET", "key" + i);
    }
    clients.run(writer, "CONFIG", "SET", "tracking-table-max-keys", "1");
    String first = clients.run(r, "PING");
    assertEquals(100, count(first, "invalidate"), "100 keys in the first round");
    String second = clients.run(r, "PING");
    assertEquals(149, count(second, "invalidate"), "then more effort until it fits");
    assertTrue(second.startsWith(">2"), "the invalidations come before the reply: " + second.substring(0, 20));
    assertTrue(clients.run(writer, "INFO", "stats").contains("tracking_total_keys:1\r\n"));
  }

  private static int count(String s, String word) {
    int n = 0;
    for (int at = s.indexOf(word); at >= 0; at = s.indexOf(word, at + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void resp2WithoutRedirectGetsNothing() {
    clients.run(r, "CLIENT", "TRACKING", "on");
    clients.run(r, "GET", "k");
    clients.run(writer, "SET", "k", "v");
    assertEquals("", clients.take(r));
    String list = clients.run(writer, "CLIENT", "LIST");
    assertTrue(list.contains(" flags=t "), list);
    assertTrue(clients.run(writer, "INFO", "clients").contains("tracking_clients:1\r\n"));
    clients.disconnect(r);
    assertTrue(clients.run(writer, "INFO", "clients").contains("tracking_clients:0\r\n"));
  }

  @Test
  void expiryInvalidatesWithoutNoloopFilter() throws Exception {
    int redir = clients.connect();
    clients.run(redir, "SUBSCRIBE", "__redis__:invalidate");
    clients.take(redir);
    clients.run(r, "CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", Long.toString(clients.session(redir).id),
        "NOLOOP");
    clients.run(r, "SET", "mykey", "myval", "PX", "100");
    clients.run(r, "SET", "mykeyotherkey", "myval");
    clients.endBatch();
    assertEquals("", clients.take(redir), "own writes are left out");
    Thread.sleep(150);
    clients.run(r, "GET", "mykey"); // the lazy expiry is the server's doing
    clients.endBatch();
    assertEquals(redirected("mykey"), clients.take(redir));
  }
}
