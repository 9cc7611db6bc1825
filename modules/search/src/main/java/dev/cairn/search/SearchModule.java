package dev.cairn.search;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.Module;
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;
import dev.cairn.api.command.KeyspaceEvents;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RediSearch-compatible secondary indexes and full-text search (FT.*) over the hashes of database 0. Indexes follow
 * the keyspace through the module keyspace hook; Lucene supplies stemming and the automata behind fuzzy and wildcard
 * terms. Config: {@code search.default-dialect}, {@code search.maxexpansions}, {@code search.timeout} (also through
 * FT.CONFIG).
 */
public final class SearchModule implements Module {
  private Indexes indexes;

  @Override
  public ModuleInfo info() {
    return new ModuleInfo("search", 21005);
  }

  @Override
  public void onLoad(ModuleContext ctx) {
    indexes = new Indexes(ctx.server());
    ConfigValue<Long> dialect = ctx.numericConfig("default-dialect", 1, 1, 4, null);
    ConfigValue<Long> timeout = ctx.numericConfig("timeout", 500, 0, Long.MAX_VALUE, null);
    ConfigValue<Long> maxExpansions = ctx.numericConfig("maxexpansions", 200, 1, Long.MAX_VALUE, null);
    SearchCommands commands = new SearchCommands(indexes, dialect, timeout, maxExpansions);
    ctx.registerCommands(commands);
    SearchAdminCommands admin = new SearchAdminCommands(indexes, commands);
    ctx.registerCommands(admin);
    ctx.registerCommands(new LegacyCommands(indexes, commands, admin));
    ctx.registerCommands(new DocumentCommands(commands, indexes));
    ctx.registerType(Suggestions.Type.INSTANCE);
    ctx.registerCommands(new SuggestionCommands());
    ctx.registerCommands(new AggregateCommand(commands));
    ctx.registerAuxData(new SearchAux(indexes, ctx.server()));
    // NEW too: keys that arrive without a command (an RDB load) are indexed as they are added
    ctx.onKeyspaceEvent(KeyspaceEvents.ALL | KeyspaceEvents.NEW, (type, event, key, db) ->
        indexes.onKeyEvent(type, event, key, db, i -> ctx.server().access().db(i)));
    ctx.onServerEvent(e -> indexes.onServerEvent(e, i -> ctx.server().access().db(i)));
    ctx.addInfoSection("index", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      long docs = 0;
      long bytes = 0;
      for (SearchIndex idx : indexes.byName.values()) {
        docs += idx.liveDocs;
        bytes += idx.estimatedBytes();
      }
      m.put("number_of_indexes", indexes.byName.size());
      m.put("total_indexed_docs", docs);
      m.put("used_memory_indexes", bytes);
      return m;
    });
  }

  @Override
  public void onUnload() {
    if (indexes != null) {
      indexes.stop();
    }
  }
}
