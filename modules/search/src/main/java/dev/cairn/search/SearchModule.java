package dev.cairn.search;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.Module;
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;

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
    commands.settings.put("ON_TIMEOUT", SearchCommands.Setting.choice("RETURN", "FAIL"));
    commands.settings.put("_PRINT_PROFILE_CLOCK", SearchCommands.Setting.choice("true", "false"));
    commands.settings.put("CURSOR_MAX_IDLE", new SearchCommands.Setting(
        ctx.numericConfig("cursor-max-idle", 300_000, 1, Long.MAX_VALUE, null), 1, Long.MAX_VALUE));
    commands.settings.put("INDEX_CURSOR_LIMIT", new SearchCommands.Setting(
        ctx.numericConfig("index-cursor-limit", 128, 0, Long.MAX_VALUE, null), 0, Long.MAX_VALUE));
    commands.settings.put("CURSOR_READ_SIZE", new SearchCommands.Setting(
        ctx.numericConfig("cursor-read-size", 1000, 1, Long.MAX_VALUE, null), 1, Long.MAX_VALUE));
    ctx.registerCommands(commands);
    SearchAdminCommands admin = new SearchAdminCommands(indexes, commands);
    ctx.registerCommands(admin);
    ctx.registerCommands(new LegacyCommands(indexes, commands, admin));
    ctx.registerCommands(new DocumentCommands(commands, indexes));
    ctx.registerType(Suggestions.Type.INSTANCE);
    ctx.registerCommands(new SuggestionCommands());
    AggregateCommand aggregate = new AggregateCommand(commands, indexes.cursors);
    ctx.registerCommands(aggregate);
    ctx.registerCommands(new ProfileCommand(commands, aggregate));
    ctx.registerCommands(new SearchDebugCommands(indexes, commands));
    ctx.registerAuxData(new SearchAux(indexes, ctx.server()));
    indexes.follow(ctx.subscribeKeyspaceEvents(0, (type, event, key, db) ->
        indexes.onKeyEvent(type, event, key, db, i -> ctx.server().access().db(i))));
    ctx.onServerEvent(e -> indexes.onServerEvent(e, i -> ctx.server().access().db(i)));
    SearchInfo.register(ctx, indexes, commands);
  }

  @Override
  public void onUnload() {
    if (indexes != null) {
      indexes.stop();
    }
  }
}
