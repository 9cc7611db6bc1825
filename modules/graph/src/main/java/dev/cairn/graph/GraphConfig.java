package dev.cairn.graph;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.RedisException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** GRAPH.CONFIG GET|SET: RedisGraph's configuration fields, their defaults and which may change at run time. */
final class GraphConfig {
  private final Map<String, Long> values = new LinkedHashMap<>();
  private static final Set<String> RUNTIME = Set.of("TIMEOUT", "TIMEOUT_DEFAULT", "TIMEOUT_MAX", "RESULTSET_SIZE",
      "MAX_QUEUED_QUERIES", "QUERY_MEM_CAPACITY", "VKEY_MAX_ENTITY_COUNT", "DELTA_MAX_PENDING_CHANGES",
      "NODE_CREATION_BUFFER");

  GraphConfig() {
    values.put("TIMEOUT", 0L);
    values.put("TIMEOUT_DEFAULT", 0L);
    values.put("TIMEOUT_MAX", 0L);
    values.put("CACHE_SIZE", 25L);
    values.put("ASYNC_DELETE", 1L);
    values.put("OMP_THREAD_COUNT", 1L);
    values.put("THREAD_COUNT", (long) Runtime.getRuntime().availableProcessors());
    values.put("RESULTSET_SIZE", -1L);
    values.put("VKEY_MAX_ENTITY_COUNT", 100000L);
    values.put("MAX_QUEUED_QUERIES", 4294967295L);
    values.put("QUERY_MEM_CAPACITY", 0L);
    values.put("DELTA_MAX_PENDING_CHANGES", 10000L);
    values.put("NODE_CREATION_BUFFER", 16384L);
  }

  long get(String name) {
    return values.get(name);
  }

  /** Applies a load argument pair ({@code MODULE LOAD cairn-graph.jar TIMEOUT 1000}). */
  void set(String name, String value) {
    String n = name.toUpperCase(Locale.ROOT);
    if (!values.containsKey(n)) {
      throw new IllegalArgumentException("Unknown configuration field " + name);
    }
    values.put(n, Long.parseLong(value));
  }

  void command(CommandContext c, Args a) {
    String name = a.string(2).toUpperCase(Locale.ROOT);
    if (a.is(1, "get")) {
      if (a.size() != 3) {
        throw RedisException.err("wrong number of arguments for 'graph.config' command");
      }
      if (name.equals("*")) {
        c.reply().array(values.size());
        values.forEach((k, v) -> pair(c, k, v));
        return;
      }
      Long v = values.get(name);
      if (v == null) {
        throw RedisException.line("Unknown configuration field");
      }
      pair(c, name, v);
      return;
    }
    if (!a.is(1, "set")) {
      throw RedisException.line("Unknown subcommand for GRAPH.CONFIG");
    }
    if (a.size() < 4 || a.size() % 2 != 0) {
      throw RedisException.err("wrong number of arguments for 'graph.config' command");
    }
    Map<String, Long> updates = new LinkedHashMap<>();
    for (int i = 2; i < a.size(); i += 2) {
      String n = a.string(i).toUpperCase(Locale.ROOT);
      if (!values.containsKey(n)) {
        throw RedisException.line("Unknown configuration field");
      }
      if (!RUNTIME.contains(n)) {
        throw RedisException.line("This configuration parameter cannot be set at run-time");
      }
      long v = Args.parseLong(a.get(i + 1), RedisException.line("Failed to set config value " + n + " to "
          + a.string(i + 1)));
      if (v < (n.equals("RESULTSET_SIZE") ? -1 : 0)) {
        throw RedisException.line("Failed to set config value " + n + " to " + a.string(i + 1));
      }
      updates.put(n, v);
    }
    values.putAll(updates);
    c.reply().ok();
  }

  private static void pair(CommandContext c, String k, long v) {
    c.reply().array(2);
    c.reply().bulk(k);
    c.reply().integer(v);
  }
}
