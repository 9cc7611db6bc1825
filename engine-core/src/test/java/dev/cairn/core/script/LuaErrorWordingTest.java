package dev.cairn.core.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runtime errors of scripts in Lua 5.1's words, naming the variable at fault as Redis's Lua does (each expectation is
 * what redis-server replies to the same script).
 */
class LuaErrorWordingTest {
  private ScriptEngine e;

  @BeforeEach
  void setUp() {
    e = new ScriptEngine();
  }

  @Test
  @DisplayName("calls name the local, field or method that is not a function")
  void calls() {
    assertEquals("-ERR user_script:1: attempt to call local 'a' (a nil value)", e.evalError("local a; a()"));
    assertEquals("-ERR user_script:1: attempt to call field 'foo' (a nil value)", e.evalError("redis.foo()"));
    assertEquals("-ERR user_script:1: attempt to call method 'bar' (a nil value)",
        e.evalError("local s = 'x'; s:bar()"));
    assertEquals("-ERR user_script:1: Script attempted to access nonexistent global variable 'foo'",
        e.evalError("foo()"));
    assertEquals("-ERR user_script:2: attempt to call local 'n' (a number value)",
        e.evalError("local n = 1\nn()"));
  }

  @Test
  @DisplayName("indexing, reading or writing, names the value that is not a table")
  void indexing() {
    assertEquals("-ERR user_script:1: attempt to index field 'x' (a nil value)", e.evalError("local t = {}; t.x.y = 1"));
    assertEquals("-ERR user_script:1: attempt to index field 'x' (a nil value)",
        e.evalError("local t = setmetatable({}, {__index=function(t,k) return nil end}); t.x.y()"));
    assertEquals("-ERR user_script:1: attempt to index local 'n' (a number value)",
        e.evalError("local n = 5; return n.x"));
    assertEquals("-ERR user_script:1: table index is nil", e.evalError("local t = {}; t[nil] = 1"));
  }

  @Test
  @DisplayName("arithmetic, concatenation, length and comparison errors as Lua 5.1 words them")
  void operators() {
    assertEquals("-ERR user_script:1: attempt to perform arithmetic on local 'x' (a table value)",
        e.evalError("local x = {}; return x + 1"));
    assertEquals("-ERR user_script:1: attempt to perform arithmetic on a nil value",
        e.evalError("local a = 1; return a + nil"));
    assertEquals("-ERR user_script:1: attempt to perform arithmetic on a table value", e.evalError("return -{}"));
    assertEquals("-ERR user_script:1: attempt to concatenate local 't' (a table value)",
        e.evalError("local t = {}; return 'a' .. t"));
    assertEquals("-ERR user_script:1: attempt to concatenate local 't' (a table value)",
        e.evalError("local t = {}; local u; return t .. u"));
    assertEquals("-ERR user_script:1: attempt to concatenate a nil value", e.evalError("return 'x' .. nil"));
    assertEquals("-ERR user_script:1: attempt to get length of a nil value", e.evalError("return #nil"));
    assertEquals("-ERR user_script:1: attempt to compare number with table", e.evalError("return 1 < {}"));
    assertEquals("-ERR user_script:1: attempt to compare two table values", e.evalError("return {} < {}"));
    assertEquals("-ERR user_script:1: attempt to compare nil with number", e.evalError("return nil <= 1"));
  }

  @Test
  @DisplayName("pcall returns the same wording, and an error's own line feeds become spaces in the reply")
  void pcallAndLineFeeds() {
    assertEquals("$54\r\nuser_script:1: attempt to call local 'a' (a nil value)\r\n",
        e.run("eval", "local ok, err = pcall(function() local a; a() end); return err", "0"));
    assertEquals("-ERR user_script:1: a b", e.evalError("error('a\\nb')"));
  }

  @Test
  @DisplayName("an error raised by a tail-called function names the line of the call, as Lua 5.1 does")
  void tailCalls() {
    String sha = e.run("script", "load", "return redis.call('nosuch')").substring(5, 45);
    assertEquals("-ERR Unknown Redis command called from script script: " + sha + ", on @user_script:1.\r\n",
        e.run("evalsha", sha, "0"));
    assertEquals("-ERR user_script:1: boom", e.evalError("return error('boom')"));
    String r = e.run("eval", "local function f()\n  return redis.call('nosuch')\nend\nreturn f()", "0");
    assertEquals(true, r.endsWith(", on @user_script:2.\r\n"), r);
    e.run("function", "load", "#!lua name=lib\nredis.register_function('f', function()\n  return redis.call('x') end)");
    assertEquals("-ERR Unknown Redis command called from script script: f, on @user_function:3.\r\n",
        e.run("fcall", "f", "0"));
    assertEquals("-My Error\r\n", e.run("eval", "return redis.error_reply('My Error')", "0"), "a returned error: no position");
  }

  @Test
  @DisplayName("error(msg, 0) leaves the position out, in the reply and in pcall's result")
  void levelZero() {
    assertEquals("-ERR boom", e.evalError("local x = error('boom', 0) return x"));
    assertEquals("-ERR boom", e.evalError("return error('boom', 0)"));
    assertEquals("$1\r\nx\r\n", e.run("eval", "return select(2, pcall(error, 'x', 0))", "0"));
    assertEquals("$1\r\ny\r\n", e.run("eval", "local ok, e = pcall(function() error('y', 0) end) return e", "0"));
    assertEquals("$16\r\nuser_script:1: y\r\n",
        e.run("eval", "local ok, e = pcall(function() error('y') end) return e", "0"));
  }
}
