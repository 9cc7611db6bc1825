package dev.cairn.search;

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
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * _FT.DEBUG (and FT.DEBUG) subcommands that clients and tests use and that are cheap here: DUMP_INVIDX idx term
 * (the doc ids of a term), DUMP_TAGIDX / INFO_TAGIDX idx field, DUMP_NUMIDX / NUMIDX_SUMMARY idx field, DUMP_TERMS
 * idx, DOCIDTOID / IDTODOCID, GC_FORCEINVOKE / GC_FORCEBGINVOKE (the deleted vectors; other entries leave at deletion),
 * VECSIM_INFO idx field (an HNSW field shows as RediSearch's tiered index: the vectors waiting for the background
 * builder are the flat front end, the graph the back end), HELP.
 * Doc ids are shown 1-based, as RediSearch's.
 */
final class SearchDebugCommands implements CommandFamily {
  private static final List<String> SUBCOMMANDS = List.of("DUMP_INVIDX", "DUMP_NUMIDX", "DUMP_TAGIDX", "INFO_TAGIDX",
      "IDTODOCID", "DOCIDTOID", "DUMP_TERMS", "NUMIDX_SUMMARY", "GC_FORCEINVOKE", "GC_FORCEBGINVOKE", "VECSIM_INFO", "HELP");

  private final Indexes indexes;

  SearchDebugCommands(Indexes indexes, SearchCommands search) {
    this.indexes = indexes;
  }

  private static CommandSpec spec(String name) {
    return CommandSpec.command(name, -2).group(Group.MODULE).since("1.0.0").flags(Flag.ADMIN)
        .summary("Debug commands of the search module").complexity("O(N)")
        .args(Arg.string("subcommand"), Arg.string("args").multiple().optional()).build();
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(spec("_ft.debug"), this::debug);
    r.add(spec("ft.debug"), this::debug);
  }

  private SearchIndex index(Args a) {
    SearchIndex idx = a.size() > 2 ? indexes.get(a.string(2)) : null;
    if (idx == null) {
      throw RedisException.line("Can not create a search ctx");
    }
    return idx;
  }

  private static void arity(Args a, int n, String sub) {
    if (a.size() != n) {
      throw RedisException.line("wrong number of arguments for '" + sub + "' command");
    }
  }

  private static FieldSpec field(SearchIndex idx, String name, FieldSpec.Type type) {
    FieldSpec f = idx.def.field(name);
    if (f == null || f.type != type) {
      throw RedisException.line("Could not find given field in index spec");
    }
    return f;
  }

  private void debug(CommandContext c, Args a) {
    String sub = a.string(1).toUpperCase(java.util.Locale.ROOT);
    Reply out = c.reply();
    switch (sub) {
      case "HELP" -> {
        out.array(SUBCOMMANDS.size());
        SUBCOMMANDS.forEach(out::bulk);
      }
      case "DUMP_INVIDX" -> {
        arity(a, 4, sub);
        SearchIndex idx = index(a);
        PostingList p = idx.terms.get(a.string(3));
        if (p == null) {
          throw RedisException.line("Can not find the inverted index");
        }
        List<Integer> ids = new ArrayList<>(p.size());
        PostingList.Cursor cur = p.cursor();
        for (int d = cur.next(); d != PostingList.Cursor.END; d = cur.next()) {
          ids.add(d);
        }
        out.array(ids.size());
        ids.forEach(d -> out.integer(d + 1));
      }
      case "DUMP_TAGIDX" -> {
        arity(a, 4, sub);
        SearchIndex idx = index(a);
        FieldSpec f = field(idx, a.string(3), FieldSpec.Type.TAG);
        TreeMap<String, DocIdSet> values = idx.tags.getOrDefault(f.attribute, new TreeMap<>());
        out.array(values.size());
        values.forEach((v, docs) -> {
          out.array(2);
          out.bulk(v);
          ids(out, docs);
        });
      }
      case "INFO_TAGIDX" -> {
        if (a.size() < 4) {
          throw RedisException.line("wrong number of arguments for '" + sub + "' command");
        }
        SearchIndex idx = index(a);
        FieldSpec f = field(idx, a.string(3), FieldSpec.Type.TAG);
        TreeMap<String, DocIdSet> values = idx.tags.getOrDefault(f.attribute, new TreeMap<>());
        out.array(2);
        out.bulk("num_values");
        out.integer(values.size());
      }
      case "DUMP_NUMIDX" -> {
        if (a.size() < 4) {
          throw RedisException.line("wrong number of arguments for '" + sub + "' command");
        }
        SearchIndex idx = index(a);
        FieldSpec f = field(idx, a.string(3), FieldSpec.Type.NUMERIC);
        BitSet docs = numericDocs(idx, f);
        out.array(docs.isEmpty() ? 0 : 1); // one range: the values are a column, not a tree
        if (!docs.isEmpty()) {
          ids(out, docs);
        }
      }
      case "NUMIDX_SUMMARY" -> {
        arity(a, 4, sub);
        SearchIndex idx = index(a);
        FieldSpec f = field(idx, a.string(3), FieldSpec.Type.NUMERIC);
        BitSet docs = numericDocs(idx, f);
        int last = docs.length();
        out.array(12);
        out.bulk("numRanges");
        out.integer(docs.isEmpty() ? 0 : 1);
        out.bulk("numEntries");
        out.integer(docs.cardinality());
        out.bulk("lastDocId");
        out.integer(last);
        out.bulk("revisionId");
        out.integer(0);
        out.bulk("emptyLeaves");
        out.integer(0);
        out.bulk("RootMaxDepth");
        out.integer(0);
      }
      case "DUMP_TERMS" -> {
        arity(a, 3, sub);
        SearchIndex idx = index(a);
        List<String> terms = new ArrayList<>();
        for (String t : idx.terms.keySet()) {
          if (!t.startsWith("+") && !t.startsWith("<")) {
            terms.add(t);
          }
        }
        out.array(terms.size());
        terms.forEach(out::bulk);
      }
      case "DOCIDTOID" -> {
        arity(a, 4, sub);
        SearchIndex.Doc d = index(a).doc(a.string(3));
        out.integer(d == null ? 0 : d.id + 1);
      }
      case "IDTODOCID" -> {
        arity(a, 4, sub);
        SearchIndex idx = index(a);
        long id;
        try {
          id = Long.parseLong(a.string(3));
        } catch (NumberFormatException e) {
          throw RedisException.line("bad id given");
        }
        SearchIndex.Doc d = id >= 1 && id <= idx.maxDocId() ? idx.doc((int) id - 1) : null;
        if (d == null) {
          throw RedisException.line("document was removed");
        }
        out.bulk(d.keyBytes());
      }
      case "GC_FORCEINVOKE", "GC_FORCEBGINVOKE" -> {
        index(a).collectGarbage(); // on the engine thread at once: the background form's work is done on reply
        if (sub.equals("GC_FORCEINVOKE")) {
          out.simple("DONE");
        } else {
          out.ok();
        }
      }
      case "VECSIM_INFO" -> {
        arity(a, 4, sub);
        SearchIndex idx = index(a);
        FieldSpec f = field(idx, a.string(3), FieldSpec.Type.VECTOR);
        vecsimInfo(out, f.vector, idx.vectors.get(f.attribute));
      }
      default -> throw RedisException.line("subcommand was not found");
    }
  }

