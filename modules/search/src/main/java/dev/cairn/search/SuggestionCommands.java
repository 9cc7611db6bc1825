package dev.cairn.search;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.LevenshteinAutomata;
import org.apache.lucene.util.automaton.Operations;

/** FT.SUGADD, FT.SUGGET, FT.SUGDEL, FT.SUGLEN: auto-complete dictionaries stored at keys. */
final class SuggestionCommands implements CommandFamily {
  static final CommandSpec SUGADD = CommandSpec.command("ft.sugadd", -4).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Adds a suggestion string to an auto-complete suggestion dictionary").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("string"), Arg.dbl("score"), Arg.token("INCR").optional(),
          Arg.string("payload").withToken("PAYLOAD").optional()).build();
  static final CommandSpec SUGGET = CommandSpec.command("ft.sugget", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Gets completion suggestions for a prefix").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("prefix"), Arg.token("FUZZY").optional(),
          Arg.token("WITHSCORES").optional(), Arg.token("WITHPAYLOADS").optional(),
          Arg.integer("max").withToken("MAX").optional()).build();
  static final CommandSpec SUGDEL = CommandSpec.command("ft.sugdel", 3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.DELETE))
      .summary("Deletes a string from a suggestion index").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.string("string")).build();
  static final CommandSpec SUGLEN = CommandSpec.command("ft.suglen", 2).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Gets the size of an auto-complete suggestion dictionary").complexity("O(1)")
      .args(Arg.key("key", 0)).build();

  @Override
  public void register(CommandRegistry r) {
    r.add(SUGADD, SuggestionCommands::sugadd);
    r.add(SUGGET, SuggestionCommands::sugget);
    r.add(SUGDEL, SuggestionCommands::sugdel);
    r.add(SUGLEN, SuggestionCommands::suglen);
  }

  private static void changed(CommandContext c, byte[] key, String event) {
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, event, key, c.db().id());
    c.addDirty(1);
  }

  /** FT.SUGADD key string score [INCR] [PAYLOAD payload]: the dictionary's size. */
  private static void sugadd(CommandContext c, Args a) {
    byte[] key = a.get(1);
    String text = a.string(2);
    double score = a.doubleArg(3, RedisException.err("invalid score"));
    boolean incr = false;
    byte[] payload = null;
    for (int i = 4; i < a.size(); i++) {
      if (a.is(i, "incr")) {
        incr = true;
      } else if (a.is(i, "payload") && i + 1 < a.size()) {
        payload = a.get(++i);
      } else {
        throw RedisException.err("Unknown argument `" + a.string(i) + "`");
      }
    }
    Suggestions s = c.db().getForWrite(key, Suggestions.Type.INSTANCE);
    if (s == null) {
      s = new Suggestions();
      c.db().set(key, Suggestions.Type.INSTANCE, s);
    }
    String k = Suggestions.fold(text);
    Suggestions.Entry e = s.entries.get(k);
    if (e == null) {
      s.entries.put(k, new Suggestions.Entry(text, score, payload));
    } else {
      e.score = incr ? e.score + score : score;
      if (payload != null) {
        e.payload = payload;
      }
    }
    changed(c, key, "ft.sugadd");
    c.reply().integer(s.entries.size());
  }

  /** FT.SUGGET key prefix [FUZZY] [WITHSCORES] [WITHPAYLOADS] [MAX n]: best scores first. */
  private static void sugget(CommandContext c, Args a) {
    boolean fuzzy = false;
    boolean scores = false;
    boolean payloads = false;
    long max = 5;
    for (int i = 3; i < a.size(); i++) {
      if (a.is(i, "fuzzy")) {
        fuzzy = true;
      } else if (a.is(i, "withscores")) {
        scores = true;
      } else if (a.is(i, "withpayloads")) {
        payloads = true;
      } else if (a.is(i, "max") && i + 1 < a.size()) {
        max = a.longArg(++i, RedisException.err("Invalid value for MAX"));
        if (max < 0) {
          throw RedisException.err("Invalid value for MAX");
        }
      } else {
        throw RedisException.err("Unknown argument `" + a.string(i) + "`");
      }
    }
    Suggestions s = c.db().get(a.get(1), Suggestions.Type.INSTANCE);
    Reply r = c.reply();
    String prefix = Suggestions.fold(a.string(2));
    List<Suggestions.Entry> hits = new ArrayList<>();
    if (s != null) {
      if (fuzzy) {
        Automaton near = Operations.determinize(Operations.concatenate(List.of(
            new LevenshteinAutomata(prefix, false).toAutomaton(1), Automata.makeAnyString())),
            Operations.DEFAULT_DETERMINIZE_WORK_LIMIT);
        CharacterRunAutomaton run = new CharacterRunAutomaton(near);
        for (Map.Entry<String, Suggestions.Entry> e : s.entries.entrySet()) {
          if (run.run(e.getKey())) {
            hits.add(e.getValue());
          }
        }
      } else {
        for (Map.Entry<String, Suggestions.Entry> e : s.entries.tailMap(prefix).entrySet()) {
          if (!e.getKey().startsWith(prefix)) {
            break;
          }
          hits.add(e.getValue());
        }
      }
    }
    hits.sort((x, y) -> x.score != y.score ? Double.compare(y.score, x.score) : x.text.compareTo(y.text));
    if (hits.size() > max) {
      hits = hits.subList(0, (int) max);
    }
    r.array(hits.size() * (1 + (scores ? 1 : 0) + (payloads ? 1 : 0)));
    for (Suggestions.Entry e : hits) {
      r.bulk(e.text.getBytes(StandardCharsets.UTF_8));
      if (scores) {
        r.bulk(SearchCommands.fmt(e.score));
      }
      if (payloads) {
        if (e.payload == null) {
          r.nullBulk();
        } else {
          r.bulk(e.payload);
        }
      }
    }
  }

  private static void sugdel(CommandContext c, Args a) {
    byte[] key = a.get(1);
    Suggestions s = c.db().getForWrite(key, Suggestions.Type.INSTANCE);
    if (s == null || s.entries.remove(Suggestions.fold(a.string(2))) == null) {
      c.reply().integer(0);
      return;
    }
    if (s.entries.isEmpty()) {
      c.db().delete(key);
      changed(c, key, "ft.sugdel");
      c.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db().id());
    } else {
      changed(c, key, "ft.sugdel");
    }
    c.reply().integer(1);
  }

  private static void suglen(CommandContext c, Args a) {
    Suggestions s = c.db().get(a.get(1), Suggestions.Type.INSTANCE);
    c.reply().integer(s == null ? 0 : s.entries.size());
  }
}
