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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.LevenshteinAutomata;

/** The legacy document commands FT.GET, FT.MGET, FT.DEL, and FT.SPELLCHECK. */
final class DocumentCommands implements CommandFamily {
  static final CommandSpec GET = CommandSpec.command("ft.get", 3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).summary("Returns the full contents of a document").complexity("O(1)")
      .args(Arg.string("index"), Arg.string("doc_id")).build();
  static final CommandSpec MGET = CommandSpec.command("ft.mget", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).summary("Returns the full contents of multiple documents").complexity("O(N)")
      .args(Arg.string("index"), Arg.string("doc_id").multiple()).build();
  static final CommandSpec DEL = CommandSpec.command("ft.del", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE).summary("Deletes a document from the index").complexity("O(1)")
      .args(Arg.string("index"), Arg.string("doc_id"), Arg.token("DD").optional()).build();
  static final CommandSpec SPELLCHECK = CommandSpec.command("ft.spellcheck", -3).group(Group.MODULE)
      .since("1.4.0").flags(Flag.READONLY).summary("Performs spelling correction on a query, returning suggestions "
          + "for misspelled terms").complexity("O(1)").args(Arg.string("index"), Arg.string("query"),
          Arg.integer("distance").withToken("DISTANCE").optional(), Arg.string("terms").multiple().optional())
      .build();

  private final SearchCommands search;
  private final Indexes indexes;

  DocumentCommands(SearchCommands search, Indexes indexes) {
    this.search = search;
    this.indexes = indexes;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(GET, this::get);
    r.add(MGET, this::mget);
    r.add(DEL, this::del);
    r.add(SPELLCHECK, this::spellcheck);
  }

  private SearchIndex known(String name) {
    SearchIndex idx = indexes.get(name);
    if (idx == null) {
      throw SearchCommands.UNKNOWN_INDEX;
    }
    return idx;
  }

  /** The document's fields (a flat list, RESP3 too, as RediSearch), or null when it is not in the index. */
  private void document(CommandContext c, SearchIndex idx, String id) {
    SearchIndex.Doc d = idx.doc(id);
    Map<String, String> fields = d == null ? null : indexes.content(idx, c.db(0), d.keyBytes());
    if (fields == null) {
      c.reply().nullBulk();
      return;
    }
    c.reply().array(fields.size() * 2);
    fields.forEach((k, v) -> {
      c.reply().bulk(k);
      c.reply().bulk(v.getBytes(StandardCharsets.UTF_8));
    });
  }

  private void get(CommandContext c, Args a) {
    document(c, known(a.string(1)), a.string(2));
  }

  private void mget(CommandContext c, Args a) {
    SearchIndex idx = known(a.string(1));
    c.reply().array(a.size() - 2);
    for (int i = 2; i < a.size(); i++) {
      document(c, idx, a.string(i));
    }
  }

  /** FT.DEL index doc [DD]: deletes the document's key (RediSearch 2's documents are the keys): 1, or 0 if none. */
  /** FT.DEL index doc [DD]: deletes the key (DD is accepted and ignored, as in RediSearch 2.x); propagated as DEL. */
  private void del(CommandContext c, Args a) {
    known(a.string(1));
    if (a.size() > 4) {
      throw RedisException.err("wrong number of arguments for 'ft.del' command");
    }
    Object n = indexes.server().access().call(0, "DEL".getBytes(StandardCharsets.US_ASCII), a.get(2));
    c.preventPropagation(); // the DEL went to the AOF and replicas
    c.reply().integer(Long.valueOf(1).equals(n) ? 1 : 0);
  }