  private static void vecsimInfo(Reply out, VectorParams p, VectorStore s) {
    int labels = s == null ? 0 : s.size();
    int stored = s == null ? 0 : s.storedOrdinals();
    int inGraph = s == null ? 0 : s.graphSize();
    out.array(p.hnsw ? 22 : 18);
    kv(out, "ALGORITHM", p.hnsw ? "TIERED" : "FLAT");
    kv(out, "TYPE", p.type.name());
    kv(out, "DIMENSION", p.dim);
    kv(out, "METRIC", p.metric.name());
    kv(out, "IS_MULTI_VALUE", 0);
    kv(out, "INDEX_SIZE", stored);
    kv(out, "INDEX_LABEL_COUNT", labels);
    kv(out, "MEMORY", s == null ? 0 : s.estimatedBytes());
    if (!p.hnsw) {
      kv(out, "BLOCK_SIZE", p.blockSize);
      return;
    }
    kv(out, "BACKGROUND_INDEXING", s != null && s.backgroundIndexing() ? 1 : 0);
    out.bulk("FRONTEND_INDEX");
    out.array(4);
    kv(out, "ALGORITHM", "FLAT");
    kv(out, "INDEX_SIZE", stored - inGraph);
    out.bulk("BACKEND_INDEX");
    out.array(12);
    kv(out, "ALGORITHM", "HNSW");
    kv(out, "INDEX_SIZE", inGraph);
    kv(out, "M", p.m);
    kv(out, "EF_CONSTRUCTION", p.efConstruction);
    kv(out, "EF_RUNTIME", p.efRuntime);
    kv(out, "EPSILON", SpatialQueries.distanceText(p.epsilon));
  }

  private static void kv(Reply out, String name, Object value) {
    out.bulk(name);
    if (value instanceof String str) {
      out.bulk(str);
    } else {
      out.integer(((Number) value).longValue());
    }
  }

  private static BitSet numericDocs(SearchIndex idx, FieldSpec f) {
    BitSet docs = new BitSet();
    idx.table.forEach(id -> {
      if (!Double.isNaN(idx.numeric(f.attribute, id))) {
        docs.set(id);
      }
    });
    return docs;
  }

  private static void ids(Reply out, DocIdSet docs) {
    out.array(docs.size());
    DocIterator it = docs.iterator();
    for (int d = it.next(); d != DocIterator.END; d = it.next()) {
      out.integer(d + 1);
    }
  }

  private static void ids(Reply out, BitSet docs) {
    out.array(docs.cardinality());
    for (int d = docs.nextSetBit(0); d >= 0; d = docs.nextSetBit(d + 1)) {
      out.integer(d + 1);
    }
  }
}
