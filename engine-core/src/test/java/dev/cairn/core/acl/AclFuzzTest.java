package dev.cairn.core.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import dev.cairn.core.command.Command;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random ACL SETUSER rules, valid and not: the server answers OK or an error and never fails otherwise; a user's
 * description (ACL LIST) read back as rules gives the same user, with the same decision for random commands.
 */
class AclFuzzTest {
  private static final String[] RULES = {
      "on", "off", "nopass", "resetpass", ">p1", ">p2", "<p1", "#" + "a".repeat(64), "!" + "a".repeat(64), "#xyz",
      "~*", "~foo*", "~bar", "%R~r*", "%W~w*", "%RW~rw*", "%X~x", "%~x", "allkeys", "resetkeys", "&*", "&news",
      "&ch*", "allchannels", "resetchannels", "+@all", "-@all", "allcommands", "nocommands", "+get", "-get", "+set",
      "+@string", "-@string", "+@read", "-@write", "+@hash", "+client|id", "-client|kill", "+client", "-client",
      "+config|get", "-config|set", "+select|0", "+debug|object", "-debug", "+nosuch", "-@nosuch", "+get|x|y",
      "+config|get|maxmemory", "reset", "clearselectors", "(~s* +get)", "(%R~q* -@all +@read &c)", "(", ")",
      "(bad)", "()", "sanitize-payload", "skip-sanitize-payload", "bogus", "", "+", "-", "~", "&", "%R",
  };
  private static final String[][] COMMANDS = {
      {"GET", "foo1"}, {"SET", "bar", "v"}, {"GET", "r1"}, {"SET", "w1", "v"}, {"COPY", "r1", "w1"},
      {"PUBLISH", "news", "m"}, {"SUBSCRIBE", "chan"}, {"PSUBSCRIBE", "ch*"}, {"CLIENT", "ID"}, {"CLIENT", "KILL",
      "ID", "9"}, {"CONFIG", "GET", "x"}, {"CONFIG", "SET", "x", "y"}, {"SELECT", "0"}, {"SELECT", "1"},
      {"DEBUG", "OBJECT", "x"}, {"HSET", "rw1", "f", "v"}, {"GET", "s1"}, {"MGET", "q1", "s2"}, {"PING"},
  };

  @Test
  void randomRules() {
    long seed = Long.getLong("acl.fuzz.seed", System.nanoTime());
    System.out.println("AclFuzzTest seed " + seed);
    Random rnd = new Random(seed);
    EngineClients clients = new EngineClients();
    int admin = clients.connect();
    Acl acl = clients.engine.acl();
    for (int round = 0; round < 400; round++) {
      List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", "fz"));
      int n = 1 + rnd.nextInt(8);
      for (int i = 0; i < n; i++) {
        args.add(RULES[rnd.nextInt(RULES.length)]);
      }
      String reply = clients.run(admin, args.toArray(String[]::new));
      assertTrue(reply.equals("+OK\r\n") || reply.startsWith("-ERR "), "seed " + seed + " " + args + ": " + reply);
      AclUser u = acl.user("fz");
      if (u == null) {
        continue;
      }
      // the description, applied to a new user, describes the same user and decides the same
      String line = u.describe();
      List<String> words = new ArrayList<>(Arrays.asList(line.split(" ")));
      words = words.subList(2, words.size());
      AclUser copy = acl.create("fz");
      acl.applyAll(copy, words);
      assertEquals(line, copy.describe(), "seed " + seed + " " + args);
      for (String[] cmd : COMMANDS) {
        byte[][] argv = new byte[cmd.length][];
        for (int i = 0; i < cmd.length; i++) {
          argv[i] = cmd[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        Command c = clients.engine.commands().lookup(argv[0]);
        if (!c.subcommands.isEmpty() && argv.length > 1 && c.subcommand(argv[1]) != null) {
          c = c.subcommand(argv[1]);
        }
        assertEquals(acl.permitted(u, c, argv, argv.length), acl.permitted(copy, c, argv, argv.length),
            "seed " + seed + " " + args + " " + Arrays.toString(cmd));
      }
    }
    assertEquals("+PONG\r\n", clients.run(admin, "PING"));
  }
}
