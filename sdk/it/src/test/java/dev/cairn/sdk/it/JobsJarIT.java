package dev.cairn.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.server.embedded.EmbeddedCairn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The jobs example as users get it: cairn-jobs.jar loaded with MODULE LOAD into an embedded server (its classes are
 * not on this test's class path), used, and unloaded: its timers, filter and worker threads stop, its ACL category
 * stays (as Redis keeps a module's categories), and it loads again.
 */
class JobsJarIT {
  private static Object cmd(Jedis j, String... args) {
    Object o = j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length));
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o;
  }

  @Test
  void loadUseUnloadReload() throws Exception {
    Path jar = Path.of(System.getProperty("cairn.jobsJar", "../examples/jobs/target/cairn-jobs.jar"))
        .toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "the reactor builds " + jar + " before this module");
    try (EmbeddedCairn cairn = EmbeddedCairn.builder().port(0).config("enable-module-command", "yes")
        .config("loglevel", "warning").start();
        Jedis jedis = new Jedis(cairn.host(), cairn.port(), 10_000);
        Jedis taker = new Jedis(cairn.host(), cairn.port(), 10_000)) {
      assertEquals("OK", cmd(jedis, "MODULE", "LOAD", jar.toString()));
      CompletableFuture<Object> taken = CompletableFuture.supplyAsync(() -> cmd(taker, "JOB.TAKE", "q", "0"));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!jedis.info("clients").contains("blocked_clients:1")) {
        assertTrue(System.nanoTime() < end);
        Thread.sleep(10);
      }
      assertEquals(1L, cmd(jedis, "QUEUE.ADD", "q", "first")); // the command filter
      assertEquals("first", taken.get(10, TimeUnit.SECONDS));
      jedis.set("doc", "hello");
      assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
          cmd(jedis, "JOB.CHECKSUM", "doc", "sum"));
      cmd(jedis, "JOB.EVERY", "ticks", "20", "t");
      while ((Long) cmd(jedis, "JOB.LEN", "ticks") < 2) {
        Thread.sleep(10);
      }
      assertEquals("ERR Error unloading module: the module exports one or more module-side data types, can't unload",
          assertThrows(JedisDataException.class, () -> cmd(jedis, "MODULE", "UNLOAD", "jobs")).getMessage());
      jedis.del("ticks");
      assertEquals("OK", cmd(jedis, "MODULE", "UNLOAD", "jobs"));
      Thread.sleep(100);
      assertTrue(!jedis.exists("ticks"), "the repeating timer stopped with its module");
      assertTrue(assertThrows(JedisDataException.class, () -> cmd(jedis, "QUEUE.ADD", "q", "x")).getMessage()
          .startsWith("ERR unknown command 'QUEUE.ADD'"), "the filter went with its module");
      assertEquals(List.of(), cmd(jedis, "ACL", "CAT", "jobs"));
      assertEquals("OK", cmd(jedis, "MODULE", "LOAD", jar.toString()));
      assertEquals(1L, cmd(jedis, "JOB.PUSH", "q", "again"));
      assertTrue(((List<?>) cmd(jedis, "ACL", "CAT", "jobs")).size() >= 9);
    }
  }
}
