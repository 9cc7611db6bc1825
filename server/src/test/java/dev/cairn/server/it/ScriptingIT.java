package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** EVAL, EVALSHA, SCRIPT, the redis API, the sandbox and Lua<->RESP conversion through a real client. */
class ScriptingIT extends ServerTestBase {
  /** EVAL with every given argument as a key. */
  private Object eval(String script, String... keys) {
    return jedis.eval(script, keys.length, keys);
  }

  private String error(Runnable r) {
    return assertThrows(JedisDataException.class, r::run).getMessage();
  }

  @Test
  @DisplayName("Lua -> Redis conversions: numbers truncate, false is nil, tables stop at the first nil")
  void luaToRedis() {
    assertEquals("hello", eval("return 'hello'"));
    assertEquals(100L, eval("return 100.5"));
    assertEquals(1L, eval("return true"));
    assertEquals(null, eval("return false"));
    assertEquals("fine", eval("return {ok='fine'}"));
    assertEquals(List.of(1L, 2L, 3L, "ciao", List.of(1L, 2L)), eval("return {1,2,3,'ciao',{1,2}}"));
    assertEquals(List.of(1L, 2L), eval("return {1,2,nil,4}"));
    assertEquals("ERR this is an error", error(() -> eval("return {err='ERR this is an error'}")));
    assertEquals("MY_ERR_CODE custom msg", error(() -> eval("return redis.error_reply('MY_ERR_CODE custom msg')")));
  }

  @Test
  @DisplayName("Redis -> Lua conversions")
  void redisToLua() {
    jedis.set("x", "0");
    assertEquals(List.of("number", 1L), eval("local v = redis.pcall('incr', KEYS[1]) return {type(v), v}", "x"));
    assertEquals(List.of("boolean", 1L), eval("local v = redis.pcall('get', 'nokey') return {type(v), v == false}"));
    assertEquals(List.of("table", "OK"), eval("local v = redis.call('set', 'k', 'v') return {type(v), v['ok']}"));
    jedis.set("s", "str");
    assertEquals(List.of("table", "ERR value is not an integer or out of range"),
        eval("local v = redis.pcall('incr', 's') return {type(v), v['err']}"));
    jedis.hset("h", "f", "v");
    assertEquals(List.of("f", "v"), eval("redis.setresp(3) local m = redis.call('hgetall', 'h').map "
        + "local out = {} for k, v in pairs(m) do out[#out+1] = k out[#out+1] = v end return out"));
  }

