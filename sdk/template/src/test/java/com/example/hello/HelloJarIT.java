package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.WithCairn;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * The packaged jar (run by failsafe after `package`), loaded the way MODULE LOAD loads it: in its own class loader that
 * sees the JDK and dev.cairn.api only. A library left out of the jar, or not relocated, fails here, not in production.
 * `${cairn.moduleJar}` is target/&lt;artifactId&gt;.jar (pom.xml, failsafe's systemPropertyVariables).
 */
@ExtendWith(CairnExtension.class)
@WithCairn(jars = "${cairn.moduleJar}")
class HelloJarIT {
  private static Object cmd(Jedis j, String... args) {
    return j.sendCommand(() -> args[0].getBytes(), java.util.Arrays.copyOfRange(args, 1, args.length));
  }

  @Test
  void theJarLoadsAndItsBundledLibraryWorks(Jedis jedis) {
    assertEquals(1L, cmd(jedis, "HELLO.BUMP", "c"));
    assertEquals(List.of(1L, 1L), cmd(jedis, "HELLO.GET", "c"));
    // HELLO.JSON runs the shaded library inside the module's class loader
    assertEquals("{\"total\":1,\"bumps\":1}", new String((byte[]) cmd(jedis, "HELLO.JSON", "c")));
    assertEquals("hello", jedis.moduleList().get(0).getName());
  }
}
