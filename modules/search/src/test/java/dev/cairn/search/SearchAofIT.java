package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.embedded.EmbeddedCairn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * Index definitions through an AOF rewrite without an RDB preamble: the rewrite writes them as commands before the keys
 * ({@code SearchAux.aofRewrite}), so a restart from that AOF has the indexes, their synonyms, aliases and dictionaries,
 * and indexes the keys as they load.
 */
class SearchAofIT {
  private static Object cmd(UnifiedJedis j, String... args) {
    return stringify(j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        Arrays.copyOfRange(args, 1, args.length)));
  }

  private static Object stringify(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(stringify(x)));
      return out;
    }
    return o;
  }

  private static EmbeddedCairn start(Path dir) {
    return EmbeddedCairn.builder().port(0).dataDir(dir).config("appendonly", "yes")
        .config("aof-use-rdb-preamble", "no").config("save", "")
        .module(Path.of("target/cairn-search.jar").toAbsolutePath()).start();
  }

  private static UnifiedJedis client(EmbeddedCairn c) {
    return new UnifiedJedis(new HostAndPort(c.host(), c.port()),
        DefaultJedisClientConfig.builder().timeoutMillis(10_000).build());
  }

  @Test
  void definitionsSurviveARewriteWithoutPreamble() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "aof-it");
    try (EmbeddedCairn c = start(dir); UnifiedJedis j = client(c)) {
      cmd(j, "FT.CREATE", "books", "PREFIX", "1", "book:", "SCHEMA", "title", "TEXT", "tags", "TAG");
      cmd(j, "FT.ALTER", "books", "SCHEMA", "ADD", "year", "NUMERIC");
      cmd(j, "FT.SYNUPDATE", "books", "g1", "undead", "zombies");
      cmd(j, "FT.ALIASADD", "lib", "books");
      cmd(j, "FT.DICTADD", "dict", "alpha", "beta");
      cmd(j, "HSET", "book:1", "title", "Zombies at dawn", "tags", "horror", "year", "1999");
      cmd(j, "HSET", "book:2", "title", "Quiet fields", "tags", "poetry", "year", "2005");
      assertEquals("Background append only file rewriting started", cmd(j, "BGREWRITEAOF"));
      long deadline = System.currentTimeMillis() + 20_000;
      while (((String) cmd(j, "INFO", "persistence")).contains("aof_rewrite_in_progress:1")
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      cmd(j, "HSET", "book:3", "title", "Undead again", "year", "2020"); // after the rewrite: in the incremental file
    }
    Path base;
    try (Stream<Path> files = Files.walk(dir)) {
      base = files.filter(p -> p.getFileName().toString().contains(".base.aof")).findFirst().orElseThrow();
    }
    String text = Files.readString(base, StandardCharsets.ISO_8859_1);
    assertTrue(text.indexOf("FT._CREATEIFNX") >= 0 && text.indexOf("FT._CREATEIFNX") < text.indexOf("book:1"),
        "the definitions come before the keys: " + text);
    try (EmbeddedCairn c = start(dir); UnifiedJedis j = client(c)) {
      assertEquals(List.of("books"), cmd(j, "FT._LIST"));
      assertEquals(List.of(2L, "book:3", "book:1"),
          cmd(j, "FT.SEARCH", "lib", "undead", "NOCONTENT", "SORTBY", "year", "DESC"), "alias, synonyms, ALTER's field");
      assertEquals(List.of(1L, "book:2"), cmd(j, "FT.SEARCH", "books", "@tags:{poetry}", "NOCONTENT"));
      assertEquals(List.of("alpha", "beta"), cmd(j, "FT.DICTDUMP", "dict"));
    }
  }
}