  /**
   * FT.SPELLCHECK index query [DISTANCE d] [TERMS INCLUDE|EXCLUDE dict [terms ...]] ... [DIALECT d]: for each query
   * term the index does not hold, the indexed terms within the distance (score: the share of documents holding the
   * suggestion) and the INCLUDE dictionaries' words within it (score 0); EXCLUDE dictionaries' words are not
   * suggested, and a term found in one is not reported.
   */
  private void spellcheck(CommandContext c, Args a) {
    SearchIndex idx = known(a.string(1));
    int distance = 1;
    List<TreeSet<String>> include = new ArrayList<>();
    List<TreeSet<String>> exclude = new ArrayList<>();
    int dialect = (int) search.settings.get("DEFAULT_DIALECT").get();
    for (int i = 3; i < a.size(); i++) {
      if (a.is(i, "distance") && i + 1 < a.size()) {
        long d = a.longArg(i + 1, RedisException.line("bad distance given, distance must be a natural number "
            + "between 1 to 4"));
        if (d < 1 || d > 4) {
          throw RedisException.line("bad distance given, distance must be a natural number between 1 to 4");
        }
        distance = (int) d;
        i++;
      } else if (a.is(i, "terms") && i + 2 < a.size()) {
        boolean inc = a.is(i + 1, "include");
        if (!inc && !a.is(i + 1, "exclude")) {
          throw RedisException.line("bad format, exclude/include operation was not given");
        }
        TreeSet<String> dict = indexes.dicts.get(a.string(i + 2));
        if (dict == null) {
          throw RedisException.line("Dict does not exist");
        }
        (inc ? include : exclude).add(dict);
        i += 2;
      } else if (a.is(i, "dialect") && i + 1 < a.size()) {
        dialect = (int) a.longArg(i + 1);
        i++;
      } else {
        throw RedisException.line("Unknown argument `" + a.string(i) + "`");
      }
    }
    List<String> words = new ArrayList<>();
    collect(QueryParser.parse(a.string(2), idx.def, Map.of(), dialect), words);
    Map<String, List<Object[]>> results = new java.util.LinkedHashMap<>();
    for (String w : words) {
      if (results.containsKey(w) || idx.terms.containsKey(w) || inAny(exclude, w)) {
        continue;
      }
      CharacterRunAutomaton near = new CharacterRunAutomaton(new LevenshteinAutomata(w, false)
          .toAutomaton(distance));
      TreeMap<String, Double> sugg = new TreeMap<>();
      for (Map.Entry<String, PostingList> e : idx.terms.entrySet()) {
        String t = e.getKey();
        if (!t.startsWith("+") && !t.startsWith("<") && near.run(t) && !inAny(exclude, t)) {
          sugg.put(t, idx.liveDocs == 0 ? 0 : (double) e.getValue().size() / idx.liveDocs);
        }
      }
      for (TreeSet<String> d : include) {
        for (String t : d) {
          if (near.run(t.toLowerCase(Locale.ROOT))) {
            sugg.putIfAbsent(t, 0.0);
          }
        }
      }
      List<Object[]> list = new ArrayList<>();
      sugg.forEach((t, s) -> list.add(new Object[] {t, s}));
      list.sort((x, y) -> Double.compare((Double) y[1], (Double) x[1]));
      results.put(w, list);
    }
    Reply r = c.reply();
    if (r.protocol() >= 3) {
      r.map(1);
      r.bulk("results");
      r.map(results.size());
      results.forEach((w, list) -> {
        r.bulk(w);
        r.array(list.size());
        for (Object[] s : list) {
          r.map(1);
          r.bulk((String) s[0]);
          r.doubleValue((Double) s[1]);
        }
      });
      return;
    }
    r.array(results.size());
    results.forEach((w, list) -> {
      r.array(3);
      r.bulk("TERM");
      r.bulk(w);
      r.array(list.size());
      for (Object[] s : list) {
        r.array(2);
        r.bulk(SearchCommands.fmt((Double) s[1]));
        r.bulk((String) s[0]);
      }
    });
  }

  private static boolean inAny(List<TreeSet<String>> dicts, String w) {
    for (Set<String> d : dicts) {
      if (d.contains(w)) {
        return true;
      }
    }
    return false;
  }

  private static void collect(QueryNode n, List<String> out) {
    switch (n) {
      case QueryNode.Term t -> out.add(t.word);
      case QueryNode.Intersect in -> in.children.forEach(x -> collect(x, out));
      case QueryNode.Union u -> u.children.forEach(x -> collect(x, out));
      case QueryNode.Optional o -> collect(o.child, out);
      case QueryNode.Not x -> collect(x.child, out);
      default -> { }
    }
  }
}
