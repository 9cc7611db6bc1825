package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamInfo;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/** Stream commands through Jedis and raw RESP: replies, Redis's error strings for bad input, and the type plumbing. */
class StreamIT extends ServerTestBase {
  private static Map<String, String> fields(String... fv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < fv.length; i += 2) {
      m.put(fv[i], fv[i + 1]);
    }
    return m;
  }

  private String cmd(RawClient c, String... args) throws Exception {
    return c.command(args).readReply();
  }

  private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
  private static final String BAD_ID = "-ERR Invalid stream ID specified as stream command argument\r\n";

  @Test
  void xaddIdsAndOptions() throws Exception {
    StreamEntryID a = jedis.xadd("s", StreamEntryID.NEW_ENTRY, fields("f", "v"));
    StreamEntryID b = jedis.xadd("s", StreamEntryID.NEW_ENTRY, fields("f", "v"));
    assertTrue(b.compareTo(a) > 0);
    assertEquals(new StreamEntryID(b.getTime() + 1000, 0),
        jedis.xadd("s", XAddParams.xAddParams().id((b.getTime() + 1000) + "-*"), fields("f", "v")));
    assertEquals("stream", jedis.type("s"));
    assertEquals("stream", jedis.objectEncoding("s"));
    RawClient c = raw();
    assertEquals("$3\r\n5-0\r\n", cmd(c, "XADD", "t", "5", "f", "v"));
    assertEquals("$3\r\n5-1\r\n", cmd(c, "XADD", "t", "5-*", "f", "v"));
    assertEquals("$3\r\n6-0\r\n", cmd(c, "XADD", "t", "6-*", "f", "v"));
    assertEquals("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n",
        cmd(c, "XADD", "t", "6-0", "f", "v"));
    assertEquals("-ERR The ID specified in XADD must be greater than 0-0\r\n", cmd(c, "XADD", "new", "0-0", "f", "v"));
    assertEquals(":0\r\n", cmd(c, "EXISTS", "new"));
    assertEquals("$3\r\n0-1\r\n", cmd(c, "XADD", "new", "0-*", "f", "v"));
    assertEquals("-ERR wrong number of arguments for 'xadd' command\r\n", cmd(c, "XADD", "t", "*", "f"));
    assertEquals("-ERR wrong number of arguments for 'xadd' command\r\n", cmd(c, "XADD", "t", "MAXLEN", "1", "*"));
    assertEquals(BAD_ID, cmd(c, "XADD", "t", "bogus", "f", "v"));
    assertEquals(BAD_ID, cmd(c, "XADD", "t", "-", "f", "v"));
    assertEquals("-ERR The MAXLEN argument must be >= 0.\r\n", cmd(c, "XADD", "t", "MAXLEN", "-1", "*", "f", "v"));
    assertEquals("-ERR value is not an integer or out of range\r\n",
        cmd(c, "XADD", "t", "MAXLEN", "x", "*", "f", "v"));
    assertEquals("-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n",
        cmd(c, "XADD", "t", "MAXLEN", "1", "MINID", "1", "*", "f", "v"));
    assertEquals("-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n",
        cmd(c, "XADD", "t", "LIMIT", "1", "*", "f", "v"));
    assertEquals("-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n",
        cmd(c, "XADD", "t", "MAXLEN", "1", "LIMIT", "1", "*", "f", "v"));
    assertEquals("-ERR The LIMIT argument must be >= 0.\r\n",
        cmd(c, "XADD", "t", "MAXLEN", "~", "1", "LIMIT", "-1", "*", "f", "v"));
    assertEquals("$-1\r\n", cmd(c, "XADD", "none", "NOMKSTREAM", "*", "f", "v"));
    assertEquals(":0\r\n", cmd(c, "EXISTS", "none"));
    cmd(c, "XADD", "max", "18446744073709551615-18446744073709551615", "f", "v");
    assertEquals("-ERR The stream has exhausted the last possible ID, unable to add more items\r\n",
        cmd(c, "XADD", "max", "*", "f", "v"));
    cmd(c, "SET", "str", "x");
    assertEquals(WRONGTYPE, cmd(c, "XADD", "str", "*", "f", "v"));
    // trimming as part of the add
    for (int i = 0; i < 10; i++) {
      jedis.xadd("m", XAddParams.xAddParams().maxLen(3), fields("i", Integer.toString(i)));
    }
    assertEquals(3, jedis.xlen("m"));
    assertEquals("7", jedis.xrange("m", "-", "+").get(0).getFields().get("i"));
    jedis.xadd("m", XAddParams.xAddParams().maxLen(0), fields("i", "x"));
    assertEquals(0, jedis.xlen("m"));
    assertEquals(1, jedis.exists("m") ? 1 : 0, "an empty stream stays");
  }

  @Test
  void rangesAndLength() throws Exception {
    for (int i = 1; i <= 5; i++) {
      jedis.xadd("s", new StreamEntryID(i, 0), fields("n", Integer.toString(i)));
    }
    List<StreamEntry> all = jedis.xrange("s", "-", "+");
    assertEquals(5, all.size());
    assertEquals(fields("n", "1"), all.get(0).getFields());
    assertEquals(2, jedis.xrange("s", "2", "3").size());
    assertEquals(List.of(new StreamEntryID(5, 0), new StreamEntryID(4, 0)),
        jedis.xrevrange("s", "+", "-", 2).stream().map(StreamEntry::getID).toList());
    assertEquals(3, jedis.xrange("s", "(1-0", "(5-0").size());
    assertEquals(5, jedis.xlen("s"));
    assertEquals(0, jedis.xlen("nokey"));
    RawClient c = raw();
    assertEquals("*-1\r\n", cmd(c, "XRANGE", "s", "-", "+", "COUNT", "0"));
    assertEquals("*0\r\n", cmd(c, "XRANGE", "nokey", "-", "+"));
    assertEquals("-ERR syntax error\r\n", cmd(c, "XRANGE", "s", "-", "+", "COUNT"));
    assertEquals("-ERR value is not an integer or out of range\r\n", cmd(c, "XRANGE", "s", "-", "+", "COUNT", "x"));
    assertEquals(BAD_ID, cmd(c, "XRANGE", "s", "(-", "+"));
    assertEquals(BAD_ID, cmd(c, "XRANGE", "s", "x", "+"));
    assertEquals("-ERR invalid start ID for the interval\r\n",
        cmd(c, "XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"));
    assertEquals("-ERR invalid end ID for the interval\r\n", cmd(c, "XREVRANGE", "s", "(0-0", "-"));
    assertEquals("*0\r\n", cmd(c, "XRANGE", "s", "3", "2"));
    cmd(c, "SET", "str", "x");
    assertEquals(WRONGTYPE, cmd(c, "XRANGE", "str", "-", "+"));
    assertEquals(WRONGTYPE, cmd(c, "XLEN", "str"));
  }

  @Test
  void deleteTrimAndSetId() throws Exception {
    for (int i = 1; i <= 10; i++) {
      jedis.xadd("s", new StreamEntryID(i, 0), fields("n", Integer.toString(i)));
    }
    assertEquals(2, jedis.xdel("s", new StreamEntryID(2, 0), new StreamEntryID(3, 0), new StreamEntryID(99, 0)));
    assertEquals(8, jedis.xlen("s"));
    assertEquals(3, jedis.xtrim("s", XTrimParams.xTrimParams().maxLen(5)));
    assertEquals(new StreamEntryID(6, 0), jedis.xrange("s", "-", "+").get(0).getID());
    assertEquals(2, jedis.xtrim("s", XTrimParams.xTrimParams().minId("8-0")));
    RawClient c = raw();
    assertEquals(BAD_ID, cmd(c, "XDEL", "s", "1-0", "x"));
    assertEquals(":0\r\n", cmd(c, "XDEL", "nokey", "1-0"));
    assertEquals("-ERR syntax error, XTRIM must be called with a trimming strategy\r\n",
        cmd(c, "XTRIM", "s", "LIMIT", "0"));
    assertEquals("-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n",
        cmd(c, "XTRIM", "s", "LIMIT", "1"));
    assertEquals("-ERR syntax error\r\n", cmd(c, "XTRIM", "s", "FOO", "1"));
    assertEquals(":0\r\n", cmd(c, "XTRIM", "nokey", "MAXLEN", "1"));
    assertEquals("-ERR no such key\r\n", cmd(c, "XSETID", "nokey", "1-1"));
    assertEquals("-ERR The ID specified in XSETID is smaller than the target stream top item\r\n",
        cmd(c, "XSETID", "s", "9-0"));
    assertEquals("-ERR syntax error\r\n", cmd(c, "XSETID", "s", "20-0", "0"));
    assertEquals("-ERR entries_added must be positive\r\n",
        cmd(c, "XSETID", "s", "20-0", "ENTRIESADDED", "-1", "MAXDELETEDID", "0-0"));
    assertEquals("-ERR The entries_added specified in XSETID is smaller than the target stream length\r\n",
        cmd(c, "XSETID", "s", "20-0", "ENTRIESADDED", "1"));
    assertEquals("-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n",
        cmd(c, "XSETID", "s", "20-0", "MAXDELETEDID", "21-0"));
    assertEquals("+OK\r\n", cmd(c, "XSETID", "s", "20-0", "ENTRIESADDED", "50", "MAXDELETEDID", "19-0"));
    StreamInfo info = jedis.xinfoStream("s");
    assertEquals(new StreamEntryID(20, 0), info.getLastGeneratedId());
    assertEquals(50L, info.getStreamInfo().get("entries-added"));
    assertEquals("19-0", info.getStreamInfo().get("max-deleted-entry-id").toString());
    assertEquals("-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id\r\n",
        cmd(c, "XSETID", "s", "18-0"));
  }

  @Test
  void xreadWithoutBlocking() throws Exception {
    jedis.xadd("a", new StreamEntryID(1, 0), fields("f", "1"));
    jedis.xadd("a", new StreamEntryID(2, 0), fields("f", "2"));
    jedis.xadd("b", new StreamEntryID(3, 0), fields("f", "3"));
    Map<String, StreamEntryID> from = new LinkedHashMap<>();
    from.put("a", new StreamEntryID(1, 0));
    from.put("b", new StreamEntryID(0, 0));
    from.put("nokey", new StreamEntryID(0, 0));
    List<Map.Entry<String, List<StreamEntry>>> res = jedis.xread(XReadParams.xReadParams().count(5), from);
    assertEquals(2, res.size());
    assertEquals("a", res.get(0).getKey());
    assertEquals(new StreamEntryID(2, 0), res.get(0).getValue().get(0).getID());
    assertEquals("b", res.get(1).getKey());
    RawClient c = raw();
    assertEquals("*-1\r\n", cmd(c, "XREAD", "STREAMS", "a", "$"));
    assertEquals("*1\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n",
        cmd(c, "XREAD", "STREAMS", "a", "+"));
    assertEquals("-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.\r\n",
        cmd(c, "XREAD", "STREAMS", "a", "b", "0"));
    assertEquals("-ERR syntax error\r\n", cmd(c, "XREAD", "COUNT", "1", "a", "0"));
    assertEquals("-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n",
        cmd(c, "XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"));
    assertEquals("-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> "
        + "option.\r\n", cmd(c, "XREAD", "STREAMS", "a", ">"));
    assertEquals("-ERR timeout is negative\r\n", cmd(c, "XREAD", "BLOCK", "-1", "STREAMS", "a", "0"));
    assertEquals("-ERR timeout is not an integer or out of range\r\n",
        cmd(c, "XREAD", "BLOCK", "1.5", "STREAMS", "a", "0"));
    cmd(c, "SET", "str", "x");
    assertEquals(WRONGTYPE, cmd(c, "XREAD", "STREAMS", "str", "0"));
    // RESP3: a map of key to entries
    cmd(c, "HELLO", "3");
    assertEquals("%1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r\n",
        cmd(c, "XREAD", "STREAMS", "b", "0"));
    assertEquals("_\r\n", cmd(c, "XREAD", "STREAMS", "b", "$"));
  }

  @Test
  void consumerGroupsAndPendingEntries() throws Exception {
    for (int i = 1; i <= 5; i++) {
      jedis.xadd("s", new StreamEntryID(i, 0), fields("n", Integer.toString(i)));
    }
    assertEquals("OK", jedis.xgroupCreate("s", "g", new StreamEntryID(0, 0), false));
    JedisDataException busy = assertThrows(JedisDataException.class,
        () -> jedis.xgroupCreate("s", "g", new StreamEntryID(0, 0), false));
    assertEquals("BUSYGROUP Consumer Group name already exists", busy.getMessage());
    Map<String, StreamEntryID> next = Map.of("s", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
    List<Map.Entry<String, List<StreamEntry>>> got = jedis.xreadGroup("g", "alice",
        XReadGroupParams.xReadGroupParams().count(2), next);
    assertEquals(2, got.get(0).getValue().size());
    jedis.xreadGroup("g", "bob", XReadGroupParams.xReadGroupParams().count(1), next);
    StreamPendingSummary summary = jedis.xpending("s", "g");
    assertEquals(3, summary.getTotal());
    assertEquals(new StreamEntryID(1, 0), summary.getMinId());
    assertEquals(new StreamEntryID(3, 0), summary.getMaxId());
    assertEquals(Map.of("alice", 2L, "bob", 1L), summary.getConsumerMessageCount());
    List<StreamPendingEntry> pending = jedis.xpending("s", "g", XPendingParams.xPendingParams().count(10));
    assertEquals(3, pending.size());
    assertEquals("alice", pending.get(0).getConsumerName());
    assertEquals(1, jedis.xack("s", "g", new StreamEntryID(1, 0), new StreamEntryID(9, 0)));
    List<StreamEntry> claimed = jedis.xclaim("s", "g", "carol", 0, XClaimParams.xClaimParams(),
        new StreamEntryID(2, 0));
    assertEquals(fields("n", "2"), claimed.get(0).getFields());
    Map.Entry<StreamEntryID, List<StreamEntry>> auto = jedis.xautoclaim("s", "g", "dave", 0,
        new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(1));
    assertEquals(new StreamEntryID(3, 0), auto.getKey());
    assertEquals(new StreamEntryID(2, 0), auto.getValue().get(0).getID());
    List<StreamGroupInfo> groups = jedis.xinfoGroups("s");
    assertEquals(1, groups.size());
    assertEquals(4, groups.get(0).getConsumers());
    assertEquals(2L, groups.get(0).getGroupInfo().get("lag"));
    assertEquals(3L, groups.get(0).getGroupInfo().get("entries-read"));
    assertEquals(1, jedis.xgroupDelConsumer("s", "g", "dave"));
    assertEquals(1, jedis.xgroupDestroy("s", "g"));
    assertEquals(0, jedis.xgroupDestroy("s", "g"));

    RawClient c = raw();
    assertEquals("-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        + "MKSTREAM option to create an empty stream automatically.\r\n", cmd(c, "XGROUP", "CREATE", "no", "g", "$"));
    assertEquals("+OK\r\n", cmd(c, "XGROUP", "CREATE", "no", "g", "$", "MKSTREAM"));
    assertEquals("-ERR value for ENTRIESREAD must be positive or -1\r\n",
        cmd(c, "XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "-2"));
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n",
        cmd(c, "XGROUP", "CREATE", "s", "g2", "$", "BOGUS"));
    assertEquals("-NOGROUP No such consumer group 'nog' for key name 's'\r\n",
        cmd(c, "XGROUP", "SETID", "s", "nog", "0"));
    assertEquals("-NOGROUP No such consumer group 'nog' for key name 's'\r\n",
        cmd(c, "XGROUP", "CREATECONSUMER", "s", "nog", "x"));
    assertEquals("-ERR unknown subcommand 'BOGUS'. Try XGROUP HELP.\r\n", cmd(c, "XGROUP", "BOGUS"));
    assertEquals("-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n",
        cmd(c, "XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">"));
    assertEquals("-ERR Missing GROUP option for XREADGROUP\r\n", cmd(c, "XREADGROUP", "COUNT", "1", "COUNT", "2",
        "STREAMS", "s", ">"));
    assertEquals("-NOGROUP No such key 's' or consumer group 'nog'\r\n", cmd(c, "XPENDING", "s", "nog"));
    assertEquals("-ERR syntax error\r\n", cmd(c, "XPENDING", "s", "nog", "-", "+"));
    assertEquals("-NOGROUP No such key 's' or consumer group 'nog'\r\n", cmd(c, "XCLAIM", "s", "nog", "c", "0",
        "1-0"));
    assertEquals("-ERR COUNT must be > 0\r\n", cmd(c, "XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"));
    assertEquals(":0\r\n", cmd(c, "XACK", "s", "nog", "1-0"));
    cmd(c, "XGROUP", "CREATE", "s", "g", "0");
    assertEquals("-ERR Invalid min-idle-time argument for XCLAIM\r\n", cmd(c, "XCLAIM", "s", "g", "c", "x", "1-0"));
    assertEquals("-ERR Unrecognized XCLAIM option 'bogus'\r\n", cmd(c, "XCLAIM", "s", "g", "c", "0", "1-0", "bogus"));
    assertEquals("-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
        + "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an "
        + "empty result set.\r\n", cmd(c, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"));
    // a consumer's history: its own pending entries only, deleted ones with a null body
    cmd(c, "XREADGROUP", "GROUP", "g", "erin", "COUNT", "2", "STREAMS", "s", ">");
    cmd(c, "XDEL", "s", "1-0");
    assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*-1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nn\r\n$1\r\n2\r\n",
        cmd(c, "XREADGROUP", "GROUP", "g", "erin", "STREAMS", "s", "0"));
    assertEquals("*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", cmd(c, "XPENDING", "no", "g"));
  }

  @Test
  void infoReplies() throws Exception {
    for (int i = 1; i <= 3; i++) {
      jedis.xadd("s", new StreamEntryID(i, 0), fields("n", Integer.toString(i)));
    }
    StreamInfo info = jedis.xinfoStream("s");
    assertEquals(3, info.getLength());
    assertEquals(1, info.getRadixTreeKeys());
    assertEquals(2, info.getRadixTreeNodes());
    assertEquals(new StreamEntryID(1, 0), info.getFirstEntry().getID());
    assertEquals(new StreamEntryID(3, 0), info.getLastEntry().getID());
    jedis.xgroupCreate("s", "g", new StreamEntryID(0, 0), false);
    jedis.xreadGroup("g", "c", XReadGroupParams.xReadGroupParams().count(1),
        Map.of("s", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    assertEquals(1, jedis.xinfoStreamFull("s").getGroups().size());
    assertEquals(1, jedis.xinfoConsumers2("s", "g").size());
    RawClient c = raw();
    assertEquals("-ERR no such key\r\n", cmd(c, "XINFO", "STREAM", "nokey"));
    assertEquals("-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n",
        cmd(c, "XINFO", "STREAM", "s", "FULL", "COUNT"));
    assertEquals("-NOGROUP No such consumer group 'x' for key name 's'\r\n", cmd(c, "XINFO", "CONSUMERS", "s", "x"));
    assertEquals("-ERR wrong number of arguments for 'xinfo|help' command\r\n", cmd(c, "XINFO", "HELP", "x"));
    assertTrue(cmd(c, "XINFO", "HELP").startsWith("*9\r\n+XINFO <subcommand> [<arg> [value] [opt] ...]."));
    cmd(c, "SET", "str", "x");
    assertEquals(WRONGTYPE, cmd(c, "XINFO", "STREAM", "str"));
    // empty stream: null first and last entries
    cmd(c, "XADD", "e", "MAXLEN", "0", "*", "f", "v");
    String empty = cmd(c, "XINFO", "STREAM", "e");
    assertTrue(empty.endsWith("$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n"), empty);
  }

  @Test
  void copyMoveRenameScanAndMemory() throws Exception {
    for (int i = 1; i <= 300; i++) {
      jedis.xadd("s", new StreamEntryID(i, 0), fields("n", Integer.toString(i)));
    }
    jedis.xgroupCreate("s", "g", new StreamEntryID(0, 0), false);
    jedis.xreadGroup("g", "c", XReadGroupParams.xReadGroupParams().count(2),
        Map.of("s", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    assertTrue(jedis.copy("s", "s2", false));
    jedis.xadd("s", new StreamEntryID(400, 0), fields("n", "400"));
    jedis.xack("s", "g", new StreamEntryID(1, 0));
    assertEquals(300, jedis.xlen("s2"), "the copy is independent");
    assertEquals(2, jedis.xpending("s2", "g").getTotal());
    jedis.rename("s2", "s3");
    assertEquals(300, jedis.xlen("s3"));
    assertEquals(1, jedis.move("s3", 1));
    jedis.select(1);
    assertEquals("stream", jedis.type("s3"));
    jedis.select(0);
    assertEquals(List.of("s"), jedis.scan("0", new redis.clients.jedis.params.ScanParams(), "stream").getResult());
    long bytes = jedis.memoryUsage("s");
    assertTrue(bytes > 300 && bytes < 20000, "memory usage " + bytes);
    assertNull(jedis.memoryUsage("nokey"));
  }

  @Test
  void nodeSizeParameters() throws Exception {
    assertEquals(List.of("stream-node-max-entries", "100"), jedis.configGet("stream-node-max-entries").entrySet()
        .stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList());
    jedis.configSet("stream-node-max-entries", "10");
    for (int i = 1; i <= 95; i++) {
      jedis.xadd("s", new StreamEntryID(i, 0), fields("n", "v"));
    }
    assertEquals(10, jedis.xinfoStream("s").getRadixTreeKeys());
    // ~ trims whole nodes only
    assertEquals(80, jedis.xtrim("s", XTrimParams.xTrimParams().maxLen(12).approximateTrimming()));
    jedis.configSet("stream-node-max-entries", "0");
    jedis.configSet("stream-node-max-bytes", "100");
    for (int i = 1; i <= 10; i++) {
      jedis.xadd("b", new StreamEntryID(i, 0), fields("f", "x".repeat(40)));
    }
    assertTrue(jedis.xinfoStream("b").getRadixTreeKeys() >= 4);
    jedis.configSet("stream-node-max-entries", "100");
    jedis.configSet("stream-node-max-bytes", "4096");
  }

  /** Payloads DUMPed by redis-server 7.0.15 (RDB type 19, version 10): see engine-core's test resources rdb/streams. */
  @Test
  void restoresRedis70PayloadsAndDumpsForIt() throws Exception {
    byte[] groups = java.util.HexFormat.of().parseHex(
        "13011000000000000000010000000000000001c340b440da07da000000690013014000078166020001020100200104010104" +
        "01032005400f0004201340150003600900032013000420014017020001056009000520090006600900062009000760090007" +
        "200900086009000820090009600900092009000a6009000a2009000b6009000b2009000c6009000c2009000d6009000d2009" +
        "000e6009000e2009000f6009000f200900106009001020090011600900112009001260090012200900136009001320090014" +
        "200900ff1314010101020114020267310701070500000000000000010000000000000001cb114e42a2010000010000000000" +
        "0000020000000000000001cb114e42a20100000100000000000000030000000000000001cb114e42a2010000010000000000" +
        "0000040000000000000001cb114e42a20100000100000000000000050000000000000001cb114e42a2010000010305616c69" +
        "6365cb114e42a201000003000000000000000100000000000000010000000000000002000000000000000100000000000000" +
        "03000000000000000103626f62cb114e42a20100000200000000000000040000000000000001000000000000000500000000" +
        "00000001056361726f6ccb114e42a20100000002673214011400000a00acbc14162cfc0f15");
    assertEquals("OK", jedis.restore("s".getBytes(), 0, groups));
    assertEquals(19, jedis.xlen("s"));
    assertEquals(5, jedis.xpending("s", "g1").getTotal());
    assertEquals(13L, jedis.xinfoGroups("s").get(0).getGroupInfo().get("lag"));
    byte[] empty = java.util.HexFormat.of().parseHex("13000007070000000001000a004af736baa235c39f");
    assertEquals("OK", jedis.restore("e".getBytes(), 0, empty));
    assertEquals(new StreamEntryID(7, 7), jedis.xinfoStream("e").getLastGeneratedId());
    // Cairn's own DUMP of what needs nothing newer than Redis 7.0 says RDB version 10
    byte[] mine = jedis.dump("s".getBytes());
    assertEquals(19, mine[0]);
    assertEquals(10, mine[mine.length - 10]);
    jedis.restore("copy".getBytes(), 0, mine);
    assertEquals(jedis.xrange("s", "-", "+").size(), jedis.xrange("copy", "-", "+").size());
    byte[] bad = mine.clone();
    bad[30] ^= 0x55;
    JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.restore("bad".getBytes(), 0, bad));
    assertEquals("ERR DUMP payload version or checksum are wrong", e.getMessage());
  }
}
