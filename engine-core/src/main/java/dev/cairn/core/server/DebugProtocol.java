package dev.cairn.core.server;

import dev.cairn.api.reply.RedisException;
import dev.cairn.core.connection.Session;
import dev.cairn.core.resp.RespWriter;
import java.util.Locale;

/** DEBUG PROTOCOL type: one sample reply of each RESP type, as clients' test suites use to check their parsers. */
final class DebugProtocol {
  private DebugProtocol() {}

  static void reply(Session s, String type) {
    RespWriter w = s.writer;
    switch (type.toLowerCase(Locale.ROOT)) {
      case "string" -> w.bulk("Hello World");
      case "integer" -> w.integer(12345);
      case "double" -> w.doubleValue(3.141);
      case "bignum" -> w.bigNumber("1234567999999999999999999999999999999");
      case "null" -> w.nullBulk();
      case "array" -> {
        w.array(3);
        for (int j = 0; j < 3; j++) {
          w.integer(j);
        }
      }
      case "set" -> {
        w.set(3);
        for (int j = 0; j < 3; j++) {
          w.integer(j);
        }
      }
      case "map" -> {
        w.map(3);
        for (int j = 0; j < 3; j++) {
          w.integer(j);
          w.bool(j == 1);
        }
      }
      case "attrib" -> {
        if (s.protocol() >= 3) {
          w.attribute(1);
          w.bulk("key-popularity");
          w.array(2);
          w.bulk("key:123");
          w.integer(90);
        }
        // an attribute is not a reply: a real one follows
        w.bulk("Some real reply following the attribute");
      }
      case "push" -> {
        if (s.protocol() < 3) {
          throw RedisException.err("RESP2 is not supported by this command");
        }
        w.push(2);
        w.bulk("server-cpu-usage");
        w.integer(42);
        // a push is not the command's reply either
        w.bulk("Some real reply following the push reply");
      }
      case "true" -> w.bool(true);
      case "false" -> w.bool(false);
      case "verbatim" -> w.verbatim("txt", "This is a verbatim\nstring");
      default -> throw RedisException.err("Wrong protocol type name. Please use one of the following: "
          + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
    }
  }
}
