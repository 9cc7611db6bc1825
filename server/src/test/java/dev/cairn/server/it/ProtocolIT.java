package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The wire protocol with raw bytes: protocol errors, inline commands, pipelining, big bulks, RESP3, garbage. */
class ProtocolIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--proto-max-bulk-len", "2mb"};
  }

  private void assertProtocolError(String input, String message) throws Exception {
    RawClient r = raw();
    assertEquals("-ERR Protocol error: " + message + "\r\n", r.send(input).readReply(), input);
    assertTrue(r.closedByServer(), "closed after " + message);
  }

  @Test
  void protocolErrorsReplyThenClose() throws Exception {
    assertProtocolError("*20000000000\r\n", "invalid multibulk length");
    assertProtocolError("*1x\r\n", "invalid multibulk length");
    assertProtocolError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "expected '$', got 'f'");
    assertProtocolError("*1\r\nfoo\r\n", "expected '$', got 'f'");
    assertProtocolError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", "invalid bulk length");
    assertProtocolError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n", "invalid bulk length");
    assertProtocolError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n", "invalid bulk length");
    assertProtocolError("set \"\"\"test-key\"\"\" test-value\r\n", "unbalanced quotes in request");
    assertProtocolError("x".repeat(70_000), "too big inline request");
    assertProtocolError("*" + "1".repeat(70_000), "too big mbulk count string");
    assertProtocolError("*1\r\n$" + "1".repeat(70_000), "too big bulk count string");
  }

  @Test
  void repliesBeforeAProtocolErrorAreSent() throws Exception {
    RawClient r = raw();
    r.send("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\nbad\r\n*1\r\n$4\r\nPING\r\n");
    assertEquals("+PONG\r\n", r.readReply());
    assertEquals("+PONG\r\n", r.readReply());
    assertEquals("-ERR Protocol error: expected '$', got 'b'\r\n", r.readReply());
    assertTrue(r.closedByServer());
  }

  @Test
  void emptyQueriesAndNegativeCountsAreIgnored() throws Exception {
    RawClient r = raw();
    r.send("\r\n\n*0\r\n*-10\r\n*1\r\n$4\r\nPING\r\n");
    assertEquals("+PONG\r\n", r.readReply());
  }

  @Test
  void inlineCommands() throws Exception {
    RawClient r = raw();
    assertEquals("+OK\r\n", r.send("set   k  \"a b\\x41\\n\"\r\n").readReply());
    assertEquals("$5\r\na bA\n\r\n", r.send("get k\n").readReply());
    assertEquals("+OK\r\n", r.send("SET k2 'it\\'s'\r\n").readReply());
    assertEquals("$4\r\nit's\r\n", r.send("GET k2\r\n").readReply());
    assertEquals("-ERR wrong number of arguments for 'get' command\r\n", r.send("GET\r\n").readReply());
  }

  @Test
  void pipelineOfManyCommandsInOneWrite() throws Exception {
    int n = 20_000;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("*3\r\n$3\r\nSET\r\n$").append(("k" + i).length()).append("\r\nk").append(i).append("\r\n$1\r\nv\r\n");
      sb.append("*2\r\n$3\r\nGET\r\n$").append(("k" + i).length()).append("\r\nk").append(i).append("\r\n");
    }
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      byte[] req = sb.toString().getBytes(StandardCharsets.US_ASCII);
      Thread writer = new Thread(() -> {
        try {
          out.write(req);
          out.flush();
        } catch (Exception ignored) {
          // the read side fails the test
        }
      });
      writer.start();
      byte[] expected = "+OK\r\n$1\r\nv\r\n".repeat(n).getBytes(StandardCharsets.US_ASCII);
      byte[] got = in.readNBytes(expected.length);
      writer.join();
      assertArrayEquals(expected, got);
    }
  }

  @Test
  void bulkUpToProtoMaxBulkLen() throws Exception {
    RawClient r = raw();
    String big = "x".repeat(2 * 1024 * 1024);
    assertEquals("+OK\r\n", r.command("SET", "big", big).readReply());
    assertEquals("$" + big.length() + "\r\n" + big + "\r\n", r.command("GET", "big").readReply());
    RawClient over = raw();
    assertEquals("-ERR Protocol error: invalid bulk length\r\n",
        over.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (2 * 1024 * 1024 + 1) + "\r\n").readReply());
    assertTrue(over.closedByServer());
  }

  @Test
  void binarySafeBulk() throws Exception {
    byte[] value = new byte[256];
    for (int i = 0; i < 256; i++) {
      value[i] = (byte) i;
    }
    jedis.set("bin".getBytes(), value);
    assertArrayEquals(value, jedis.get("bin".getBytes()));
  }

  @Test
  void resp3ReplyShapes() throws Exception {
    RawClient r = raw();
    assertEquals("$-1\r\n", r.command("GET", "nokey").readReply());
    String hello2 = r.command("HELLO").readReply();
    assertTrue(hello2.startsWith("*14\r\n$6\r\nserver\r\n"), hello2);
    String hello3 = r.command("HELLO", "3").readReply();
    assertTrue(hello3.startsWith("%7\r\n$6\r\nserver\r\n"), hello3);
    assertEquals("_\r\n", r.command("GET", "nokey").readReply());
    assertTrue(r.command("CLIENT", "INFO").readReply().matches("(?s)=\\d+\r\ntxt:id=.*\n\r\n"));
    assertEquals("+PONG\r\n", r.command("PING").readReply());
    assertEquals(":0\r\n", r.command("EXISTS", "nokey", "nokey2").readReply());
  }

  @Test
  void everyReplyTypeInBothProtocols() throws Exception {
    String[][] cases = {
        {"string", "$11\r\nHello World\r\n", "$11\r\nHello World\r\n"},
        {"integer", ":12345\r\n", ":12345\r\n"},
        {"double", "$5\r\n3.141\r\n", ",3.141\r\n"},
        {"bignum", "$37\r\n1234567999999999999999999999999999999\r\n", "(1234567999999999999999999999999999999\r\n"},
        {"null", "$-1\r\n", "_\r\n"},
        {"array", "*3\r\n:0\r\n:1\r\n:2\r\n", "*3\r\n:0\r\n:1\r\n:2\r\n"},
        {"set", "*3\r\n:0\r\n:1\r\n:2\r\n", "~3\r\n:0\r\n:1\r\n:2\r\n"},
        {"map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"},
        {"true", ":1\r\n", "#t\r\n"},
        {"false", ":0\r\n", "#f\r\n"},
        {"verbatim", "$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n"},
        {"push", "-ERR RESP2 is not supported by this command\r\n",
            ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n"},
    };
    RawClient r2 = raw();
    RawClient r3 = raw();
    r3.command("HELLO", "3").readReply();
    for (String[] c : cases) {
      assertEquals(c[1], r2.command("DEBUG", "PROTOCOL", c[0]).readReply(), c[0]);
      String three = r3.command("DEBUG", "PROTOCOL", c[0]).readReply();
      if (c[0].equals("push")) {
        three += r3.readReply(); // the push, then the real reply
      }
      assertEquals(c[2], three, c[0]);
    }
    // an attribute precedes the real reply in RESP3 and is left out in RESP2
    assertEquals("$39\r\nSome real reply following the attribute\r\n", r2.command("DEBUG", "PROTOCOL", "attrib")
        .readReply());
    assertEquals("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n", r3.command("DEBUG", "PROTOCOL",
        "attrib").readReply());
    assertEquals("$39\r\nSome real reply following the attribute\r\n", r3.readReply());
  }

  @Test
  void randomBytesNeverHurtTheServer() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("ProtocolIT fuzz seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    Random rnd = new Random(seed);
    String[] fragments = {"*", "$", "\r\n", "\n", "\"", "'", "\\x", "-1", "0", "1", "3", "999999999", "PING", "SET",
        "GET", "CLIENT", "KILL", "HELLO", "3", "MONITOR", "RESET", "QUIT", "x", " ", "\u0000", "\u00ff",
        "$536870000\r\n", "$40000\r\n", "$2097152\r\n", "*2\r\n$3\r\nSET\r\n"};
    for (int round = 0; round < 200; round++) {
      ByteArrayOutputStream junk = new ByteArrayOutputStream();
      int parts = 1 + rnd.nextInt(40);
      for (int i = 0; i < parts; i++) {
        if (rnd.nextBoolean()) {
          byte[] b = new byte[rnd.nextInt(20)];
          rnd.nextBytes(b);
          junk.writeBytes(b);
        } else {
          junk.writeBytes(fragments[rnd.nextInt(fragments.length)].getBytes(StandardCharsets.ISO_8859_1));
        }
      }
      try (Socket s = new Socket("127.0.0.1", port())) {
        s.getOutputStream().write(junk.toByteArray());
        s.getOutputStream().flush();
      } catch (Exception ignored) {
        // the server may close on us; that is fine
      }
      if (round % 20 == 0) {
        assertEquals("PONG", jedis.ping(), "seed " + seed + " round " + round);
      }
    }
    assertEquals("PONG", newJedis().ping(), "seed " + seed);
    jedis.set("after", "fuzz");
    assertEquals("fuzz", jedis.get("after"));
  }
}
