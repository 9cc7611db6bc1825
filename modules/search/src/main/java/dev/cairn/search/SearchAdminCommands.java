package dev.cairn.search;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The index administration commands: FT.INFO, FT.DROPINDEX, FT._LIST, FT.ALTER, FT.TAGVALS, aliases, synonyms,
 * dictionaries and FT.CONFIG.
 */
final class SearchAdminCommands implements CommandFamily {
  private static CommandSpec.Builder cmd(String name, int arity, String summary, Flag... flags) {
    return CommandSpec.command(name, arity).group(Group.MODULE).since("1.0.0").flags(flags).summary(summary)
        .complexity("O(1)");
  }

  static final CommandSpec INFO = cmd("ft.info", 2, "Returns information and statistics on the index", Flag.READONLY)
      .args(Arg.string("index")).build();
  static final CommandSpec DROPINDEX = cmd("ft.dropindex", -2, "Deletes the index", Flag.WRITE)
      .args(Arg.string("index"), Arg.token("DD").optional()).build();
  static final CommandSpec LIST = cmd("ft._list", 1, "Returns a list of all existing indexes", Flag.READONLY).build();
  static final CommandSpec ALTER = cmd("ft.alter", -5, "Adds a new field to the index", Flag.WRITE, Flag.DENYOOM)
      .args(Arg.string("index"), Arg.token("SKIPINITIALSCAN").optional(), Arg.token("SCHEMA"), Arg.token("ADD"),
          Arg.string("field").multiple()).build();
  static final CommandSpec TAGVALS = cmd("ft.tagvals", 3, "Returns the distinct tags indexed in a Tag field",
      Flag.READONLY).args(Arg.string("index"), Arg.string("field_name")).build();
  static final CommandSpec ALIASADD = cmd("ft.aliasadd", 3, "Adds an alias to the index", Flag.WRITE)
      .args(Arg.string("alias"), Arg.string("index")).build();
  static final CommandSpec ALIASUPDATE = cmd("ft.aliasupdate", 3,
      "Adds or updates an alias to the index", Flag.WRITE).args(Arg.string("alias"), Arg.string("index")).build();
  static final CommandSpec ALIASDEL = cmd("ft.aliasdel", 2, "Deletes an alias from the index", Flag.WRITE)
      .args(Arg.string("alias")).build();
  static final CommandSpec SYNUPDATE = cmd("ft.synupdate", -4,
      "Creates or updates a synonym group with additional terms", Flag.WRITE).args(Arg.string("index"),
          Arg.string("synonym_group_id"), Arg.token("SKIPINITIALSCAN").optional(), Arg.string("term").multiple())
      .build();
  static final CommandSpec SYNDUMP = cmd("ft.syndump", 2, "Dumps the contents of a synonym group", Flag.READONLY)
      .args(Arg.string("index")).build();
  static final CommandSpec DICTADD = cmd("ft.dictadd", -3, "Adds terms to a dictionary", Flag.WRITE)
      .args(Arg.string("dict"), Arg.string("term").multiple()).build();
  static final CommandSpec DICTDEL = cmd("ft.dictdel", -3, "Deletes terms from a dictionary", Flag.WRITE)
      .args(Arg.string("dict"), Arg.string("term").multiple()).build();
  static final CommandSpec DICTDUMP = cmd("ft.dictdump", 2, "Dumps all terms in the given dictionary",
      Flag.READONLY).args(Arg.string("dict")).build();
  static final CommandSpec CONFIG = cmd("ft.config", -3, "Sets or gets runtime configuration options", Flag.ADMIN)
      .args(Arg.string("subcommand"), Arg.string("option"), Arg.string("value").optional()).build();

  private final Indexes indexes;
  private final SearchCommands search;

  SearchAdminCommands(Indexes indexes, SearchCommands search) {
    this.indexes = indexes;
    this.search = search;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(INFO, this::info);
    r.add(DROPINDEX, this::dropIndex);
    r.add(LIST, this::list);
    r.add(ALTER, this::alter);
    r.add(TAGVALS, this::tagvals);
    r.add(ALIASADD, (c, a) -> alias(c, a, false));
    r.add(ALIASUPDATE, (c, a) -> alias(c, a, true));
    r.add(ALIASDEL, this::aliasDel);
    r.add(SYNUPDATE, this::synUpdate);
    r.add(SYNDUMP, this::synDump);
    r.add(DICTADD, (c, a) -> dict(c, a, true));
    r.add(DICTDEL, (c, a) -> dict(c, a, false));
    r.add(DICTDUMP, this::dictDump);
    r.add(CONFIG, this::config);
  }

