package dev.cairn.server.it.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.server.it.ServerTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Module commands called from scripts and functions: they run like core commands, their flags are checked as Redis
 * checks them (write commands refused to read-only scripts, no-script commands refused), and a module command that
 * would block answers Redis's error instead of blocking.
 */
class ModuleScriptingIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--enable-module-command", "yes"};
  }

  @BeforeAll
  void load() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "test-module-jars")).toAbsolutePath();
    Path jar = TestJars.build(dir, "scriptmod.jar", "tm.TestModule", TestModules.GOOD);
    try (redis.clients.jedis.Jedis j = newJedis()) { // before the first test: no per-test connection yet
      j.sendCommand(() -> "MODULE".getBytes(StandardCharsets.US_ASCII), "LOAD", jar.toString());
    }
  }

  @AfterAll
  void unload() {
    try (redis.clients.jedis.Jedis j = newJedis()) {
      j.sendCommand(() -> "MODULE".getBytes(StandardCharsets.US_ASCII), "UNLOAD", "testmod");
    }
  }

  private String evalError(String script, String... keys) {
    return assertThrows(JedisDataException.class, () -> jedis.eval(script, keys.length, keys)).getMessage();
  }

  @Test
  @DisplayName("module commands run from redis.call in scripts and functions")
  void calls() {
    assertEquals("hi", jedis.eval("return redis.call('test.echo', 'hi')"));
    assertEquals("OK", jedis.eval("return redis.call('test.setbox', KEYS[1], 'boxed')", 1, "b"));
    assertEquals("boxed", jedis.eval("return redis.call('test.getbox', KEYS[1])", 1, "b"));
    assertEquals("boxed", jedis.evalReadonly("return redis.call('test.getbox', KEYS[1])", List.of("b"), List.of()));
    jedis.functionLoad("#!lua name=mod\nredis.register_function('box', function(keys, args) "
        + "redis.call('test.setbox', keys[1], args[1]); return redis.call('test.getbox', keys[1]) end)");
    assertEquals("again", jedis.fcall("box", List.of("b"), List.of("again")));
  }

  @Test
  @DisplayName("a write-flagged module command is refused to read-only scripts, a no-script one to every script")
  void flags() {
    assertEquals("ERR Write commands are not allowed from read-only scripts.",
        assertThrows(JedisDataException.class, () -> jedis.evalReadonly(
            "return redis.call('test.setbox', KEYS[1], 'x')", List.of("b"), List.of())).getMessage()
            .replaceAll(" script: .*", ""));
    assertEquals("ERR Write commands are not allowed from read-only scripts.",
        evalError("#!lua flags=no-writes\nreturn redis.call('test.setbox', KEYS[1], 'x')", "b")
            .replaceAll(" script: .*", ""));
    assertEquals("ERR This Redis command is not allowed from script",
        evalError("return redis.call('test.noscript')").replaceAll(" script: .*", ""));
    assertEquals("This Redis command is not allowed from script",
        jedis.eval("local r = redis.pcall('test.noscript'); return r.err").toString().replaceFirst("^ERR ", ""));
  }

  @Test
  @DisplayName("a blocking module command inside a script answers an error at once and leaves nobody blocked")
  void blockingCommandDoesNotBlock() {
    assertEquals("ERR Blocking module command called from Lua script",
        evalError("return redis.call('test.hold')").replaceAll(" script: .*", ""));
    assertEquals("ERR Blocking module command called from Lua script",
        jedis.eval("return redis.pcall('test.hold').err"));
    jedis.functionLoad("#!lua name=hold\nredis.register_function('hold', function() "
        + "return redis.pcall('test.hold').err end)");
    assertEquals("ERR Blocking module command called from Lua script", jedis.fcall("hold", List.of(), List.of()));
    assertEquals("0", jedis.info("clients").replaceAll("(?s).*blocked_clients:(\\d+).*", "$1"));
    assertEquals("PONG", jedis.ping());
  }
}
