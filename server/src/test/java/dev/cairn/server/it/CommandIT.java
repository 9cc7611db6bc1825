package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** COMMAND and its subcommands; the COMMAND INFO bytes are what Redis 7.2 replies for the same commands. */
class CommandIT extends ServerTestBase {
  private static final String KEY_SPEC_INDEX_1 = "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
      + "$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
      + "$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n";

  @Test
  void infoOfGetAsRedis() throws Exception {
    assertEquals("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        + "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
        + KEY_SPEC_INDEX_1 + ":0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
        raw().command("COMMAND", "INFO", "get").readReply());
  }

  @Test
  void infoOfSetAsRedis() throws Exception {
    assertEquals("*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n"
        + "*3\r\n+@write\r\n+@string\r\n+@slow\r\n*0\r\n*1\r\n*8\r\n$5\r\nnotes\r\n"
        + "$48\r\nRW and ACCESS due to the optional `GET` argument\r\n$5\r\nflags\r\n"
        + "*4\r\n+RW\r\n+access\r\n+update\r\n+variable_flags\r\n"
        + KEY_SPEC_INDEX_1 + ":0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
        raw().command("COMMAND", "INFO", "set").readReply());
  }

  @Test
  void infoOfDelAsRedis() throws Exception {
    assertEquals("*1\r\n*10\r\n$3\r\ndel\r\n:-2\r\n*1\r\n+write\r\n:1\r\n:-1\r\n:1\r\n"
        + "*3\r\n+@keyspace\r\n+@write\r\n+@slow\r\n"
        + "*2\r\n$26\r\nrequest_policy:multi_shard\r\n$23\r\nresponse_policy:agg_sum\r\n"
        + "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RM\r\n+delete\r\n"
        + KEY_SPEC_INDEX_1 + ":-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
        raw().command("COMMAND", "INFO", "del").readReply());
  }

  @Test
  void infoOfUnknownAndOfSubcommands() throws Exception {
    RawClient r = raw();
    assertEquals("*2\r\n$-1\r\n$-1\r\n", r.command("COMMAND", "INFO", "nosuch", "get|key").readReply());
    String configGet = r.command("COMMAND", "INFO", "config|get").readReply();
    assertTrue(configGet.startsWith("*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n"
        + "+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n"), configGet);
    String config = r.command("COMMAND", "INFO", "config").readReply();
    assertTrue(config.contains("$10\r\nconfig|set\r\n"), "container lists its subcommands");
  }

  @Test
  void countMatchesTheFullList() {
    long count = jedis.commandCount();
    assertEquals(count, ((List<?>) jedis.sendCommand(redis.clients.jedis.Protocol.Command.COMMAND)).size());
  }

  @Test
  void docsOfGet() throws Exception {
    assertEquals("*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$34\r\nReturns the string value of a key.\r\n"
        + "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
        + "$9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
        + "$12\r\ndisplay_text\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n",
        raw().command("COMMAND", "DOCS", "get").readReply());
    assertEquals("*0\r\n", raw().command("COMMAND", "DOCS", "nosuch").readReply());
  }

  @Test
  void docsOfADeprecatedCommand() throws Exception {
    String quit = raw().command("COMMAND", "DOCS", "quit").readReply();
    assertTrue(quit.contains("$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n7.2.0\r\n"
        + "$11\r\nreplaced_by\r\n$27\r\njust closing the connection\r\n"), quit);
  }

  @Test
  void getkeys() throws Exception {
    RawClient r = raw();
    assertEquals("*1\r\n$1\r\na\r\n", r.command("COMMAND", "GETKEYS", "set", "a", "b").readReply());
    assertEquals("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
        r.command("COMMAND", "GETKEYS", "del", "a", "b", "c").readReply());
    assertEquals("*1\r\n$1\r\nk\r\n", r.command("COMMAND", "GETKEYS", "memory", "usage", "k").readReply());
    assertEquals("*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RM\r\n+delete\r\n",
        r.command("COMMAND", "GETKEYSANDFLAGS", "del", "a", "b").readReply());
    assertEquals("*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n",
        r.command("COMMAND", "GETKEYSANDFLAGS", "set", "k", "v").readReply());
    assertEquals("*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n",
        r.command("COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "GET").readReply());
    assertEquals("-ERR Invalid command specified\r\n", r.command("COMMAND", "GETKEYS", "nosuch", "a").readReply());
    assertEquals("-ERR The command has no key arguments\r\n",
        r.command("COMMAND", "GETKEYS", "ping", "a").readReply());
    assertEquals("-ERR Invalid number of arguments specified for command\r\n",
        r.command("COMMAND", "GETKEYS", "get", "a", "b").readReply());
  }

  @Test
  void list() throws Exception {
    RawClient r = raw();
    List<?> all = (List<?>) jedis.sendCommand(redis.clients.jedis.Protocol.Command.COMMAND, "LIST");
    assertTrue(all.size() > jedis.commandCount(), "subcommands are listed too");
    assertEquals("*2\r\n$10\r\nconfig|get\r\n$10\r\nconfig|set\r\n",
        r.command("COMMAND", "LIST", "FILTERBY", "PATTERN", "config|[gs]et").readReply());
    assertEquals("*0\r\n", r.command("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcategory").readReply());
    assertEquals("*0\r\n", r.command("COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule").readReply());
    String keyspace = r.command("COMMAND", "LIST", "FILTERBY", "ACLCAT", "keyspace").readReply();
    assertTrue(keyspace.contains("$3\r\ndel\r\n") && !keyspace.contains("$3\r\nget\r\n"), keyspace);
    assertEquals("-ERR syntax error\r\n", r.command("COMMAND", "LIST", "bad").readReply());
    assertEquals("-ERR syntax error\r\n", r.command("COMMAND", "LIST", "FILTERBY", "bad", "x").readReply());
  }

  @Test
  void unknownSubcommandAndHelp() throws Exception {
    RawClient r = raw();
    assertEquals("-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n", r.command("COMMAND", "foo").readReply());
    assertTrue(r.command("COMMAND", "HELP").readReply()
        .startsWith("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
  }
}