  private SearchIndex known(String name) {
    SearchIndex idx = indexes.get(name);
    if (idx == null) {
      throw SearchCommands.UNKNOWN_INDEX;
    }
    return idx;
  }

  /** FT.INFO index: RediSearch's fields in its order (RESP2 a flat list, RESP3 a map). */
  /**
   * FT.INFO in RediSearch 2.10's order and shape (a map in RESP3, a flat list in RESP2). Sizes come from
   * {@code SearchIndex.estimatedBytes} (an estimate of the module's structures); there is no GC, vector or geoshape
   * index, so those figures are 0.
   */
  private void info(CommandContext c, Args a) {
    SearchIndex idx = known(a.string(1));
    IndexDefinition d = idx.def;
    Reply r = c.reply();
    long bytes = idx.invertedBytes();
    long records = 0;
    long offsets = 0;
    for (PostingList p : idx.terms.values()) {
      records += p.size();
      offsets += p.positions;
    }
    double mb = 1048576.0;
    r.map(d.customStopwords ? 35 : 34);
    r.bulk("index_name");
    r.bulk(d.name);
    r.bulk("index_options");
    List<String> opts = new ArrayList<>();
    if (d.noFreqs) {
      opts.add("NOFREQS");
    }
    if (d.noFields) {
      opts.add("NOFIELDS");
    }
    if (d.noOffsets) {
      opts.add("NOOFFSETS");
    }
    if (d.noOffsets || d.noHl) {
      opts.add("NOHL");
    }
    if (d.maxTextFields) {
      opts.add("MAXTEXTFIELDS");
    }
    r.array(opts.size());
    opts.forEach(r::simple);
    r.bulk("index_definition");
    int n = 2 + (d.filter != null ? 1 : 0) + (d.language.equals("english") ? 0 : 1) + (d.languageField != null ? 1 : 0)
        + (d.defaultScore != 0 ? 1 : 0) + (d.scoreField != null ? 1 : 0) + (d.payloadField != null ? 1 : 0);
    r.map(n);
    r.bulk("key_type");
    r.simple(d.onJson ? "JSON" : "HASH");
    r.bulk("prefixes");
    r.array(d.prefixes.size());
    d.prefixes.forEach(r::simple);
    if (d.filter != null) {
      r.bulk("filter");
      r.simple(d.filter);
    }
    if (!d.language.equals("english")) {
      r.bulk("default_language");
      r.simple(d.language);
    }
    if (d.languageField != null) {
      r.bulk("language_field");
      r.simple(d.languageField);
    }
    if (d.defaultScore != 0) {
      r.bulk("default_score");
      r.doubleValue(d.defaultScore);
    }
    if (d.scoreField != null) {
      r.bulk("score_field");
      r.simple(d.scoreField);
    }
    if (d.payloadField != null) {
      r.bulk("payload_field");
      r.simple(d.payloadField);
    }
    r.bulk("attributes");
    r.array(d.fields.size());
    boolean resp3 = r.protocol() >= 3;
    for (FieldSpec f : d.fields.values()) {
      List<String> flags = new ArrayList<>();
      if (f.caseSensitive) {
        flags.add("CASESENSITIVE");
      }
      if (f.sortable) {
        flags.add("SORTABLE");
      }
      if (f.unf) {
        flags.add("UNF");
      }
      if (f.noStem) {
        flags.add("NOSTEM");
      }
      if (f.noIndex) {
        flags.add("NOINDEX");
      }
      if (f.withSuffixTrie) {
        flags.add("WITHSUFFIXTRIE");
      }
      List<Object[]> extra = VectorParams.info(f); // VECTOR and GEOSHAPE attributes
      int pairs = 3 + (f.type == FieldSpec.Type.TEXT || f.type == FieldSpec.Type.TAG ? 1 : 0) + extra.size();
      if (resp3) {
        r.map(pairs + 1);
      } else {
        r.array(pairs * 2 + flags.size());
      }
      r.bulk("identifier");
      r.simple(f.identifier);
      r.bulk("attribute");
      r.simple(f.attribute);
      r.bulk("type");
      r.simple(f.type.name());
      if (f.type == FieldSpec.Type.TEXT) {
        r.bulk("WEIGHT");
        r.doubleValue(f.weight);
      } else if (f.type == FieldSpec.Type.TAG) {
        r.bulk("SEPARATOR");
        r.simple(String.valueOf(f.separator));
      }
      for (Object[] kv : extra) {
        r.bulk((String) kv[0]);
        if (kv[1] instanceof Long num) {
          r.integer(num);
        } else {
          r.simple((String) kv[1]);
        }
      }
      if (resp3) {
        r.bulk("flags");
        r.array(flags.size());
      }
      flags.forEach(r::simple);
    }
    r.bulk("num_docs");
    r.integer(idx.liveDocs);
    r.bulk("max_doc_id");
    r.integer(idx.maxDocId());
    r.bulk("num_terms");
    r.integer(idx.terms.size());
    r.bulk("num_records");
    r.integer(records);
    r.bulk("inverted_sz_mb");
    r.doubleValue((float) (bytes / mb));
    r.bulk("vector_index_sz_mb");
    r.doubleValue((float) (idx.vectors.values().stream().mapToLong(VectorStore::estimatedBytes).sum() / mb));
    r.bulk("total_inverted_index_blocks");
    r.integer(idx.terms.size() + idx.tags.values().stream().mapToLong(Map::size).sum());
    r.bulk("offset_vectors_sz_mb");
    r.doubleValue((float) (offsets * 4 / mb));
    r.bulk("doc_table_size_mb");
    long docTable = idx.docTableBytes();
    r.doubleValue((float) (docTable / mb));
    long sortables = 0;
    for (int id = 0; id < idx.maxDocId(); id++) {
      Map<String, String> values = idx.table.isLive(id) ? idx.table.sortables(id) : null;
      for (String v : values == null ? List.<String>of() : values.values()) {
        sortables += 16 + 2L * v.length();
      }
    }
    r.bulk("sortable_values_size_mb");
    r.doubleValue((float) (sortables / mb));
    long keyTable = idx.keyTableBytes();
    r.bulk("key_table_size_mb");
    r.doubleValue((float) (keyTable / mb));
    long tagOverhead = 0;
    for (java.util.TreeMap<String, DocIdSet> t : idx.tags.values()) {
      for (String v : t.keySet()) {
        tagOverhead += 48 + 2L * v.length();
      }
    }
    long textOverhead = 0;
    for (String t : idx.terms.keySet()) {
      textOverhead += 48 + 2L * t.length();
    }
    r.bulk("tag_overhead_sz_mb");
    r.doubleValue((float) (tagOverhead / mb));
    r.bulk("text_overhead_sz_mb");
    r.doubleValue((float) (textOverhead / mb));
    r.bulk("total_index_memory_sz_mb");
    long vectors = idx.vectors.values().stream().mapToLong(VectorStore::estimatedBytes).sum();
    long shapes = idx.shapes.values().stream().mapToLong(ShapeStore::estimatedBytes).sum();
    r.doubleValue((float) ((bytes + docTable + keyTable + sortables + vectors + shapes) / mb));
    r.bulk("geoshapes_sz_mb");
    r.doubleValue((float) (idx.shapes.values().stream().mapToLong(ShapeStore::estimatedBytes).sum() / mb));
    r.bulk("records_per_doc_avg");
    r.doubleValue((float) records / (float) idx.liveDocs);
    r.bulk("bytes_per_record_avg");
    r.doubleValue((float) bytes / (float) records);
    r.bulk("offsets_per_term_avg");
    r.doubleValue((float) offsets / (float) records);
    r.bulk("offset_bits_per_record_avg");
    r.doubleValue(8.0f * (float) (offsets * 4) / (float) offsets);
    r.bulk("hash_indexing_failures");
    r.integer(idx.indexingFailures);
    r.bulk("total_indexing_time");
    r.doubleValue((float) (idx.indexingNanos / 1e6));
    r.bulk("indexing");
    r.integer(idx.indexing ? 1 : 0);
    r.bulk("percent_indexed");
    r.doubleValue(idx.percentIndexed);
    r.bulk("number_of_uses");
    r.integer(idx.uses);
    r.bulk("cleaning");
    r.integer(0);
    r.bulk("gc_stats");
    r.map(7);
    double totalMs = idx.gcNanos / 1e6;
    double[] gc = {idx.gcBytes, totalMs, idx.gcCycles, idx.gcCycles == 0 ? Double.NaN : totalMs / idx.gcCycles,
        idx.gcLastNanos / 1e6, 0, 0};
    List<String> gcNames = List.of("bytes_collected", "total_ms_run", "total_cycles", "average_cycle_time_ms",
        "last_run_time_ms", "gc_numeric_trees_missed", "gc_blocks_denied");
    for (int k = 0; k < gc.length; k++) { // only vectors leave garbage (SearchIndex.collectGarbage)
      r.bulk(gcNames.get(k));
      r.doubleValue(gc[k]);
    }
    r.bulk("cursor_stats");
    r.map(4);
    r.bulk("global_idle");
    r.integer(indexes.cursors.total()); // a cursor runs only inside a command: between commands all are idle
    r.bulk("global_total");
    r.integer(indexes.cursors.total());
    r.bulk("index_capacity");
    r.integer(search.settings.get("INDEX_CURSOR_LIMIT").get());
    r.bulk("index_total");
    r.integer(indexes.cursors.countFor(idx));
    if (d.customStopwords) {
      r.bulk("stopwords_list");
      r.array(d.stopwords.size());
      d.stopwords.forEach(r::simple);
    }
    r.bulk("dialect_stats");
    r.map(4);
    for (int k = 1; k <= 4; k++) {
      r.bulk("dialect_" + k);
      r.integer((idx.dialectsUsed >> k) & 1);
    }
    r.bulk("Index Errors");
    indexErrors(r, idx.indexingFailures, idx.lastIndexingError, idx.lastIndexingErrorKey);
    r.bulk("field statistics");
    r.array(d.fields.size());
    for (FieldSpec f : d.fields.values()) {
      r.map(3);
      r.bulk("identifier");
      r.simple(f.identifier);
      r.bulk("attribute");
      r.simple(f.attribute);
      r.bulk("Index Errors");
      indexErrors(r, 0, null, null); // failures are counted per index, not per field
    }
  }

