package dev.cairn.search;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** FT.CREATE, FT.SEARCH, FT.EXPLAIN, FT.EXPLAINCLI: RediSearch's arguments, errors and reply shapes (RESP2 and 3). */
final class SearchCommands implements CommandFamily {
  static final CommandSpec CREATE = CommandSpec.command("ft.create", -2).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).summary("Creates an index with the given spec").complexity("O(K) at creation "
          + "where K is the number of fields, O(N) if scanning the keyspace is triggered, where N is the number of keys "
          + "in the keyspace").args(Arg.string("index"), Arg.string("schema").multiple()).build();
  static final CommandSpec SEARCH = CommandSpec.command("ft.search", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).summary("Searches the index with a textual query, returning either documents or just ids")
      .complexity("O(N)").args(Arg.string("index"), Arg.string("query"), Arg.string("options").multiple()
          .optional()).build();
  static final CommandSpec EXPLAIN = CommandSpec.command("ft.explain", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).summary("Returns the execution plan for a complex query").complexity("O(1)")
      .args(Arg.string("index"), Arg.string("query"), Arg.integer("dialect").withToken("DIALECT").optional())
      .build();
  static final CommandSpec EXPLAINCLI = CommandSpec.command("ft.explaincli", -3).group(Group.MODULE)
      .since("1.0.0").flags(Flag.READONLY).summary("Returns the execution plan for a complex query")
      .complexity("O(1)").args(Arg.string("index"), Arg.string("query"),
          Arg.integer("dialect").withToken("DIALECT").optional()).build();

  static final RedisException UNKNOWN_INDEX = RedisException.line("Unknown Index name");

  /**
   * An FT.CONFIG option: the module config parameter ({@code search.<name>}, set at load or with CONFIG SET) unless
   * FT.CONFIG SET gave it a value of its own.
   */
  static final class Setting {
    final ConfigValue<Long> config;
    final long min;
    final long max;
    /** For an option whose values are words (ON_TIMEOUT RETURN|FAIL): the words, the value being an index. */
    final String[] choices;
    Long override;

    Setting(ConfigValue<Long> config, long min, long max) {
      this(config, min, max, null);
    }

    Setting(ConfigValue<Long> config, long min, long max, String[] choices) {
      this.config = config;
      this.min = min;
      this.max = max;
      this.choices = choices;
    }

    /** A word-valued option with no module config parameter behind it: {@code choices[0]} until FT.CONFIG SET. */
    static Setting choice(String... choices) {
      return new Setting(null, 0, choices.length - 1, choices);
    }

    long get() {
      return override != null ? override : config == null ? 0 : config.get();
    }

    /** The value as FT.CONFIG GET shows it. */
    String display() {
      return choices != null ? choices[(int) get()] : String.valueOf(get());
    }

    /** The value FT.CONFIG SET gives, or null when it is not one. */
    Long parse(String text) {
      if (choices != null) {
        for (int i = 0; i < choices.length; i++) {
          if (choices[i].equalsIgnoreCase(text)) {
            return (long) i;
          }
        }
        return null;
      }
      try {
        long n = Long.parseLong(text);
        return n < min || n > max ? null : n;
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  private final Indexes indexes;
  final Map<String, Setting> settings = new java.util.TreeMap<>();

  SearchCommands(Indexes indexes, ConfigValue<Long> dialect, ConfigValue<Long> timeout,
      ConfigValue<Long> maxExpansions) {
    this.indexes = indexes;
    settings.put("DEFAULT_DIALECT", new Setting(dialect, 1, 4));
    settings.put("TIMEOUT", new Setting(timeout, 0, Long.MAX_VALUE));
    settings.put("MAXEXPANSIONS", new Setting(maxExpansions, 1, Long.MAX_VALUE));
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(CREATE, this::create);
    r.add(SEARCH, this::search);
    r.add(EXPLAIN, (c, a) -> explain(c, a, false));
    r.add(EXPLAINCLI, (c, a) -> explain(c, a, true));
  }

  static List<String> strings(Args a, int from) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < a.size(); i++) {
      out.add(new String(a.get(i), StandardCharsets.UTF_8));
    }
    return out;
  }


  /** FT.CREATE index [options] SCHEMA field type [options] ... */
  void create(CommandContext c, Args a) {
    String name = a.string(1);
    IndexDefinition def = IndexDefinition.parse(name, strings(a, 2));
    if (indexes.byName.containsKey(name)) {
      throw RedisException.line("Index already exists");
    }
    if (def.onJson) {
      checkJson(def);
    }
    SearchIndex idx = new SearchIndex(def);
    indexes.add(name, idx);
    if (!def.skipInitialScan) {
      indexes.scan(idx, c.db(0));
    }
    c.addDirty(1);
    c.reply().ok();
  }

  /** ON JSON needs the JSON module, and every identifier must be a JSONPath it accepts. */
  void checkJson(IndexDefinition def) {
    if (!indexes.json.available()) {
      throw RedisException.line("JSON module is not loaded: ON JSON needs it");
    }
    for (FieldSpec f : def.fields.values()) {
      try {
        indexes.json.checkPath(f.identifier);
      } catch (RuntimeException e) {
        throw RedisException.line("Invalid JSONPath '" + f.identifier + "' in attribute '" + f.attribute + "'");
      }
    }
  }

  Indexes indexes() {
    return indexes;
  }

  SearchIndex index(String name) {
    SearchIndex idx = indexes.get(name);
    if (idx == null) {
      throw RedisException.line(name + ": no such index");
    }
    return idx;
  }

  /** The options of FT.SEARCH this module carries out. */
  static final class Options {
    /** LANGUAGE: the query terms' stemming language; null for the index's. */
    String language;
    /** PAYLOAD: the query's payload (the HAMMING scorer compares it with the documents'). */
    byte[] payload;
    /** EXPLAINSCORE: each result's explanation, by doc id. */
    Map<Integer, Scorer.Explain> explained;
    boolean noContent;
    boolean verbatim;
    boolean withScores;
    boolean withSortKeys;
    boolean explainScore;
    List<String[]> returns; // {identifier, name}
    long offset = 0;
    long num = 10;
    String sortBy;
    boolean sortAsc = true;
    List<QueryNode.Numeric> filters = new ArrayList<>();
    List<QueryNode.Geo> geoFilters = new ArrayList<>();
    Set<String> inKeys;
    long[] inFields;
    Map<String, String> params = new HashMap<>();
    /** PARAMS' values as bytes: vector blobs are not text. */
    Map<String, byte[]> rawParams = new HashMap<>();
    /** SORTBY names no schema field: it may be a vector query's distance, known once the query is parsed. */
    boolean sortByYield;
    /** Distances the query's vector parts yielded, by name then doc id (see QueryEval.yields). */
    Map<String, Map<Integer, Double>> yields = Map.of();
    /** Result fields whose values are blobs (see blobsAsBytes). */
    Set<String> blobKeys = new HashSet<>();
    int slop = -1;
    boolean inOrder;
    int dialect;
    /** FORMAT EXPAND: JSON values as RESP3 values, read as dialect 3 reads them. */
    boolean expand;
    String scorer = "TFIDF";
    Highlighter hl;
    /** FT.PROFILE SEARCH: told what ran, writes its part of the reply. */
    ProfileCommand.SearchProfile profile;
  }

  private Options options(Args a, SearchIndex idx) {
    Options o = new Options();
    o.dialect = (int) settings.get("DEFAULT_DIALECT").get();
    int i = 3;
    while (i < a.size()) {
      String w = a.string(i).toUpperCase(Locale.ROOT);
      switch (w) {
        case "NOCONTENT" -> o.noContent = true;
        case "VERBATIM" -> o.verbatim = true;
        case "NOSTOPWORDS", "WITHPAYLOADS", "INORDER_", "EXPLAINSCORE_" -> { }
        case "WITHSCORES" -> o.withScores = true;
        case "WITHSORTKEYS" -> o.withSortKeys = true;
        case "EXPLAINSCORE" -> o.explainScore = true;
        case "INORDER" -> o.inOrder = true;
        case "FILTER" -> {
          need(a, i, 3, "FILTER");
          String field = a.string(i + 1);
          FieldSpec f = idx.def.field(field);
          if (f == null || f.type != FieldSpec.Type.NUMERIC) {
            throw RedisException.line("Unknown field `" + field + "`");
          }
          o.filters.add(numericFilter(f.attribute, a.string(i + 2), a.string(i + 3)));
          i += 3;
        }
        case "GEOFILTER" -> {
          need(a, i, 5, "GEOFILTER");
          FieldSpec f = idx.def.field(a.string(i + 1));
          if (f == null || f.type != FieldSpec.Type.GEO) {
            throw RedisException.line("Unknown field `" + a.string(i + 1) + "`");
          }
          o.geoFilters.add(QueryNode.Geo.parse(f.attribute, a.string(i + 2), a.string(i + 3), a.string(i + 4),
              a.string(i + 5)));
          i += 5;
        }
        case "INKEYS" -> {
          int n = count(a, i, "INKEYS");
          o.inKeys = new HashSet<>(strings(a, i + 2).subList(0, n));
          i += 1 + n;
        }
        case "INFIELDS" -> {
          int n = count(a, i, "INFIELDS");
          o.inFields = new long[2];
          for (int k = 0; k < n; k++) {
            FieldSpec f = idx.def.field(a.string(i + 2 + k));
            if (f != null && f.textBit >= 0) {
              o.inFields[f.textBit >> 6] |= 1L << (f.textBit & 63);
            }
          }
          i += 1 + n;
        }
        case "RETURN" -> {
          int n = count(a, i, "RETURN");
          o.returns = new ArrayList<>();
          int end = i + 2 + n;
          for (int k = i + 2; k < end; k++) {
            String id = a.string(k);
            String as = id;
            if (k + 2 < end + 1 && k + 1 < end && a.is(k + 1, "as")) {
              if (k + 2 >= end) {
                throw RedisException.line("RETURN path AS name - must be accompanied with NAME");
              }
              as = a.string(k + 2);
              k += 2;
            }
            o.returns.add(new String[] {id, as});
          }
          if (n == 0) {
            o.noContent = true;
          }
          i += 1 + n;
        }
        case "SUMMARIZE", "HIGHLIGHT" -> {
          if (o.hl == null) {
            o.hl = new Highlighter();
          }
          i = highlightOptions(a, i, w.equals("HIGHLIGHT"), o.hl, idx);
        }
        case "SLOP" -> {
          need(a, i, 1, "SLOP");
          o.slop = (int) a.longArg(i + 1, RedisException.line("Bad arguments for SLOP: Value is not an integer"));
          i++;
        }
        case "TIMEOUT", "LANGUAGE", "EXPANDER", "PAYLOAD" -> {
          need(a, i, 1, w);
          if (w.equals("PAYLOAD")) {
            o.payload = a.get(i + 1);
          }
          if (w.equals("LANGUAGE")) {
            o.language = Analyzer.language(a.string(i + 1));
            if (o.language == null) {
              throw RedisException.line("No such language");
            }
          }
          i++;
        }
        case "SCORER" -> {
          need(a, i, 1, "SCORER");
          o.scorer = a.string(i + 1).toUpperCase(Locale.ROOT);
          if (!Set.of("TFIDF", "TFIDF.DOCNORM", "BM25", "BM25STD", "DISMAX", "DOCSCORE", "HAMMING")
              .contains(o.scorer)) {
                  throw RedisException.line("Scoring function `" + a.string(i + 1) + "` not found");
          }
          i++;
        }
        case "SORTBY" -> {
          need(a, i, 1, "SORTBY");
          o.sortBy = a.string(i + 1);
          if (o.sortBy.startsWith("@")) {
            o.sortBy = o.sortBy.substring(1);
          }
          if (idx.def.field(o.sortBy) == null) {
            o.sortByYield = true; // checked once the query's yields are known
          }
          i++;
          if (i + 1 < a.size() && (a.is(i + 1, "asc") || a.is(i + 1, "desc"))) {
            o.sortAsc = a.is(i + 1, "asc");
            i++;
          }
          if (i + 1 < a.size() && a.is(i + 1, "withcount")) {
            i++;
          }
        }
        case "LIMIT" -> {
          need(a, i, 2, "LIMIT");
          o.offset = a.longArg(i + 1, RedisException.line("Bad arguments for LIMIT: Value is not an integer"));
          o.num = a.longArg(i + 2, RedisException.line("Bad arguments for LIMIT: Value is not an integer"));
          if (o.offset < 0 || o.num < 0) {
            throw RedisException.line("LIMIT: offset and num must be non-negative");
          }
          i += 2;
        }
        case "PARAMS" -> {
          int n = count(a, i, "PARAMS");
          if (n % 2 != 0) {
            throw RedisException.line("Bad arguments for PARAMS: Expected an even number of arguments");
          }
          for (int k = 0; k < n; k += 2) {
            o.params.put(a.string(i + 2 + k), a.string(i + 3 + k));
            o.rawParams.put(a.string(i + 2 + k), a.get(i + 3 + k));
          }
          i += 1 + n;
        }
        case "DIALECT" -> {
          need(a, i, 1, "DIALECT");
          long d = a.longArg(i + 1, RedisException.line("DIALECT requires a non negative integer >=1 and <= 4"));
          if (d < 1 || d > 4) {
            throw RedisException.line("DIALECT requires a non negative integer >=1 and <= 4");
          }
          o.dialect = (int) d;
          if (ExpandFormat.dialectError(o.expand, d) != null) {
            throw RedisException.line(ExpandFormat.dialectError(o.expand, d));
          }
          i++;
        }
        case "FORMAT" -> o.expand = ExpandFormat.parse(a, i++);
        default -> throw RedisException.line("Unknown argument `" + a.string(i) + "`");
      }
      i++;
    }
    return o;
  }

  /** HIGHLIGHT [FIELDS n f ...] [TAGS open close] / SUMMARIZE [FIELDS n f ...] [FRAGS n] [LEN n] [SEPARATOR s]. */
  private static int highlightOptions(Args a, int i, boolean highlight, Highlighter h, SearchIndex idx) {
    if (highlight) {
      h.highlight = true;
    } else {
      h.summarize = true;
    }
    int j = i + 1;
    while (j < a.size()) {
      String w = a.string(j).toUpperCase(Locale.ROOT);
      if (w.equals("FIELDS")) {
        int n = count(a, j, "FIELDS");
        Set<String> fields = new HashSet<>();
        for (int k = 0; k < n; k++) {
          FieldSpec f = idx.def.field(a.string(j + 2 + k));
          fields.add(f == null ? a.string(j + 2 + k) : f.attribute);
        }
        if (highlight) {
          h.highlightFields = fields;
        } else {
          h.summarizeFields = fields;
        }
        j += 2 + n;
      } else if (highlight && w.equals("TAGS")) {
        need(a, j, 2, "TAGS");
        h.open = a.string(j + 1);
        h.close = a.string(j + 2);
        j += 3;
      } else if (!highlight && (w.equals("FRAGS") || w.equals("LEN"))) {
        need(a, j, 1, w);
        long n = a.longArg(j + 1, RedisException.line("Bad arguments for " + w + ": Value is not an integer"));
        if (n < 1) {
          throw RedisException.line("Bad arguments for " + w + ": Value is outside acceptable bounds");
        }
        if (w.equals("FRAGS")) {
          h.frags = (int) Math.min(n, 1000);
        } else {
          h.len = (int) Math.min(n, 10_000);
        }
        j += 2;
      } else if (!highlight && w.equals("SEPARATOR")) {
        need(a, j, 1, "SEPARATOR");
        h.separator = a.string(j + 1);
        j += 2;
      } else {
        break;
      }
    }
    return j - 1;
  }

  private static void need(Args a, int i, int n, String what) {
    if (i + n >= a.size()) {
      throw RedisException.line("Bad arguments for " + what + ": Expected an argument, but none provided");
    }
  }

  private static int count(Args a, int i, String what) {
    need(a, i, 1, what);
    long n = a.longArg(i + 1, RedisException.line("Bad arguments for " + what + ": Value is not an integer"));
    if (n < 0 || i + 2 + n > a.size()) {
      throw RedisException.line("Bad arguments for " + what + ": Expected an argument, but none provided");
    }
    return (int) n;
  }

  static QueryNode.Numeric numericFilter(String attribute, String lo, String hi) {
    boolean lx = lo.startsWith("(");
    boolean hx = hi.startsWith("(");
    return new QueryNode.Numeric(attribute, bound(lx ? lo.substring(1) : lo), lx, bound(hx ? hi.substring(1) : hi),
        hx);
  }

  private static double bound(String s) {
    return QueryNode.Numeric.bound(s, RedisException.line("Bad upper range: " + s));
  }


  /** FT.SEARCH index query [options] */
  private void search(CommandContext c, Args a) {
    search(c, a, null);
  }

  /** FT.SEARCH, or FT.PROFILE's run of it when {@code profile} is given. */
  void search(CommandContext c, Args a, ProfileCommand.SearchProfile profile) {
    SearchIndex idx = index(a.string(1));
    Options o = options(a, idx);
    o.profile = profile;
    ExpandFormat.check(o.expand, c.reply(), idx);
    if (o.explainScore && !o.withScores) {
      throw RedisException.line("EXPLAINSCORE must be accompanied with WITHSCORES");
    }
    idx.uses++;
    idx.dialectsUsed |= 1 << o.dialect;
    idx.analyzer.queryLanguage = o.language != null ? o.language : idx.def.language;
    try {
      search(c, idx, o, a);
    } finally {
      idx.analyzer.queryLanguage = idx.def.language;
    }
  }

  private void search(CommandContext c, SearchIndex idx, Options o, Args a) {
    QueryNode root = QueryParser.parse(a.string(2), idx.def, o.params, o.dialect, o.rawParams);
    if (o.profile != null) {
      o.profile.parsed();
    }
    if (root instanceof QueryNode.Intersect in && !in.exact) {
      if (o.slop >= 0) {
        in.slop = o.slop;
      }
      in.inOrder = o.inOrder || in.inOrder;
    }
    if (o.hl != null) {
      o.hl.prepare(root, idx);
    }
    QueryEval eval = new QueryEval(idx, o.verbatim, o.inFields, o.scorer);
    boolean timing = o.profile != null; // FT.PROFILE: counted iterators and the processors' times
    if (timing) {
      eval.profile();
    }
    DocIterator it = eval.iterator(root);
    o.yields = eval.yields;
    if (o.sortByYield && !o.yields.containsKey(o.sortBy)) {
      throw RedisException.line("Property `" + o.sortBy + "` not loaded nor in schema");
    }
    if (!o.filters.isEmpty() || !o.geoFilters.isEmpty()) { // FILTER and GEOFILTER narrow without scoring
      List<DocIterator> all = new ArrayList<>();
      all.add(it);
      o.filters.forEach(f -> all.add(eval.numeric(f)));
      o.geoFilters.forEach(g -> all.add(eval.geo(g)));
      it = new DocIterator.Intersect(all.toArray(new DocIterator[0]), null);
    }
    dev.cairn.api.keyspace.Database db0 = c.db(0);
    Scorer scorer = new Scorer(idx, eval, o.scorer, o.payload);
    Map<Integer, Scorer.Explain> explained = o.explainScore ? new HashMap<>() : null;
    Scorer.Explain[] ex = o.explainScore ? new Scorer.Explain[1] : null;
    boolean scored = o.sortBy == null || o.withScores;
    long want = o.offset + o.num;
    TopK.Order order;
    Map<Integer, Double> byDistance = o.sortByYield ? o.yields.get(o.sortBy)
        : o.sortBy == null && root instanceof SpatialQueries.Knn k ? o.yields.get(k.yieldAs) : null;
    if (byDistance != null) { // a KNN's results come nearest first; SORTBY a distance sorts by it
      boolean asc = o.sortBy == null || o.sortAsc;
      order = (x, sx, y, sy) -> {
        Double dx = byDistance.get(x);
        Double dy = byDistance.get(y);
        if (dx == null || dy == null) {
          return dx == dy ? Integer.compare(x, y) : dx == null ? 1 : -1;
        }
        int v = asc ? Double.compare(dx, dy) : Double.compare(dy, dx);
        return v != 0 ? v : Integer.compare(x, y);
      };
    } else if (o.sortBy != null) {
      Comparator<SearchIndex.Doc> cmp = sortOrder(c, idx, idx.def.field(o.sortBy), o.sortAsc);
      order = (d1, s1, d2, s2) -> cmp.compare(idx.doc(d1), idx.doc(d2));
    } else {
      order = TopK.BY_SCORE;
    }
    TopK top = new TopK(o.num == 0 ? 0 : want, order);
    int total = 0;
    if (timing) {
      o.profile.built();
    }
    long loopStart = timing ? System.nanoTime() : 0;
    long scoreNanos = 0;
    long sortNanos = 0;
    for (int d = it.next(); d != DocIterator.END; d = it.next()) {
      // the Doc is loaded only when needed: a match is otherwise read from the index's columns (SearchIndex.columns)
      if (o.inKeys != null && !o.inKeys.contains(idx.doc(d).key())) {
        continue;
      }
      // a key whose time has passed but that nothing has removed yet is no longer a document
      if (idx.mayExpire(d) && db0.peekValue(idx.doc(d).keyBytes()) == null) {
        continue;
      }
      total++;
      if (o.num == 0) {
        continue; // LIMIT 0 0: the count alone
      }
      double score = 0;
      if (timing) {
        long t0 = System.nanoTime();
        score = !scored ? 0 : ex != null ? scorer.score(root, idx.doc(d), ex) : scorer.score(root, d);
        long t1 = System.nanoTime();
        top.offer(d, score);
        scoreNanos += t1 - t0;
        sortNanos += System.nanoTime() - t1;
        if (ex != null) {
          explained.put(d, ex[0]);
        }
        continue;
      }
      if (scored) {
        score = ex != null ? scorer.score(root, idx.doc(d), ex) : scorer.score(root, d, top.floor());
        if (ex != null) {
          explained.put(d, ex[0]);
        }
      }
      top.offer(d, score);
    }
    long loopNanos = timing ? System.nanoTime() - loopStart : 0;
    o.explained = explained;
    int n = top.size();
    int[] ids = new int[n];
    double[] scores = new double[n];
    top.drain(ids, scores);
    int from = (int) Math.min(o.offset, n);
    List<SearchIndex.Doc> page = new ArrayList<>(n - from);
    double[] pageScores = new double[n - from];
    for (int i = from; i < n; i++) {
      page.add(idx.doc(ids[i]));
      pageScores[i - from] = scores[i];
    }
    if (o.profile != null) {
      o.profile.searched(root, eval, total, page.size(), o.sortBy != null, scored, !o.noContent, o.hl != null,
          o.num == 0, loopNanos - scoreNanos - sortNanos, scoreNanos, sortNanos);
    }
    if (o.profile != null && c.reply().protocol() < 3) {
      c.reply().array(2); // [the search's reply, the profile]
      reply(c, idx, o, total, page, pageScores);
      o.profile.write(c.reply());
      return;
    }
    reply(c, idx, o, total, page, pageScores);
  }

  private Comparator<SearchIndex.Doc> sortOrder(CommandContext c, SearchIndex idx, FieldSpec f, boolean asc) {
    Map<Integer, Object> keys = new HashMap<>();
    java.util.function.Function<SearchIndex.Doc, Object> key = d -> keys.computeIfAbsent(d.id, x -> sortKey(c, idx,
        f, d));
    Comparator<SearchIndex.Doc> cmp = (x, y) -> {
      Object kx = key.apply(x);
      Object ky = key.apply(y);
      if (kx == null || ky == null) {
        return kx == ky ? Integer.compare(x.id, y.id) : kx == null ? 1 : -1; // missing values last
      }
      int v = kx instanceof Double dx ? Double.compare(dx, (Double) ky) : ((String) kx).compareTo((String) ky);
      if (!asc) {
        v = -v;
      }
      return v != 0 ? v : Integer.compare(x.id, y.id);
    };
    return cmp;
  }

  private Object sortKey(CommandContext c, SearchIndex idx, FieldSpec f, SearchIndex.Doc d) {
    if (f.type == FieldSpec.Type.NUMERIC) {
      double v = idx.numeric(f.attribute, d.id);
      return Double.isNaN(v) ? null : v;
    }
    String s = d.sortables() == null ? null : d.sortables().get(f.attribute);
    if (s == null) {
      String v = indexes.value(idx, c.db(0), d.keyBytes(), f.attribute, 2);
      s = v == null ? null : v.toLowerCase(Locale.ROOT);
    }
    return s;
  }

  private void reply(CommandContext c, SearchIndex idx, Options o, int total, List<SearchIndex.Doc> page,
      double[] scores) {
    Reply out = c.reply();
    boolean resp3 = out.protocol() >= 3;
    List<Map<String, String>> contents = new ArrayList<>();
    long t0 = o.profile != null ? System.nanoTime() : 0;
    for (SearchIndex.Doc d : page) {
      contents.add(o.noContent ? null : withYields(o, d, content(c, idx, o, d)));
    }
    if (o.profile != null) {
      o.profile.loaded(System.nanoTime() - t0);
    }
    if (!resp3) {
      int per = 1 + (o.withScores ? 1 : 0) + (o.withSortKeys ? 1 : 0) + (o.noContent ? 0 : 1);
      out.array(1 + per * page.size());
      out.integer(total);
      for (int k = 0; k < page.size(); k++) {
        SearchIndex.Doc d = page.get(k);
        out.bulk(d.keyBytes());
        if (o.withScores) {
          score(out, o, scores[k], d);
        }
        if (o.withSortKeys) {
          sortKeyReply(c, idx, o, d);
        }
        if (!o.noContent) {
          Map<String, String> m = contents.get(k);
          out.array(m.size() * 2);
          for (Map.Entry<String, String> e : m.entrySet()) {
            out.bulk(e.getKey());
            out.bulk(valueBytes(o, e));
          }
        }
      }
      return;
    }
    out.map(o.profile != null ? 6 : 5);
    out.bulk("attributes");
    out.array(0);
    out.bulk("format");
    out.simple(o.expand ? "EXPAND" : "STRING");
    out.bulk("results");
    out.array(page.size());
    for (int k = 0; k < page.size(); k++) {
      SearchIndex.Doc d = page.get(k);
      out.map(2 + (o.withScores ? 1 : 0) + (o.withSortKeys ? 1 : 0));
      out.bulk("id");
      out.bulk(d.keyBytes());
      if (o.withScores) {
        out.bulk("score");
        score(out, o, scores[k], d);
      }
      if (o.withSortKeys) {
        out.bulk("sortkey");
        sortKeyReply(c, idx, o, d);
      }
      out.bulk("extra_attributes");
      Map<String, String> m = contents.get(k);
      if (m == null) {
        out.map(0);
      } else {
        out.map(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
          out.bulk(e.getKey());
          if (o.expand && !o.yields.containsKey(e.getKey())) {
            // the whole document is one match of $: an array of it, as dialect 3 gives $
            ExpandFormat.write(out, o.returns == null && e.getKey().equals("$") ? "[" + e.getValue() + "]"
                : e.getValue());
          } else {
            out.bulk(valueBytes(o, e));
          }
        }
      }
    }
    out.bulk("total_results");
    out.integer(total);
    out.bulk("warning");
    out.array(0);
    if (o.profile != null) {
      out.bulk("profile");
      o.profile.write(out);
    }
  }

  /** A result's score; with EXPLAINSCORE {@code [score, explanation]}, RediSearch's shape. */
  private static void score(Reply out, Options o, double score, SearchIndex.Doc d) {
    if (o.explained == null) {
      out.doubleValue(score);
      return;
    }
    out.array(2);
    out.doubleValue(score);
    explain(out, o.explained.get(d.id));
  }

  private static void explain(Reply out, Scorer.Explain e) {
    if (e == null) {
      out.simple("");
    } else if (e.children().isEmpty()) {
      out.simple(e.text());
    } else {
      out.array(2);
      out.simple(e.text());
      out.array(e.children().size());
      for (Scorer.Explain c : e.children()) {
        explain(out, c);
      }
    }
  }

  private void sortKeyReply(CommandContext c, SearchIndex idx, Options o, SearchIndex.Doc d) {
    if (o.sortBy == null) {
      c.reply().nullBulk();
      return;
    }
    if (o.sortByYield) {
      Double v = o.yields.get(o.sortBy).get(d.id);
      if (v == null) {
        c.reply().nullBulk();
      } else {
        c.reply().bulk("#" + SpatialQueries.distanceText(v));
      }
      return;
    }
    Object k = sortKey(c, idx, idx.def.field(o.sortBy), d);
    if (k == null) {
      c.reply().nullBulk();
    } else if (k instanceof Double v) {
      c.reply().bulk("#" + fmt(v));
    } else {
      c.reply().bulk("$" + k);
    }
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /**
   * A hash's VECTOR fields as their stored bytes (a blob is not UTF-8 text): held as ISO-8859-1 strings, one char per
   * byte, and written back as those bytes ({@link #valueBytes}).
   */
  private static Map<String, String> blobsAsBytes(CommandContext c, SearchIndex idx, Options o, SearchIndex.Doc d,
      Map<String, String> doc) {
    Map<String, String> out = new LinkedHashMap<>(doc);
    for (FieldSpec f : idx.def.fields.values()) {
      if (f.type == FieldSpec.Type.VECTOR && out.containsKey(f.identifier)) {
        o.blobKeys.add(f.identifier);
      }
    }
    c.db(0).forEachHashField(d.keyBytes(), (f, v) -> {
      String name = new String(f, StandardCharsets.UTF_8);
      if (o.blobKeys.contains(name)) {
        out.put(name, new String(v, StandardCharsets.ISO_8859_1));
      }
    });
    return out;
  }

  private static byte[] valueBytes(Options o, Map.Entry<String, String> e) {
    return e.getValue().getBytes(o.blobKeys.contains(e.getKey()) ? StandardCharsets.ISO_8859_1
        : StandardCharsets.UTF_8);
  }

  /** A result's fields with the distances vector queries yielded first (under RETURN: those it names). */
  private static Map<String, String> withYields(Options o, SearchIndex.Doc d, Map<String, String> fields) {
    if (o.yields.isEmpty()) {
      return fields;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Map<Integer, Double>> e : o.yields.entrySet()) {
      Double v = e.getValue().get(d.id);
      if (v == null) {
        continue;
      }
      String name = e.getKey();
      if (o.returns != null) {
        name = null;
        for (String[] r : o.returns) {
          String id = r[0].startsWith("@") ? r[0].substring(1) : r[0];
          if (id.equals(e.getKey())) {
            name = r[1];
          }
        }
      }
      if (name != null) {
        out.put(name, SpatialQueries.distanceText(v));
      }
    }
    for (Map.Entry<String, String> e : fields.entrySet()) {
      out.putIfAbsent(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The fields a result carries: the whole hash, or RETURN's fields (under their AS names) that it has. */
  private Map<String, String> content(CommandContext c, SearchIndex idx, Options o, SearchIndex.Doc d) {
    if (idx.def.onJson && o.returns != null) {
      Map<String, String> out = new LinkedHashMap<>();
      for (String[] r : o.returns) {
        String id = r[0].startsWith("@") ? r[0].substring(1) : r[0];
        String v = indexes.value(idx, c.db(0), d.keyBytes(), id, o.expand ? Math.max(3, o.dialect) : o.dialect);
        if (v != null) {
          out.put(r[1], v);
        }
      }
      return out;
    }
    Map<String, String> doc = indexes.content(idx, c.db(0), d.keyBytes());
    if (doc == null) {
      doc = Map.of();
    }
    if (idx.def.hasVectors && !idx.def.onJson) {
      doc = blobsAsBytes(c, idx, o, d, doc);
    }
    if (o.hl != null) {
      Map<String, String> marked = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : doc.entrySet()) {
        marked.put(e.getKey(), o.hl.apply(idx.def.byIdentifier(e.getKey()), e.getValue()));
      }
      doc = marked;
    }
    if (o.returns == null) {
      return doc;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] r : o.returns) {
      String id = r[0].startsWith("@") ? r[0].substring(1) : r[0];
      FieldSpec f = idx.def.field(id);
      String v = doc.get(f != null ? f.identifier : id);
      if (v != null && o.blobKeys.contains(f != null ? f.identifier : id)) {
        o.blobKeys.add(r[1]);
      }
      if (v != null) {
        out.put(r[1].equals(r[0]) && f != null && !f.attribute.equals(id) ? r[1] : r[1], v);
      }
    }
    return out;
  }

  /**
   * FT.EXPLAIN / FT.EXPLAINCLI index query [options]: as RediSearch, the options are FT.SEARCH's (clients such as
   * redis-py send a query's LIMIT along); DIALECT and PARAMS shape the parse.
   */
  private void explain(CommandContext c, Args a, boolean cli) {
    SearchIndex idx = index(a.string(1));
    Options o = options(a, idx);
    QueryNode root = QueryParser.parse(a.string(2), idx.def, o.params, o.dialect, o.rawParams);
    StringBuilder sb = new StringBuilder();
    root.explain(sb, 0, idx);
    if (!cli) {
      c.reply().bulk(sb.toString().getBytes(StandardCharsets.UTF_8));
      return;
    }
    String[] lines = sb.toString().split("\n", -1);
    c.reply().array(lines.length);
    for (String l : lines) {
      c.reply().bulk(l);
    }
  }
}
