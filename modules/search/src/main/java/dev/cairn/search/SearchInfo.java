package dev.cairn.search;

import dev.cairn.api.ModuleContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The module's INFO sections, RediSearch 2.10's (fields prefixed {@code search_} by the server): version, index
 * (number_of_indexes, total_indexed_docs), memory (used_memory_indexes, its human form in MB,
 * total_indexing_time in ms), cursors (global_idle, global_total), gc (bytes_collected, total_cycles, total_ms_run:
 * 0, as deletions here are immediate and nothing is left to collect), dialect_statistics, runtime_configurations.
 */
final class SearchInfo {
  private SearchInfo() {
  }

  static void register(ModuleContext ctx, Indexes indexes, SearchCommands commands) {
    ctx.addInfoSection("version", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", "2.10.5");
      return m;
    });
    ctx.addInfoSection("index", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      long docs = 0;
      for (SearchIndex idx : indexes.byName.values()) {
        docs += idx.liveDocs;
      }
      m.put("number_of_indexes", indexes.byName.size());
      m.put("total_indexed_docs", docs);
      return m;
    });
    ctx.addInfoSection("memory", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      long bytes = 0;
      long nanos = 0;
      for (SearchIndex idx : indexes.byName.values()) {
        bytes += idx.estimatedBytes();
        nanos += idx.indexingNanos;
      }
      m.put("used_memory_indexes", bytes);
      m.put("used_memory_indexes_human", AggValues.format(bytes / (double) 0x100000));
      m.put("total_indexing_time", AggValues.format(nanos / 1e6));
      return m;
    });
    ctx.addInfoSection("cursors", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("global_idle", indexes.cursors.total());
      m.put("global_total", indexes.cursors.total());
      return m;
    });
    ctx.addInfoSection("gc", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      long bytes = 0;
      long cycles = 0;
      long nanos = 0;
      for (SearchIndex idx : indexes.byName.values()) {
        bytes += idx.gcBytes;
        cycles += idx.gcCycles;
        nanos += idx.gcNanos;
      }
      m.put("bytes_collected", bytes);
      m.put("total_cycles", cycles);
      m.put("total_ms_run", nanos / 1_000_000);
      return m;
    });
    ctx.addInfoSection("dialect_statistics", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int d = 1; d <= 4; d++) {
        int used = 0;
        for (SearchIndex idx : indexes.byName.values()) {
          used |= (idx.dialectsUsed >> d) & 1;
        }
        m.put("dialect_" + d, used);
      }
      return m;
    });
    ctx.addInfoSection("runtime_configurations", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timeout", commands.settings.get("TIMEOUT").get());
      m.put("on_timeout", commands.settings.get("ON_TIMEOUT").display().toLowerCase(java.util.Locale.ROOT));
      m.put("cursor_max_idle_time", commands.settings.get("CURSOR_MAX_IDLE").get());
      m.put("max_cursors_per_index", commands.settings.get("INDEX_CURSOR_LIMIT").get());
      m.put("default_dialect", commands.settings.get("DEFAULT_DIALECT").get());
      return m;
    });
  }
}
