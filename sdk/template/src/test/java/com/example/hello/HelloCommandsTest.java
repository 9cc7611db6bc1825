package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** The commands through a real client, against an embedded Cairn with the module loaded. */
@ExtendWith(CairnExtension.class)
@WithCairn(modules = HelloModule.class, config = {"hello.step", "2"})
class HelloCommandsTest {
  private static Object cmd(Jedis j, String... args) {
    return j.sendCommand(() -> args[0].getBytes(), java.util.Arrays.copyOfRange(args, 1, args.length));
  }

  @Test
  void bumpAndGet(Jedis jedis) {
    assertEquals(2L, cmd(jedis, "HELLO.BUMP", "c"));
    assertEquals(12L, cmd(jedis, "HELLO.BUMP", "c", "10"));
    assertEquals(List.of(12L, 2L), cmd(jedis, "HELLO.GET", "c"));
    assertEquals("HelloCntr", jedis.type("c"));
  }

  @Test
  void wrongTypeAndArity(Jedis jedis) {
    jedis.set("s", "v");
    assertTrue(assertThrows(JedisDataException.class, () -> cmd(jedis, "HELLO.BUMP", "s")).getMessage()
        .startsWith("WRONGTYPE"));
    assertEquals("ERR wrong number of arguments for 'hello.get' command",
        assertThrows(JedisDataException.class, () -> cmd(jedis, "HELLO.GET")).getMessage());
  }

  @Test
  void dumpAndRestore(Jedis jedis) {
    cmd(jedis, "HELLO.BUMP", "c", "5");
    assertEquals("OK", jedis.restore("c2", 0, jedis.dump("c")));
    assertEquals(List.of(5L, 1L), cmd(jedis, "HELLO.GET", "c2"));
  }
}
