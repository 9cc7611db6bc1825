package dev.cairn.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every JSON command's RESP3 reply as bytes on the wire (no client library in between): RESP3 nulls ({@code _})
 * inside arrays, doubles ({@code ,}), maps ({@code %}), and the RESP2 form of the same replies for contrast.
 */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = JsonModule.class)
class JsonResp3RawIT {
  /** A connection speaking raw RESP; a reply ends where the PING sent after the command answers. */
  private static final class Raw implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String pong;

    Raw(EmbeddedCairn cairn, int protocol) throws IOException {
      socket = new Socket(cairn.host(), cairn.port());
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      pong = "+PONG\r\n";
      if (protocol == 3) {
        String hello = call("HELLO", "3");
        assertTrue(hello.startsWith("%"), hello);
      }
    }

    String call(String... args) throws IOException {
      ByteArrayOutputStream cmd = new ByteArrayOutputStream();
      for (String[] c : new String[][] {args, {"PING"}}) {
        cmd.writeBytes(("*" + c.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String a : c) {
          byte[] b = a.getBytes(StandardCharsets.UTF_8);
          cmd.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
          cmd.writeBytes(b);
          cmd.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
      }
      out.write(cmd.toByteArray());
      out.flush();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      while (!reply.toString(StandardCharsets.UTF_8).endsWith(pong)) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed after " + reply);
        }
        reply.write(b);
      }
      String s = reply.toString(StandardCharsets.UTF_8);
      return s.substring(0, s.length() - pong.length()).replace("\r\n", "|");
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static final String DOC = "{\"a\":1,\"s\":\"x\",\"l\":[1,2],\"t\":true,\"o\":{\"p\":1}}";

  @Test
  void everyCommandsRepliesInResp3(EmbeddedCairn cairn) throws IOException {
    try (Raw r = new Raw(cairn, 3)) {
      assertEquals("+OK|", r.call("JSON.SET", "k", "$", DOC));
      assertEquals("_|", r.call("JSON.SET", "k", "$", "1", "NX"));
      assertEquals("$3|[1]|", r.call("JSON.GET", "k", "$.a"));
      assertEquals("_|", r.call("JSON.GET", "missing"));
      assertEquals("*1|*1|:1|", r.call("JSON.GET", "k", "FORMAT", "EXPAND", "$.a"));
      assertEquals("*2|$3|[1]|_|", r.call("JSON.MGET", "k", "missing", "$.a"));
      assertEquals("*1|*1|$7|integer|", r.call("JSON.TYPE", "k", "$.a"));
      assertEquals("*1|$7|integer|", r.call("JSON.TYPE", "k", ".a"));
      assertEquals("*5|_|:1|_|_|_|", r.call("JSON.STRLEN", "k", "$.*"));
      assertEquals("*5|_|_|:2|_|_|", r.call("JSON.ARRLEN", "k", "$.*"));
      assertEquals("*5|_|_|_|_|*1|$1|p|", r.call("JSON.OBJKEYS", "k", "$.*"));
      assertEquals("*5|_|_|_|_|:1|", r.call("JSON.OBJLEN", "k", "$.*"));
      assertEquals("*1|:0|", r.call("JSON.TOGGLE", "k", "$.t"));
      assertEquals("$4|true|", r.call("JSON.TOGGLE", "k", ".t"));
      assertEquals("*5|:2|_|_|_|_|", r.call("JSON.NUMINCRBY", "k", "$.*", "1"));
      assertEquals("*1|,2.5|", r.call("JSON.NUMINCRBY", "k", "$.a", "0.5"));
      assertEquals("*1|,5|", r.call("JSON.NUMMULTBY", "k", "$.a", "2"));
      assertEquals("*1|,25|", r.call("JSON.NUMPOWBY", "k", "$.a", "2"));
      assertEquals("*1|:2|", r.call("JSON.STRAPPEND", "k", "$.s", "\"y\""));
      assertEquals("*1|:3|", r.call("JSON.ARRAPPEND", "k", "$.l", "3"));
      assertEquals("*1|:4|", r.call("JSON.ARRINSERT", "k", "$.l", "0", "0"));
      assertEquals("*1|:3|", r.call("JSON.ARRINDEX", "k", "$.l", "3"));
      assertEquals("*1|$1|3|", r.call("JSON.ARRPOP", "k", "$.l"));
      assertEquals("*1|:0|", r.call("JSON.ARRPOP", "k", "FORMAT", "EXPAND", "$.l", "0"));
      assertEquals("*1|:1|", r.call("JSON.ARRTRIM", "k", "$.l", "0", "0"));
      assertEquals("*1|*2|+[|:1|", r.call("JSON.RESP", "k", "$.l"));
      assertEquals("*1|:9|", r.call("JSON.DEBUG", "MEMORY", "k", "$.a"));
      assertEquals("%3|$14|defrag_started|:0|$12|defrag_ended|:0|$11|keys_defrag|:0|",
          r.call("JSON.DEBUG", "DEFRAG_INFO"));
      assertEquals(":1|", r.call("JSON.CLEAR", "k", "$.o"));
      assertEquals("+OK|", r.call("JSON.MERGE", "k", "$", "{\"o\":null}"));
      assertEquals("+OK|", r.call("JSON.MSET", "k", "$.n", "null", "k2", "$", "[]"));
      assertEquals(":1|", r.call("JSON.DEL", "k", "$.n"));
      assertEquals(":1|", r.call("JSON.FORGET", "k2"));
      assertEquals("$36|{\"a\":25.0,\"s\":\"xy\",\"l\":[1],\"t\":true}|", r.call("JSON.GET", "k"));
    }
  }

  @Test
  void sameRepliesInResp2(EmbeddedCairn cairn) throws IOException {
    try (Raw r = new Raw(cairn, 2)) {
      assertEquals("+OK|", r.call("JSON.SET", "k", "$", DOC));
      assertEquals("$-1|", r.call("JSON.SET", "k", "$", "1", "NX"));
      assertEquals("$-1|", r.call("JSON.GET", "missing"));
      assertEquals("*2|$3|[1]|$-1|", r.call("JSON.MGET", "k", "missing", "$.a"));
      assertEquals("*1|$7|integer|", r.call("JSON.TYPE", "k", "$.a"));
      assertEquals("$7|integer|", r.call("JSON.TYPE", "k", ".a"));
      assertEquals("*5|$-1|:1|$-1|$-1|$-1|", r.call("JSON.STRLEN", "k", "$.*"));
      assertEquals("$23|[2,null,null,null,null]|", r.call("JSON.NUMINCRBY", "k", "$.*", "1"));
      assertEquals("$5|[2.5]|", r.call("JSON.NUMINCRBY", "k", "$.a", "0.5"));
      assertEquals("*6|$14|defrag_started|:0|$12|defrag_ended|:0|$11|keys_defrag|:0|",
          r.call("JSON.DEBUG", "DEFRAG_INFO"));
      assertEquals("-ERR FORMAT argument is not supported on RESP2|", r.call("JSON.GET", "k", "FORMAT", "EXPAND"));
    }
  }
}