  private static void indexErrors(Reply r, long failures, String error, String key) {
    r.map(3);
    r.bulk("indexing failures");
    r.integer(failures);
    r.bulk("last indexing error");
    r.simple(error == null ? "N/A" : error);
    r.bulk("last indexing error key");
    r.simple(key == null ? "N/A" : key);
  }

  /** FT.DROPINDEX index [DD]: DD deletes the indexed documents' keys too. */
  void dropIndex(CommandContext c, Args a) {
    if (a.size() > 3 || a.size() == 3 && !a.is(2, "dd")) {
      throw RedisException.line("Unknown argument `" + a.string(a.size() - 1) + "`");
    }
    drop(c, a.string(1), a.size() == 3);
  }

  /** Drops index {@code name}; {@code deleteDocs} deletes its documents' keys too. */
  void drop(CommandContext c, String name, boolean deleteDocs) {
    SearchIndex idx = indexes.byName.get(name);
    if (idx == null) {
      throw SearchCommands.UNKNOWN_INDEX;
    }
    indexes.remove(name);
    indexes.aliases.values().removeIf(name::equals);
    if (deleteDocs) {
      List<byte[]> keys = new ArrayList<>();
      idx.table.forEach(id -> keys.add(idx.table.key(id)));
      for (byte[] key : keys) {
        if (c.db(0).delete(key)) {
          c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, 0);
          c.signalModifiedKey(0, key);
        }
      }
    }
    c.addDirty(1);
    c.reply().ok();
  }

  private void list(CommandContext c, Args a) {
    c.reply().set(indexes.byName.size());
    indexes.byName.keySet().forEach(c.reply()::bulk);
  }

  /** FT.ALTER index [SKIPINITIALSCAN] SCHEMA ADD field type [options] ... */
  void alter(CommandContext c, Args a) {
    SearchIndex idx = known(a.string(1));
    int i = 2;
    boolean skip = false;
    if (a.is(i, "skipinitialscan")) {
      skip = true;
      i++;
    }
    if (i + 1 >= a.size() || !a.is(i, "schema") || !a.is(i + 1, "add")) {
      throw RedisException.line("Unknown argument `" + a.string(i) + "`");
    }
    List<String> fields = SearchCommands.strings(a, i + 2);
    if (fields.isEmpty()) {
      throw RedisException.line("No fields provided");
    }
    idx.def.addFields(fields, true);
    idx.def.args.addAll(fields);
    if (!skip) {
      idx.clear();
      indexes.scan(idx, c.db(0));
    }
    c.addDirty(1);
    c.reply().ok();
  }

  private void tagvals(CommandContext c, Args a) {
    SearchIndex idx = known(a.string(1));
    FieldSpec f = idx.def.field(a.string(2));
    if (f == null) {
      throw RedisException.line("No such field `" + a.string(2) + "`");
    }
    if (f.type != FieldSpec.Type.TAG) {
      throw RedisException.line("Not a tag field");
    }
    TreeMap<String, DocIdSet> values = idx.tags.getOrDefault(f.attribute, new TreeMap<>());
    c.reply().set(values.size());
    values.keySet().forEach(c.reply()::bulk);
  }

  void alias(CommandContext c, Args a, boolean update) {
    String alias = a.string(1);
    String target = a.string(2);
    if (indexes.byName.get(target) == null) {
      throw RedisException.line("Unknown index name (or name is an alias itself)");
    }
    if (!update && (indexes.aliases.containsKey(alias))) {
      throw RedisException.line("Alias already exists");
    }
    if (indexes.byName.containsKey(alias)) {
      throw RedisException.line("Alias already exists");
    }
    indexes.aliases.put(alias, target);
    c.addDirty(1);
    c.reply().ok();
  }

  void aliasDel(CommandContext c, Args a) {
    if (indexes.aliases.remove(a.string(1)) == null) {
      throw RedisException.line("Alias does not exist");
    }
    c.addDirty(1);
    c.reply().ok();
  }

  /** FT.SYNUPDATE index group [SKIPINITIALSCAN] term ...: query terms expand to their groups' terms. */
  private void synUpdate(CommandContext c, Args a) {
    SearchIndex idx = known(a.string(1));
    int i = 3;
    if (a.is(i, "skipinitialscan")) {
      i++;
    }
    if (i >= a.size()) {
      throw RedisException.line("wrong number of arguments for 'ft.synupdate' command");
    }
    List<String> group = idx.synonyms.computeIfAbsent(a.string(2), x -> new ArrayList<>());
    for (; i < a.size(); i++) {
      String t = a.string(i).toLowerCase(Locale.ROOT);
      if (!group.contains(t)) {
        group.add(t);
      }
    }
    c.addDirty(1);
    c.reply().ok();
  }

  private void synDump(CommandContext c, Args a) {
    SearchIndex idx = known(a.string(1));
    TreeMap<String, List<String>> byTerm = new TreeMap<>();
    idx.synonyms.forEach((g, terms) -> terms.forEach(t -> byTerm.computeIfAbsent(t, x -> new ArrayList<>()).add(g)));
    c.reply().map(byTerm.size());
    byTerm.forEach((t, groups) -> {
      c.reply().bulk(t);
      c.reply().array(groups.size());
      groups.forEach(c.reply()::bulk);
    });
  }

  private void dict(CommandContext c, Args a, boolean add) {
    String name = a.string(1);
    TreeSet<String> d = indexes.dicts.computeIfAbsent(name, x -> new TreeSet<>());
    long n = 0;
    for (int i = 2; i < a.size(); i++) {
      if (add ? d.add(a.string(i)) : d.remove(a.string(i))) {
        n++;
      }
    }
    if (d.isEmpty()) {
      indexes.dicts.remove(name);
    }
    c.addDirty(n);
    c.reply().integer(n);
  }

  private void dictDump(CommandContext c, Args a) {
    TreeSet<String> d = indexes.dicts.get(a.string(1));
    if (d == null) {
      throw RedisException.line("could not open dict key");
    }
    c.reply().set(d.size());
    d.forEach(c.reply()::bulk);
  }

  /** FT.CONFIG GET option|* / SET option value / HELP option, for the options this module has. */
  private void config(CommandContext c, Args a) {
    Map<String, SearchCommands.Setting> options = search.settings;
    String sub = a.string(1).toUpperCase(Locale.ROOT);
    String opt = a.string(2).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "GET", "HELP" -> {
        List<String> names = opt.equals("*") ? new ArrayList<>(options.keySet())
            : options.containsKey(opt) ? List.of(opt) : List.of();
        c.reply().array(names.size());
        for (String n : names) {
          c.reply().array(2);
          c.reply().bulk(n);
          c.reply().bulk(options.get(n).display());
        }
      }
      case "SET" -> {
        if (a.size() != 4) {
          throw RedisException.line("wrong number of arguments for 'ft.config|set' command");
        }
        SearchCommands.Setting v = options.get(opt);
        if (v == null) {
          throw RedisException.line("Invalid option");
        }
        Long n = v.parse(a.string(3));
        if (n == null) {
          throw RedisException.line("Invalid value for `" + opt + "`");
        }
        v.override = n;
        c.reply().ok();
      }
      default -> throw RedisException.line("No such configuration action");
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