  @Test
  @DisplayName("EVALSHA and the script cache")
  void evalshaAndCache() {
    jedis.set("mykey", "myval");
    assertEquals("myval", eval("return redis.call('get',KEYS[1])", "mykey"));
    assertEquals("myval", jedis.evalsha("fd758d1589d044dd850a6f05d52f2eefd27f033f", 1, "mykey"));
    assertEquals("myval", jedis.evalsha("FD758D1589D044DD850A6F05D52F2EEFD27F033F", 1, "mykey"));
    assertTrue(error(() -> jedis.evalsha("ffd632c7d33e571e9f24556ebed26c3479a87130", 0)).startsWith("NOSCRIPT"));
    assertEquals("b534286061d4b9e4026607613b95c06c06015ae8", jedis.scriptLoad("return 'loaded'"));
    assertEquals(List.of(true, false), jedis.scriptExists("b534286061d4b9e4026607613b95c06c06015ae8",
        "b534286061d4b9e4026607613b95c06c06015ae9"));
    assertEquals("OK", jedis.scriptFlush());
    assertEquals(false, jedis.scriptExists("b534286061d4b9e4026607613b95c06c06015ae8"));
    assertEquals("ERR Number of keys can't be negative",
        error(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.EVAL, "return 1", "-1")));
    assertEquals("ERR Number of keys can't be greater than number of args",
        error(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.EVAL, "return 1", "2", "a")));
  }

  @Test
  @DisplayName("Globals protection and the sandbox")
  void sandbox() {
    assertTrue(error(() -> eval("return a")).contains("Script attempted to access nonexistent global variable 'a'"));
    assertTrue(error(() -> eval("a = 10")).contains("Attempt to modify a readonly table"));
    assertTrue(error(() -> eval("setmetatable(_G, {})")).contains("Attempt to modify a readonly table"));
    assertTrue(error(() -> eval("local g = getmetatable(_G) g.__index = {}"))
        .contains("Attempt to modify a readonly table"));
    assertTrue(error(() -> eval("redis.call = function() return 1 end")).contains("Attempt to modify a readonly"));
    assertTrue(error(() -> eval("cjson.encode = function() return 1 end")).contains("Attempt to modify a readonly"));
    for (String g : new String[] {"loadfile", "dofile", "print", "os", "io", "require"}) {
      assertTrue(error(() -> eval("return " + g + "('x')"))
          .contains("Script attempted to access nonexistent global variable '" + g + "'"), g);
    }
    assertTrue(error(() -> eval("return loadstring(string.dump(function() return 1 end))()"))
        .contains("attempt to call a nil value"));
    assertEquals("status: false result: user_script:1: Script attempted to access nonexistent global variable 'foo'",
        eval("local ok, res = pcall(function() return foo end) return 'status: ' .. tostring(ok) .. ' result: ' "
            + ".. res"));
  }

  @Test
  @DisplayName("Lua 5.1 base library: unpack, tostring of numbers, string.format")
  void lua51() {
    assertEquals(3L, eval("return select('#', unpack({1,2,3}))"));
    assertEquals("3.1415926535898", eval("return tostring(math.pi)"));
    assertEquals("1e+15", eval("return tostring(1e15)"));
    assertEquals(" 3.14|1e+20|0007|ff", eval("return string.format('%5.2f|%g|%04d|%x', 3.14159, 1e20, 7, 255)"));
    assertEquals("0 -5000 -1 0.0003 1023.2 0",
        eval("return table.concat(cjson.decode('[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]'), ' ')"));
    assertEquals("Lua 5.1", eval("return _VERSION"));
  }

  @Test
  @DisplayName("cjson")
  void cjson() {
    assertEquals("{\"a\":[1,2,\"x\\/y\"]}", eval("return cjson.encode({a={1,2,'x/y'}})"));
    assertEquals(List.of("a", "b"), eval("local d = cjson.decode('{\"keya\": \"a\", \"keyb\": \"b\"}') "
        + "return {d.keya, d.keyb}"));
    assertEquals("{}", eval("return cjson.encode({})"));
    assertTrue(error(() -> eval("return cjson.encode({[1]=1, [100]=2})")).contains("excessively sparse array"));
    assertEquals(1L, eval("return cjson.decode('[null]')[1] == cjson.null and 1 or 0"));
  }

  @Test
  @DisplayName("cmsgpack")
  void cmsgpack() {
    String hex = "local h = '' for i = 1, #s do h = h .. string.format('%02x', string.byte(s, i)) end return h";
    assertEquals("cb3fb999999999999a", eval("local s = cmsgpack.pack(0.1) " + hex));
    assertEquals("d3ffffff0000000000", eval("local s = cmsgpack.pack(-1099511627776) " + hex));
    assertEquals(List.of(1L, 2L, "x", 250L), eval("local t = cmsgpack.unpack(cmsgpack.pack({1, 2, 'x', 250})) "
        + "return t"));
    assertEquals(List.of(-1L, "abc"), eval("local off, v = cmsgpack.unpack_one(cmsgpack.pack('abc'), 0) "
        + "return {off, v}"));
  }

  @Test
  @DisplayName("bit")
  void bit() {
    assertEquals(List.of(1L, 3L, 255L, -1L, "000000ff", 8L), eval("return {bit.tobit(1), bit.bxor(1,2), "
        + "bit.bor(1,2,4,8,16,32,64,128), bit.tobit(0xffffffff), bit.tohex(255), bit.lshift(1, 3)}"));
  }

  @Test
  @DisplayName("struct")
  void struct() {
    assertEquals(List.of(1L, 2L, "ab", 9L), eval("local s = struct.pack('>hIc2', 1, 2, 'ab') "
        + "local a, b, c, n = struct.unpack('>hIc2', s) return {a, b, c, n}"));
    assertEquals(14L, eval("return struct.size('<ihd')"));
  }

  @Test
  @DisplayName("redis.call errors, read-only scripts, shebang flags")
  void callErrors() {
    assertTrue(error(() -> eval("return redis.call('nosuchcommand')")).contains("Unknown Redis command"));
    assertTrue(error(() -> eval("return redis.call('get','a','b','c')"))
        .contains("Wrong number of args calling Redis command from script"));
    assertTrue(error(() -> eval("return redis.call()")).contains("one argument"));
    jedis.set("foo", "bar");
    assertTrue(error(() -> eval("return redis.call('lpush', KEYS[1], 'x')", "foo")).startsWith("WRONGTYPE"));
    assertTrue(error(() -> jedis.evalReadonly("return redis.call('del', KEYS[1])", List.of("foo"), List.of()))
        .startsWith("ERR Write commands are not allowed from read-only scripts"));
    assertTrue(error(() -> eval("#!lua flags=no-writes\nreturn redis.call('set', 'x', 1)"))
        .contains("Write commands are not allowed from read-only scripts"));
    assertTrue(error(() -> eval("#!not-lua\nreturn 1")).contains("Unexpected engine in script shebang"));
    assertTrue(error(() -> eval("#!lua flags=allow-oom,what?\nreturn 1")).contains("Unexpected flag in script shebang"));
    assertEquals(1L, eval("#!lua\nreturn 1"));
    assertTrue(error(() -> eval("redis.call('client', 'list')")).contains("not allowed from script"));
    assertEquals(null, eval("return redis.pcall('blpop', 'nolist', 0)"));
  }

  @Test
  @DisplayName("a write pause holds scripts that may write, not those declared no-writes (Redis decides by their flags)")
  void writePauseAndScriptFlags() throws Exception {
    jedis.set("x", "y");
    jedis.functionLoad("#!lua name=pausef\nredis.register_function{function_name='ro', "
        + "callback=function() return 'hello' end, flags={'no-writes'}}\n"
        + "redis.register_function('rw', function() return 'rw' end)");
    jedis.clientPause(60_000, redis.clients.jedis.args.ClientPauseMode.WRITE);
    try (Jedis rr = newJedis()) {
      assertEquals("unique", rr.eval("#!lua flags=no-writes\nreturn 'unique'", 0));
      assertEquals("unique", rr.eval("#!lua flags=no-writes\nreturn 'unique'", 0)); // now cached
      assertEquals("y x", rr.evalReadonly("return redis.call('get', KEYS[1])..' x'", List.of("x"), List.of()));
      String sha = rr.scriptLoad("#!lua flags=no-writes\nreturn 2");
      assertEquals(2L, rr.evalsha(sha, 0));
      assertEquals("hello", rr.fcall("ro", List.of(), List.of()));
      // a script without flags, or one that may write, waits for the pause to end
      var held = java.util.concurrent.CompletableFuture.supplyAsync(() -> rr.fcall("rw", List.of(), List.of()));
      Thread.sleep(300);
      assertTrue(!held.isDone(), "FCALL of a function without no-writes ran during a write pause");
      jedis.clientUnpause();
      assertEquals("rw", held.get(10, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      jedis.clientUnpause();
      jedis.functionFlush();
    }
  }

  @Test
  @DisplayName("SELECT inside a script does not affect the caller")
  void selectInScript() {
    jedis.set("mykey", "original value");
    jedis.eval("return redis.pcall('select','9')", 0);
    assertEquals("original value", jedis.get("mykey"));
  }

  @Test
  @DisplayName("Timedout read-only scripts can be killed by SCRIPT KILL, and others get BUSY meanwhile")
  void busyAndKill() throws Exception {
    jedis.configSet("lua-time-limit", "10");
    try (Jedis other = newJedis()) {
      Thread t = new Thread(() -> {
        try {
          other.eval("local i = 0 while true do i = i + 1 end", 0);
        } catch (JedisDataException e) {
          other.set("killed-with", e.getMessage());
        }
      });
      t.start();
      long deadline = System.currentTimeMillis() + 5000;
      String busy = null;
      while (busy == null && System.currentTimeMillis() < deadline) {
        try {
          jedis.ping();
          Thread.sleep(20);
        } catch (JedisDataException e) {
          busy = e.getMessage();
        }
      }
      assertTrue(busy != null && busy.startsWith("BUSY"), String.valueOf(busy));
      assertEquals("OK", jedis.scriptKill());
      t.join(5000);
      assertEquals("PONG", jedis.ping());
      assertTrue(jedis.get("killed-with").contains("Script killed by user with SCRIPT KILL"));
    }
  }

  @Test
  @DisplayName("Timedout scripts that modified data can't be killed by SCRIPT KILL; SHUTDOWN NOSAVE ends them")
  void unkillable() throws Exception {
    // a server of its own: only SHUTDOWN NOSAVE can end a script that wrote and never returns, as in Redis
    dev.cairn.core.config.Config config = new dev.cairn.core.config.Config();
    dev.cairn.core.config.ServerParams params = new dev.cairn.core.config.ServerParams(config);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cairn-unkillable");
    dev.cairn.core.config.ConfigFile.load(config, new String[] {"--port", "0", "--bind", "127.0.0.1",
        "--enable-debug-command", "yes", "--save", "",
        "--dir", dir.toString(), "--lua-time-limit", "10"});
    dev.cairn.server.CairnServer own = dev.cairn.server.CairnServer.start(config, params);
    try (Jedis admin = new Jedis("127.0.0.1", own.port(), 10_000);
        Jedis runner = new Jedis("127.0.0.1", own.port(), 60_000)) {
      admin.ping();
      runner.ping();
      java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          runner.eval("redis.call('set', 'x', 'y') while true do end", 0);
        } catch (Throwable e) {
          ended.set(e); // the connection closes under it at shutdown
        }
      });
      t.start();
      long deadline = System.currentTimeMillis() + 20_000;
      String busy = null;
      while (busy == null && System.currentTimeMillis() < deadline) {
        try {
          admin.ping();
          Thread.sleep(10);
        } catch (JedisDataException e) {
          busy = e.getMessage();
        }
      }
      assertTrue(busy != null && busy.startsWith("BUSY"), "no BUSY reply while the script ran: " + busy);
      String killed = error(admin::scriptKill);
      assertTrue(killed.startsWith("UNKILLABLE"), killed);
      assertTrue(t.isAlive(), "the script still runs");
      assertThrows(redis.clients.jedis.exceptions.JedisConnectionException.class,
          () -> admin.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN, "NOSAVE"));
      t.join(20_000);
      assertTrue(!t.isAlive() && ended.get() != null, "SHUTDOWN NOSAVE ended the script's connection");
    } finally {
      own.close();
    }
  }


  @Test
  @DisplayName("Script block the time during execution")
  void timeFrozen() {
    jedis.sendCommand(() -> "DEBUG".getBytes(), "set-disable-deny-scripts", "1");
    assertEquals(1L, eval("redis.call('SET', 'key', 'value', 'PX', '1') redis.call('DEBUG', 'SLEEP', 0.01) "
        + "return redis.call('EXISTS', 'key')"));
    jedis.sendCommand(() -> "DEBUG".getBytes(), "set-disable-deny-scripts", "0");
  }

  @Test
  @DisplayName("On a replica: a queued script that declares writes aborts EXEC; one without flags is refused while stale")
  void scriptsOnAReplica() throws Exception {
    try (RawClient rr = new RawClient("127.0.0.1", port()); RawClient rr2 = new RawClient("127.0.0.1", port())) {
      assertEquals("+OK\r\n", rr.command("MULTI").readReply());
      assertEquals("+QUEUED\r\n", rr.command("EVAL", "#!lua\nreturn 1", "0").readReply());
      assertEquals("+OK\r\n", rr2.command("MULTI").readReply());
      assertEquals("+QUEUED\r\n", rr2.command("EVAL", "redis.call('set','x',1)\nreturn 1", "1", "x").readReply());
      jedis.replicaof("127.0.0.1", 1); // a master that is not there: the link stays down
      try {
        // the script's declared flags count as the command's (it writes), as Redis's scriptFlagsToCmdFlags
        String aborted = rr.command("EXEC").readReply();
        assertTrue(aborted.startsWith("-EXECABORT Transaction discarded because of: READONLY"), aborted);
        String r = rr2.command("EXEC").readReply(); // no flags: EVAL's own (may-replicate), it runs, its write fails
        assertTrue(r.startsWith("*1\r\n-READONLY You can't write against a read only replica."), r);
        // the _RO forms too: a script that declares flags without no-writes is a write, refused before it runs
        String ro = rr.command("EVAL_RO", "#!lua\nreturn 1", "0").readReply();
        assertTrue(ro.startsWith("-READONLY You can't write against a read only replica."), ro);
        assertEquals(":1\r\n", rr.command("EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0").readReply());
        jedis.configSet("replica-serve-stale-data", "no");
        assertEquals("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            error(() -> eval("return redis.call('get','x')", "x")));
        assertEquals("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            error(() -> jedis.eval("#!lua flags=no-writes\nreturn 1", 0)));
        assertEquals(1L, jedis.eval("#!lua flags=allow-stale,no-writes\nreturn 1", 0));
      } finally {
        jedis.configSet("replica-serve-stale-data", "yes");
        jedis.replicaofNoOne();
      }
    }
  }
}
