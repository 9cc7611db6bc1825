package dev.cairn.server.it.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.Module;
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;
import dev.cairn.api.ModuleTimer;
import dev.cairn.api.command.CommandFilter;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.core.Engine;
import dev.cairn.server.it.RawClient;
import dev.cairn.server.it.ServerTestBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Module API 1.1: timers, command filters (Redis's commandfilter tests, as behaviour), module ACL categories (Redis
 * 7.4's aclcheck tests), and a handler that fails after starting its reply (raw RESP: the client stays in step).
 */
class ModuleApiExtrasIT extends ServerTestBase {
  @Override
  protected String[] serverArgs() {
    return new String[] {"--enable-module-command", "yes"};
  }

  @AfterEach
  void unloadAll() throws Exception {
    for (String m : List.of("filt", "acl", "acl2", "timers", "throws")) {
      if (onEngine(() -> engine().modules().get(m)) != null) {
        cmd("MODULE", "UNLOAD", m);
      }
    }
  }

  private Engine engine() {
    return server.engine();
  }

  private void load(Module m, String... args) throws Exception {
    onEngine(() -> engine().modules().loadInstance(m, List.of(args), Map.of()));
  }

  private Object cmd(String... args) {
    return cmd(jedis, args);
  }

  private static Object cmd(Jedis j, String... args) {
    Object o = j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOfRange(args, 1, args.length));
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o;
  }

  private String error(String... args) {
    return assertThrows(JedisDataException.class, () -> cmd(args)).getMessage();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  // ---- command filters

  /** Redis's commandfilter test module, in Java: @delme, @replaceme, @insertbefore/@insertafter, @log. */
  public static final class FilterModule implements Module {
    static volatile CommandFilter.Handle handle;
    static volatile long unfilteredClient = -1;
    static final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public ModuleInfo info() {
      return new ModuleInfo("filt", 1);
    }

    @Override
    public void onLoad(ModuleContext ctx) {
      boolean noSelf = ctx.args().contains("noself");
      handle = ctx.registerCommandFilter(FilterModule::filter, noSelf);
      // a second filter, after the first: swaps BLMOVE's directions (Redis's test that a blocked command re-run is
      // not filtered again)
      ctx.registerCommandFilter(f -> {
        if (f.size() == 6 && s(f.get(0)).equalsIgnoreCase("blmove")) {
          byte[] d = f.get(3);
          f.set(3, f.get(4));
          f.set(4, d);
        }
      }, false);
      ctx.registerCommands(r -> {
        r.add(CommandSpec.command("filt.ping", 1).flags(Flag.DENYOOM).summary("PING @log through a call.").build(),
            (c, a) -> replyWith(c, ctx.server().access().call(c.db().id(), b("ping"), b("@log"))));
        r.add(CommandSpec.command("filt.log", -2).flags(Flag.WRITE, Flag.DENYOOM).summary("Logs and runs.").build(),
            (c, a) -> {
              List<String> words = new ArrayList<>();
              for (int i = 1; i < a.size(); i++) {
                words.add(a.string(i).toLowerCase(java.util.Locale.ROOT));
              }
              seen.add(String.join(" ", words));
              byte[][] rest = new byte[a.size() - 1][];
              for (int i = 1; i < a.size(); i++) {
                rest[i - 1] = a.get(i);
              }
              inLog = true; // its own call is not filtered (Redis's in_log_command)
              try {
                replyWith(c, ctx.server().access().call(c.db().id(), rest));
              } finally {
                inLog = false;
              }
            });
        r.add(CommandSpec.command("filt.unregister", 1).summary("Unregisters the filter.").build(),
            (c, a) -> c.reply().integer(handle.unregister() ? 1 : 0));
        r.add(CommandSpec.command("filt.unfilter", 2).summary("Client id the filter skips.").build(), (c, a) -> {
          unfilteredClient = a.longArg(1);
          c.reply().ok();
        });
      });
    }

    static boolean inLog;

    static void replyWith(dev.cairn.api.command.CommandContext c, Object r) {
      if (r instanceof Long l) {
        c.reply().integer(l);
      } else if (r instanceof byte[] bb) {
        c.reply().bulk(bb);
      } else {
        c.reply().simple(String.valueOf(r));
      }
    }

    static void filter(CommandFilter.FilterArgs f) {
      if (f.clientId() == unfilteredClient || inLog) {
        return;
      }
      boolean log = false;
      int pos = 0;
      while (pos < f.size()) {
        String arg = s(f.get(pos));
        switch (arg) {
          case "@delme" -> {
            f.delete(pos);
            continue;
          }
          case "@replaceme" -> f.set(pos, b("--replaced--"));
          case "@insertbefore" -> {
            f.insert(pos, b("--inserted-before--"));
            pos++;
          }
          case "@insertafter" -> {
            f.insert(pos + 1, b("--inserted-after--"));
            pos++;
          }
          case "@log" -> log = true;
          default -> { }
        }
        pos++;
      }
      if (log) {
        f.insert(0, b("filt.log"));
      }
    }
  }

  @Test
  @DisplayName("a filter deletes, replaces and inserts arguments of client commands")
  void filterRewritesArguments() throws Exception {
    load(new FilterModule());
    cmd("RPUSH", "mylist", "elem1", "@delme", "elem2");
    assertEquals(List.of("elem1", "elem2"), jedis.lrange("mylist", 0, -1));
    jedis.del("mylist");
    cmd("RPUSH", "mylist", "elem1", "@insertbefore", "elem2", "@insertafter", "elem3");
    assertEquals(List.of("elem1", "--inserted-before--", "@insertbefore", "elem2", "@insertafter",
        "--inserted-after--", "elem3"), jedis.lrange("mylist", 0, -1));
    jedis.del("mylist");
    cmd("RPUSH", "mylist", "elem1", "@replaceme", "elem2");
    assertEquals(List.of("elem1", "--replaced--", "elem2"), jedis.lrange("mylist", 0, -1));
  }

  @Test
  @DisplayName("a filter sees commands of clients, MULTI, scripts and module calls; it can redirect a command")
  void filterAppliesEverywhere() throws Exception {
    FilterModule.seen.clear();
    load(new FilterModule());
    assertEquals("OK", cmd("SET", "mykey", "@log"));
    assertEquals(List.of("set mykey @log"), FilterModule.seen);
    FilterModule.seen.clear();
    assertEquals("@log", cmd("FILT.PING"));
    assertEquals(List.of("ping @log"), FilterModule.seen);
    FilterModule.seen.clear();
    jedis.eval("redis.call('ping', '@log')");
    assertEquals(List.of("ping @log"), FilterModule.seen);
    FilterModule.seen.clear();
    jedis.eval("redis.call('filt.ping')");
    assertEquals(List.of("ping @log"), FilterModule.seen);
    // MULTI: filtered when queued
    FilterModule.seen.clear();
    jedis.del("mylist");
    var t = jedis.multi();
    t.rpush("mylist", "a", "@delme", "b");
    t.set("k", "@log");
    t.exec();
    assertEquals(List.of("a", "b"), jedis.lrange("mylist", 0, -1));
    assertEquals(List.of("set k @log"), FilterModule.seen);
    // the client the filter chooses to skip
    try (Jedis other = newJedis()) {
      cmd("FILT.UNFILTER", String.valueOf(other.clientId()));
      jedis.del("mylist");
      cmd(other, "RPUSH", "mylist", "elem1", "@replaceme", "elem2");
      assertEquals(List.of("elem1", "@replaceme", "elem2"), jedis.lrange("mylist", 0, -1));
    } finally {
      FilterModule.unfilteredClient = -1;
    }
  }

  @Test
  @DisplayName("NOSELF: the module's own calls are not filtered, neither from a command nor from a script")
  void noSelf() throws Exception {
    FilterModule.seen.clear();
    load(new FilterModule(), "noself");
    cmd("SET", "mykey", "@log");
    assertEquals(List.of("set mykey @log"), FilterModule.seen);
    FilterModule.seen.clear();
    assertEquals("@log", cmd("FILT.PING"));
    jedis.eval("redis.call('filt.ping')");
    assertEquals(List.of(), FilterModule.seen);
  }

  @Test
  @DisplayName("unregistering a filter and unloading its module stop it")
  void unregisterAndUnload() throws Exception {
    load(new FilterModule());
    assertEquals(1L, cmd("FILT.UNREGISTER"));
    assertEquals(0L, cmd("FILT.UNREGISTER"));
    cmd("RPUSH", "l", "x", "@delme");
    assertEquals(2L, jedis.llen("l"));
    // the BLMOVE swapper is still there until the module goes
    cmd("MODULE", "UNLOAD", "filt");
    cmd("RPUSH", "l2", "x", "@delme");
    assertEquals(2L, jedis.llen("l2"));
  }

  @Test
  @DisplayName("a blocked command woken by a write is not filtered again (Redis's BLMOVE swap test)")
  void blockedCommandNotFilteredTwice() throws Exception {
    load(new FilterModule());
    jedis.lpush("list2{t}", "a", "b", "c", "d", "e");
    try (Jedis blocked = newJedis()) {
      var result = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> cmd(blocked, "BLMOVE", "list1{t}", "list2{t}", "left", "right", "0"));
      awaitBlockedClients(1);
      jedis.lpush("list1{t}", "1", "2", "3", "4", "5");
      assertEquals("1", result.get());
      assertEquals("1", jedis.lpop("list2{t}"));
    }
  }

  @Test
  @DisplayName("a filter that throws is logged and the command runs as it stands; no filter is left after a failed load")
  void failingFilterAndFailedLoad() throws Exception {
    Module failing = new Module() {
      @Override
      public ModuleInfo info() {
        return new ModuleInfo("filt", 1);
      }

      @Override
      public void onLoad(ModuleContext ctx) {
        ctx.registerCommandFilter(f -> {
          throw new IllegalStateException("filter bug");
        }, false);
      }
    };
    load(failing);
    assertEquals("OK", jedis.set("a", "1"));
    cmd("MODULE", "UNLOAD", "filt");
    Module noLoad = new Module() {
      @Override
      public ModuleInfo info() {
        return new ModuleInfo("filt", 1);
      }

      @Override
      public void onLoad(ModuleContext ctx) {
        ctx.registerCommandFilter(FilterModule::filter, false);
        throw new IllegalStateException("fails after registering");
      }
    };
    assertThrows(Exception.class, () -> load(noLoad));
    cmd("RPUSH", "mylist", "elem1", "@delme", "elem2");
    assertEquals(List.of("elem1", "@delme", "elem2"), jedis.lrange("mylist", 0, -1));
  }

  // ---- ACL categories

  /** Redis 7.4's aclcheck module's categories. */
  public static final class AclModule implements Module {
    @Override
    public ModuleInfo info() {
      return new ModuleInfo("acl", 1);
    }

    @Override
    public void onLoad(ModuleContext ctx) {
      assertThrows(IllegalArgumentException.class, () -> ctx.addAclCategory("!nval!dch@r@cter$"));
      ctx.addAclCategory("foocategory");
      ctx.registerCommands(r -> {
        r.add(CommandSpec.command("acl.write", 1).flags(Flag.WRITE).acl("write").summary("w").build(),
            (c, a) -> c.reply().ok());
        r.add(CommandSpec.command("acl.foo", 1).acl("foocategory", "@fast").summary("f").build(),
            (c, a) -> c.reply().ok());
      });
    }
  }

  private String dryrun(String user, String... command) {
    List<String> args = new ArrayList<>(List.of("ACL", "DRYRUN", user));
    Collections.addAll(args, command);
    try {
      return String.valueOf(cmd(args.toArray(new String[0])));
    } catch (JedisDataException e) {
      return e.getMessage();
    }
  }

  @Test
  @DisplayName("a module's ACL category: ACL CAT, +@cat and -@cat, COMMAND INFO, FILTERBY ACLCAT, compaction")
  void aclCategories() throws Exception {
    cmd("ACL", "SETUSER", "j3", "on", ">password", "-@all", "+@write");
    load(new AclModule());
    @SuppressWarnings("unchecked")
    List<Object> cats = (List<Object>) jedis.sendCommand(() -> b("ACL"), b("CAT"));
    assertEquals("foocategory", s((byte[]) cats.get(cats.size() - 1)));
    assertEquals(22, cats.size());
    assertEquals("[acl.foo]", strings(cmd("ACL", "CAT", "foocategory")));
    assertEquals("OK", dryrun("j3", "acl.write"));
    cmd("ACL", "SETUSER", "j8", "on", ">password", "-@all", "+@foocategory");
    assertEquals("OK", dryrun("j8", "acl.foo"));
    assertEquals("User j8 has no permissions to run the 'acl.write' command", dryrun("j8", "acl.write"));
    cmd("ACL", "SETUSER", "j9", "on", ">password", "-@all", "+@foocategory", "-@foocategory");
    @SuppressWarnings("unchecked")
    List<Object> user = (List<Object>) jedis.sendCommand(() -> b("ACL"), b("GETUSER"), b("j9"));
    assertEquals("-@all -@foocategory", s((byte[]) user.get(5)));
    List<?> info = (List<?>) ((List<?>) jedis.sendCommand(() -> b("COMMAND"), b("INFO"), b("acl.foo"))).get(0);
    assertEquals("[@fast, @foocategory]", ((List<?>) info.get(6)).stream().map(o -> s((byte[]) o)).toList()
        .toString());
    assertEquals("[acl.foo]", ((List<?>) jedis.sendCommand(() -> b("COMMAND"), b("LIST"), b("FILTERBY"), b("ACLCAT"),
        b("foocategory"))).stream().map(o -> s((byte[]) o)).toList().toString());
    // the category outlives the module, as in Redis, and the module may add it again
    cmd("MODULE", "UNLOAD", "acl");
    assertEquals("OK", cmd("ACL", "SETUSER", "j10", "+@foocategory"));
    assertEquals("[]", strings(cmd("ACL", "CAT", "foocategory")));
    load(new AclModule());
    assertEquals("OK", dryrun("j8", "acl.foo"));
  }

  @Test
  @DisplayName("an ACL category named like a core one, another module's, or past 64 fails the load")
  void aclCategoryRefusals() throws Exception {
    assertEquals("ERR Unknown category 'nosuchcat'", error("ACL", "CAT", "nosuchcat"));
    assertEquals("ERR Error in ACL SETUSER modifier '+@nosuchcat': Unknown command or category name in ACL",
        error("ACL", "SETUSER", "x", "+@nosuchcat"));
    load(new AclModule());
    for (List<String> cats : List.of(List.of("write"), List.of("foocategory"), many(45))) {
      Module m = new Module() {
        @Override
        public ModuleInfo info() {
          return new ModuleInfo("acl2", 1);
        }

        @Override
        public void onLoad(ModuleContext ctx) {
          cats.forEach(ctx::addAclCategory);
        }
      };
      assertThrows(Exception.class, () -> load(m), cats.get(0));
      assertEquals("ERR Unknown category 'customcategory0'", error("ACL", "CAT", "customcategory0"));
    }
    Module unknown = new Module() {
      @Override
      public ModuleInfo info() {
        return new ModuleInfo("acl2", 1);
      }

      @Override
      public void onLoad(ModuleContext ctx) {
        ctx.registerCommands(r -> r.add(CommandSpec.command("acl2.x", 1).acl("nosuchcat").summary("x").build(),
            (c, a) -> c.reply().ok()));
      }
    };
    assertThrows(Exception.class, () -> load(unknown));
  }

  private static String strings(Object list) {
    return ((List<?>) list).stream().map(o -> s((byte[]) o)).toList().toString();
  }

  private static List<String> many(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("customcategory" + i);
    }
    return out;
  }

  // ---- timers

  /** Timers: one-shot and repeating, stopped, inspected; from a command and from another thread. */
  public static final class TimerModule implements Module {
    static final List<String> fired = new CopyOnWriteArrayList<>();
    static volatile ModuleTimer repeating;
    static volatile ModuleTimer oneShot;

    @Override
    public ModuleInfo info() {
      return new ModuleInfo("timers", 1);
    }

    @Override
    public void onLoad(ModuleContext ctx) {
      ctx.registerCommands(r -> {
        r.add(CommandSpec.command("timers.once", 3).flags(Flag.WRITE).summary("Sets key to 'fired' later.").build(),
            (c, a) -> {
              byte[] key = a.get(1);
              int db = c.db().id();
              oneShot = ctx.server().createTimer(a.longArg(2), access -> {
                fired.add((ctx.server().inEngineThread() ? "engine:" : "other:") + s(key));
                access.call(db, b("SET"), key, b("fired"));
              });
              c.reply().ok();
            });
        r.add(CommandSpec.command("timers.every", 3).summary("INCR key every period.").build(), (c, a) -> {
          byte[] key = a.get(1);
          int db = c.db().id();
          repeating = ctx.server().createRepeatingTimer(a.longArg(2), access -> access.call(db, b("INCR"), key));
          c.reply().ok();
        });
      });
    }
  }

  @Test
  @DisplayName("timers: a one-shot runs once on the engine thread, a repeating one until stopped; stop and remaining")
  void timers() throws Exception {
    TimerModule.fired.clear();
    load(new TimerModule());
    cmd("TIMERS.ONCE", "t1", "50");
    awaitTrue(() -> "fired".equals(jedis.get("t1")));
    assertEquals(List.of("engine:t1"), TimerModule.fired);
    assertEquals(-1, TimerModule.oneShot.remainingMillis());
    assertFalse(TimerModule.oneShot.stop(), "a fired one-shot timer is not pending");
    // stopped before it fires: never runs
    cmd("TIMERS.ONCE", "t2", "5000");
    long remaining = TimerModule.oneShot.remainingMillis();
    assertTrue(remaining >= 0 && remaining <= 5000, "remaining " + remaining);
    assertTrue(TimerModule.oneShot.stop());
    assertEquals(-1, TimerModule.oneShot.remainingMillis());
    cmd("TIMERS.EVERY", "n", "20");
    awaitTrue(() -> jedis.get("n") != null && Long.parseLong(jedis.get("n")) >= 3);
    assertTrue(TimerModule.repeating.stop());
    long n = Long.parseLong(jedis.get("n"));
    Thread.sleep(150);
    assertEquals(n, Long.parseLong(jedis.get("n")));
    assertEquals(null, jedis.get("t2"));
    // a module's timers stop when it unloads
    cmd("TIMERS.EVERY", "m", "20");
    awaitTrue(() -> jedis.get("m") != null);
    cmd("MODULE", "UNLOAD", "timers");
    assertEquals(-1, TimerModule.repeating.remainingMillis());
    long m = Long.parseLong(jedis.get("m"));
    Thread.sleep(150);
    assertEquals(m, Long.parseLong(jedis.get("m")));
  }

  private static void awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (!c.getAsBoolean()) {
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("condition not met in 10 s");
      }
      Thread.sleep(10);
    }
  }

  // ---- a handler that fails after starting its reply

  /** Commands that start a reply and then fail. */
  public static final class ThrowingModule implements Module {
    @Override
    public ModuleInfo info() {
      return new ModuleInfo("throws", 1);
    }

    @Override
    public void onLoad(ModuleContext ctx) {
      ctx.registerCommands(r -> {
        r.add(CommandSpec.command("throws.half", 1).summary("Half an array, then a bug.").build(), (c, a) -> {
          c.reply().array(3);
          c.reply().integer(1);
          throw new IllegalStateException("boom");
        });
        r.add(CommandSpec.command("throws.rediserr", 1).summary("Half an array, then a Redis error.").build(),
            (c, a) -> {
              c.reply().array(2);
              c.reply().bulk("x");
              throw dev.cairn.api.reply.RedisException.err("late error");
            });
        r.add(CommandSpec.command("throws.ok", 1).summary("A whole reply, then a bug.").build(), (c, a) -> {
          c.reply().ok();
          throw new IllegalStateException("after the reply");
        });
        r.add(CommandSpec.command("throws.later", 1).summary("Blocks; the reply writer fails.").build(), (c, a) -> {
          var bc = c.blockClient(0, null);
          new Thread(() -> bc.reply(w -> {
            w.array(2);
            w.integer(7);
            throw new IllegalStateException("background boom");
          })).start();
        });
        r.add(CommandSpec.command("throws.timeout", 1).summary("Times out; the timeout writer fails.").build(),
            (c, a) -> c.blockClient(30, w -> {
              w.array(2);
              throw new IllegalStateException("timeout boom");
            }));
      });
    }
  }

  @Test
  @DisplayName("a handler that fails after starting its reply: one well-formed error, the connection stays in step")
  void throwAfterReplyStarted() throws Exception {
    load(new ThrowingModule());
    String boom = "-ERR module 'throws' failed to run the command: java.lang.IllegalStateException: boom\r\n";
    try (RawClient raw = raw()) {
      raw.send("*1\r\n$11\r\nthrows.half\r\n*1\r\n$4\r\nPING\r\n");
      assertEquals(boom, raw.readReply());
      assertEquals("+PONG\r\n", raw.readReply());
      raw.command("throws.rediserr");
      assertEquals("-ERR late error\r\n", raw.readReply());
      raw.command("throws.ok");
      assertEquals("-ERR module 'throws' failed to run the command: java.lang.IllegalStateException: after the "
          + "reply\r\n", raw.readReply());
      raw.command("throws.later");
      assertEquals("-ERR the module failed to write the reply: java.lang.IllegalStateException: background boom\r\n",
          raw.readReply());
      raw.command("throws.timeout");
      assertEquals("-ERR the module failed to write the reply: java.lang.IllegalStateException: timeout boom\r\n",
          raw.readReply());
      // inside MULTI: the failed command is one error element of EXEC's array
      raw.send("*1\r\n$5\r\nMULTI\r\n*1\r\n$11\r\nthrows.half\r\n*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nEXEC\r\n");
      assertEquals("+OK\r\n", raw.readReply());
      assertEquals("+QUEUED\r\n", raw.readReply());
      assertEquals("+QUEUED\r\n", raw.readReply());
      assertEquals("*2\r\n" + boom + "+PONG\r\n", raw.readReply());
      raw.command("PING");
      assertEquals("+PONG\r\n", raw.readReply());
    }
    // from a script: redis.pcall sees one error
    assertEquals("ERR module 'throws' failed to run the command: java.lang.IllegalStateException: boom",
        jedis.eval("return redis.pcall('throws.half').err"));
    assertEquals("0", jedis.info("clients").replaceAll("(?s).*blocked_clients:(\\d+).*", "$1"));
  }
}
