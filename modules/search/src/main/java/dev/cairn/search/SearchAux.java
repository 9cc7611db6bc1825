package dev.cairn.search;

import dev.cairn.api.ModuleServer;
import dev.cairn.api.type.AuxData;
import dev.cairn.api.type.RdbFormatException;
import dev.cairn.api.type.RdbInput;
import dev.cairn.api.type.RdbOutput;
import dev.cairn.api.type.TypeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The index definitions, aliases, synonym groups and dictionaries in RDB files (module AUX data), so that a restart
 * recreates the indexes as RediSearch does; the documents are indexed again as the keys load.
 *
 * <pre>
 * encver 1 := unsigned(indexes) index{indexes} unsigned(aliases) (string(alias) string(index)){aliases}
 *             unsigned(dicts) (string(name) words){dicts}
 * index    := string(name) words(FT.CREATE arguments after the name, FT.ALTER's fields appended)
 *             unsigned(groups) (string(group id) words){groups}
 * words    := unsigned(n) string{n}
 * </pre>
 */
final class SearchAux implements AuxData<SearchAux.State> {
  static final TypeId ID = TypeId.of("CairnSrch", 1);

  private final Indexes indexes;
  private final ModuleServer server;

  SearchAux(Indexes indexes, ModuleServer server) {
    this.indexes = indexes;
    this.server = server;
  }

  /** An immutable image of what is saved. */
  record State(List<IndexState> indexes, Map<String, String> aliases, Map<String, List<String>> dicts) { }

  record IndexState(String name, List<String> args, Map<String, List<String>> synonyms) { }

  @Override
  public TypeId id() {
    return ID;
  }

  @Override
  public State capture() {
    if (indexes.byName.isEmpty() && indexes.dicts.isEmpty()) {
      return null;
    }
    List<IndexState> list = new ArrayList<>();
    for (SearchIndex idx : indexes.byName.values()) {
      Map<String, List<String>> syn = new LinkedHashMap<>();
      idx.synonyms.forEach((g, t) -> syn.put(g, List.copyOf(t)));
      list.add(new IndexState(idx.def.name, List.copyOf(idx.def.args), syn));
    }
    Map<String, List<String>> dicts = new LinkedHashMap<>();
    indexes.dicts.forEach((n, d) -> dicts.put(n, List.copyOf(d)));
    return new State(list, Map.copyOf(indexes.aliases), dicts);
  }

  /**
   * An AOF rewrite without an RDB preamble: the state as commands before the keys (RediSearch refuses to load with
   * AOF on and {@code aof-use-rdb-preamble no}; Cairn bundles this module, so it writes the definitions instead). The
   * idempotent forms, so that DEBUG LOADAOF over existing indexes replays cleanly.
   */
  @Override
  public void aofRewrite(dev.cairn.api.type.AofEmitter out, State s) {
    for (IndexState i : s.indexes()) {
      List<String> create = new ArrayList<>();
      create.add("FT._CREATEIFNX");
      create.add(i.name());
      create.addAll(i.args());
      out.emit(create.toArray(new String[0]));
      for (Map.Entry<String, List<String>> e : i.synonyms().entrySet()) {
        List<String> syn = new ArrayList<>(List.of("FT.SYNUPDATE", i.name(), e.getKey(), "SKIPINITIALSCAN"));
        syn.addAll(e.getValue());
        out.emit(syn.toArray(new String[0]));
      }
    }
    s.aliases().forEach((alias, target) -> out.emit("FT._ALIASADDIFNX", alias, target));
    s.dicts().forEach((name, words) -> {
      if (!words.isEmpty()) {
        List<String> add = new ArrayList<>(List.of("FT.DICTADD", name));
        add.addAll(words);
        out.emit(add.toArray(new String[0]));
      }
    });
  }

  @Override
  public void save(RdbOutput out, State s) throws IOException {
    out.writeUnsigned(s.indexes().size());
    for (IndexState i : s.indexes()) {
      out.writeString(i.name());
      words(out, i.args());
      out.writeUnsigned(i.synonyms().size());
      for (Map.Entry<String, List<String>> e : i.synonyms().entrySet()) {
        out.writeString(e.getKey());
        words(out, e.getValue());
      }
    }
    out.writeUnsigned(s.aliases().size());
    for (Map.Entry<String, String> e : s.aliases().entrySet()) {
      out.writeString(e.getKey());
      out.writeString(e.getValue());
    }
    out.writeUnsigned(s.dicts().size());
    for (Map.Entry<String, List<String>> e : s.dicts().entrySet()) {
      out.writeString(e.getKey());
      words(out, e.getValue());
    }
  }

  private static void words(RdbOutput out, List<String> words) throws IOException {
    out.writeUnsigned(words.size());
    for (String w : words) {
      out.writeString(w);
    }
  }

  private static List<String> words(RdbInput in) throws IOException {
    long n = in.readUnsigned();
    List<String> out = new ArrayList<>();
    for (long k = 0; k < n; k++) {
      out.add(string(in));
    }
    return out;
  }

  private static String string(RdbInput in) throws IOException {
    return new String(in.readBytes(), StandardCharsets.UTF_8);
  }

  @Override
  public Object load(RdbInput in, int encver) throws IOException {
    if (encver != 1) {
      throw new RdbFormatException("unknown search AUX encoding version " + encver);
    }
    List<IndexState> list = new ArrayList<>();
    long n = in.readUnsigned();
    for (long k = 0; k < n; k++) {
      String name = string(in);
      List<String> args = words(in);
      Map<String, List<String>> syn = new LinkedHashMap<>();
      long groups = in.readUnsigned();
      for (long g = 0; g < groups; g++) {
        syn.put(string(in), words(in));
      }
      list.add(new IndexState(name, args, syn));
    }
    Map<String, String> aliases = new LinkedHashMap<>();
    long na = in.readUnsigned();
    for (long k = 0; k < na; k++) {
      aliases.put(string(in), string(in));
    }
    Map<String, List<String>> dicts = new LinkedHashMap<>();
    long nd = in.readUnsigned();
    for (long k = 0; k < nd; k++) {
      dicts.put(string(in), words(in));
    }
    return new State(list, aliases, dicts);
  }

  /** Recreates the indexes (one of the same name is replaced), then indexes the keys present. */
  @Override
  public void apply(Object loaded, boolean replace) {
    State s = (State) loaded;
    for (IndexState i : s.indexes()) {
      SearchIndex idx = new SearchIndex(IndexDefinition.parse(i.name(), i.args()));
      i.synonyms().forEach((g, t) -> idx.synonyms.put(g, new ArrayList<>(t)));
      indexes.add(i.name(), idx);
      indexes.scan(idx, server.access().db(0));
    }
    indexes.aliases.putAll(s.aliases());
    s.dicts().forEach((name, words) -> indexes.dicts.computeIfAbsent(name, x -> new TreeSet<>()).addAll(words));
  }
}
