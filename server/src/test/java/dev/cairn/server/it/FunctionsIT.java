package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.LibraryInfo;

/** FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS and FCALL through a real client. */
class FunctionsIT extends ServerTestBase {
  static final String LIB = "#!lua name=test\n"
      + "redis.register_function('test', function(KEYS, ARGV) return redis.call('ping') end)\n"
      + "redis.register_function{function_name='ro', callback=function(KEYS, ARGV) return ARGV[1] end,"
      + " flags={'no-writes'}, description='echo'}";

  @org.junit.jupiter.api.BeforeEach
  void flushFunctions() {
    jedis.functionFlush();
  }

  private String error(Runnable r) {
    return assertThrows(JedisDataException.class, r::run).getMessage();
  }

  @Test
  @DisplayName("FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION LIST")
  void loadAndCall() {
    assertEquals("test", jedis.functionLoad(LIB));
    assertEquals("PONG", jedis.fcall("test", List.of(), List.of()));
    assertEquals("hi", jedis.fcallReadonly("ro", List.of(), List.of("hi")));
    assertTrue(error(() -> jedis.fcallReadonly("test", List.of(), List.of()))
        .contains("Can not execute a script with write flag using *_ro command."));
    assertTrue(error(() -> jedis.functionLoad(LIB)).contains("Library 'test' already exists"));
    assertEquals("test", jedis.functionLoadReplace(LIB));
    List<LibraryInfo> libs = jedis.functionList();
    assertEquals(1, libs.size());
    assertEquals("test", libs.get(0).getLibraryName());
    assertEquals(2, libs.get(0).getFunctions().size());
    assertEquals(LIB, jedis.functionListWithCode().get(0).getLibraryCode());
    assertTrue(error(() -> jedis.fcall("nosuch", List.of(), List.of())).contains("Function not found"));
  }

  @Test
  @DisplayName("Library errors: metadata, names, registration, load-time API")
  void loadErrors() {
    assertTrue(error(() -> jedis.functionLoad("#!bad_engine name=x\nreturn 1")).contains("Engine 'bad_engine' not found"));
    assertTrue(error(() -> jedis.functionLoad("#!lua name=x\nreturn 1")).contains("No functions registered"));
    assertTrue(error(() -> jedis.functionLoad("#!lua name=x-y\nreturn 1")).contains("Library names can only"));
    assertTrue(error(() -> jedis.functionLoad("#!lua name=x\nreturn math.random()"))
        .contains("attempted to access nonexistent global variable 'math'"));
    assertTrue(error(() -> jedis.functionLoad("#!lua name=x\nreturn redis.call('ping')"))
        .contains("attempted to access nonexistent global variable 'call'"));
    assertTrue(error(() -> jedis.functionLoad("#!lua name=x\nlocal a = 1 while 1 do a = a + 1 end"))
        .contains("FUNCTION LOAD timeout"));
    assertTrue(error(() -> jedis.functionLoad("#!lua name=x\na = 1")).contains("Attempt to modify a readonly table"));
  }

  @Test
  @DisplayName("FUNCTION DUMP and RESTORE round trip in Redis's payload format")
  void dumpRestore() {
    jedis.functionLoad(LIB);
    byte[] dump = jedis.functionDump();
    assertEquals(245, dump[0] & 0xff);
    assertEquals("OK", jedis.functionFlush());
    assertEquals(List.of(), jedis.functionList());
    assertEquals("OK", jedis.functionRestore(dump));
    assertEquals("PONG", jedis.fcall("test", List.of(), List.of()));
    assertTrue(error(() -> jedis.functionRestore(dump)).contains("already exists"));
    byte[] bad = dump.clone();
    bad[bad.length - 1] ^= 1;
    assertTrue(error(() -> jedis.functionRestore(bad)).contains("payload version or checksum are wrong"));
  }

  @Test
  @DisplayName("FUNCTION STATS and DELETE")
  void statsAndDelete() {
    jedis.functionLoad(LIB);
    assertEquals(2L, ((java.util.Map<?, ?>) jedis.functionStats().getEngines().get("LUA")).get("functions_count"));
    assertEquals("OK", jedis.functionDelete("test"));
    assertTrue(error(() -> jedis.functionDelete("test")).contains("Library not found"));
  }
}
