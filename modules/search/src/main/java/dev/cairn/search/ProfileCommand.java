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
import java.util.List;

/**
 * FT.PROFILE index SEARCH|AGGREGATE [LIMITED] QUERY query [args]: the command's own reply and RediSearch 2.10's
 * profile beside it (RESP2 {@code [reply, profile]}, RESP3 the reply's map with a "profile" entry): total, parsing and
 * pipeline creation times, the warning, the iterators ({@link IteratorProfile}, which the evaluator implements) and
 * the result processors with their counters. Times are left out while FT.CONFIG's {@code _PRINT_PROFILE_CLOCK} is
 * false. LIMITED shows a prefix/fuzzy/tag union's size instead of its children.
 */
final class ProfileCommand implements CommandFamily {
  static final CommandSpec PROFILE = CommandSpec.command("ft.profile", -5).group(Group.MODULE).since("2.2.0")
      .flags(Flag.READONLY).summary("Performs a `FT.SEARCH` or `FT.AGGREGATE` command and collects performance "
          + "information").complexity("O(N)").args(Arg.string("index"), Arg.string("querytype"),
          Arg.string("limited").withToken("LIMITED").optional(), Arg.string("query").withToken("QUERY")).build();

  private final SearchCommands search;
  private final AggregateCommand aggregate;

  ProfileCommand(SearchCommands search, AggregateCommand aggregate) {
    this.search = search;
    this.aggregate = aggregate;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(PROFILE, this::profile);
  }

  /** A processor of the result chain as the profile lists it. */
  record Processor(String type, long counter, double millis) {
  }

  /** The profile of one run: its times, iterators and processors. */
  final class Profile {
    final long start = System.nanoTime();
    final boolean limited;
    double parseMs;
    double pipelineMs;
    IteratorProfile.Node iterators;
    final List<Processor> processors = new ArrayList<>();
    boolean timedOut;

    Profile(boolean limited) {
      this.limited = limited;
    }

    void write(Reply out) {
      boolean clock = search.settings.get("_PRINT_PROFILE_CLOCK").get() == 0;
      double total = (System.nanoTime() - start) / 1e6;
      if (out.protocol() >= 3) {
        out.map((clock ? 3 : 0) + 3);
        if (clock) {
          out.bulk("Total profile time");
          out.doubleValue(total);
          out.bulk("Parsing time");
          out.doubleValue(parseMs);
          out.bulk("Pipeline creation time");
          out.doubleValue(pipelineMs);
        }
        out.bulk("Warning");
        out.simple(timedOut ? AggregateCommand.TIMEOUT_ERROR : "None");
        out.bulk("Iterators profile");
        out.array(1);
        iterator(out, iterators, clock);
        out.bulk("Result processors profile");
        processors(out, clock);
        return;
      }
      out.array(6);
      timing(out, "Total profile time", total, clock);
      timing(out, "Parsing time", parseMs, clock);
      timing(out, "Pipeline creation time", pipelineMs, clock);
      out.array(timedOut ? 2 : 1);
      out.simple("Warning");
      if (timedOut) {
        out.simple(AggregateCommand.TIMEOUT_ERROR);
      }
      out.array(2);
      out.simple("Iterators profile");
      iterator(out, iterators, clock);
      processors(out, clock);
    }

    private void timing(Reply out, String name, double ms, boolean clock) {
      out.array(clock ? 2 : 1);
      out.simple(name);
      if (clock) {
        out.doubleValue(ms);
      }
    }

    private void processors(Reply out, boolean clock) {
      boolean resp3 = out.protocol() >= 3;
      out.array(processors.size() + (resp3 ? 0 : 1));
      if (!resp3) {
        out.simple("Result processors profile");
      }
      for (Processor p : processors) {
        out.map(clock ? 3 : 2);
        out.bulk("Type");
        out.simple(p.type());
        if (clock) {
          out.bulk("Time");
          out.doubleValue(p.millis());
        }
        out.bulk("Counter");
        out.integer(p.counter());
      }
    }

    /** One iterator: a map (RESP2: flat), children under "Child iterators" (RESP2: flat after it). */
    private void iterator(Reply out, IteratorProfile.Node n, boolean clock) {
      boolean resp3 = out.protocol() >= 3;
      boolean union = n.queryType() != null;
      boolean hideChildren = limited && union && !n.queryType().equals("UNION");
      boolean hasChildren = !n.children().isEmpty() || union;
      int pairs = 1 + (n.term() != null ? 1 : 0) + (union ? 1 : 0) + (clock ? 1 : 0) + 1 + (n.size() >= 0 ? 1 : 0)
          + (hasChildren ? 1 : 0);
      if (resp3) {
        out.map(pairs);
      } else {
        int children = hasChildren && !n.single() && !hideChildren ? n.children().size() : hasChildren ? 1 : 0;
        out.array((pairs - (hasChildren ? 1 : 0)) * 2 + (hasChildren ? 1 + children : 0));
      }
      out.bulk("Type");
      out.simple(n.type());
      if (n.term() != null) {
        out.bulk("Term");
        out.simple(n.term());
      }
      if (union) {
        out.bulk("Query type");
        out.simple(n.queryType());
      }
      if (clock) {
        out.bulk("Time");
        out.doubleValue(n.millis());
      }
      out.bulk("Counter");
      out.integer(n.counter());
      if (n.size() >= 0) {
        out.bulk("Size");
        out.integer(n.size());
      }
      if (!hasChildren) {
        return;
      }
      if (n.single()) {
        out.bulk("Child iterator");
        iterator(out, n.children().get(0), clock);
        return;
      }
      out.bulk("Child iterators");
      if (hideChildren) {
        out.simple("The number of iterators in the union is " + n.children().size());
        return;
      }
      if (resp3) {
        out.array(n.children().size());
      }
      for (IteratorProfile.Node c : n.children()) {
        iterator(out, c, clock);
      }
    }
  }

  /** FT.SEARCH's side of a profile: what ran, told by the search once it has its results. */
  final class SearchProfile {
    final Profile profile;
    private final long parseStart = System.nanoTime();

    SearchProfile(Profile profile) {
      this.profile = profile;
    }

    void searched(QueryNode root, IteratorProfile eval, int hits, int page, boolean sorted, boolean scored,
        boolean loaded, boolean highlighted, boolean countOnly, long indexNanos, long scoreNanos, long sortNanos) {
      profile.iterators = eval.describe(root);
      List<Processor> p = profile.processors;
      p.add(new Processor("Index", hits, indexNanos / 1e6));
      if (countOnly) {
        p.add(new Processor("Counter", 1, 0));
        return;
      }
      if (scored) {
        p.add(new Processor("Scorer", hits, scoreNanos / 1e6));
      }
      p.add(new Processor("Sorter", page, sortNanos / 1e6));
      if (loaded) {
        loader = p.size();
        p.add(new Processor("Loader", page, 0));
      }
      if (highlighted) {
        p.add(new Processor("Highlighter", page, 0));
      }
    }

    private long parsed;

    /** The query is parsed: the parsing time ends, the pipeline's creation (the iterators) starts. */
    void parsed() {
      parsed = System.nanoTime();
      profile.parseMs = (parsed - parseStart) / 1e6;
    }

    /** The iterators are built: the pipeline's creation ends. */
    void built() {
      profile.pipelineMs = (System.nanoTime() - parsed) / 1e6;
    }

    /** Where the Loader is in the processors (-1: none). */
    private int loader = -1;

    /** The time the reply's documents took to read (the Loader's; the Highlighter's work is part of it). */
    void loaded(long nanos) {
      if (loader >= 0) {
        Processor l = profile.processors.get(loader);
        profile.processors.set(loader, new Processor(l.type(), l.counter(), nanos / 1e6));
      }
    }

    void write(Reply out) {
      profile.write(out);
    }
  }

  private void profile(CommandContext c, Args a) {
    String kind = a.string(2);
    boolean isSearch = kind.equalsIgnoreCase("search");
    if (!isSearch && !kind.equalsIgnoreCase("aggregate")) {
      throw RedisException.line("No `SEARCH` or `AGGREGATE` provided");
    }
    int i = 3;
    boolean limited = a.is(i, "limited");
    if (limited) {
      i++;
    }
    if (i >= a.size() || !a.is(i, "query")) {
      throw RedisException.line("The QUERY keyword is expected");
    }
    if (i + 1 >= a.size()) {
      throw RedisException.line("wrong number of arguments for 'ft.profile' command");
    }
    Profile profile = new Profile(limited);
    // the command as FT.SEARCH/FT.AGGREGATE would see it: [cmd, index, query, args...]
    byte[][] argv = new byte[a.size() - i + 1][];
    argv[0] = (isSearch ? "FT.SEARCH" : "FT.AGGREGATE").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    argv[1] = a.get(1);
    for (int k = i + 1; k < a.size(); k++) {
      argv[k - i + 1] = a.get(k);
    }
    Args inner = Args.ofBytes(argv);
    if (isSearch) {
      search.search(c, inner, new SearchProfile(profile));
      return;
    }
    long t0 = System.nanoTime();
    AggregateCommand.Started s = aggregate.start(c, inner, 3, true);
    profile.pipelineMs = (System.nanoTime() - t0) / 1e6;
    AggregatePipeline.Chunk chunk = s.pipeline().read(Long.MAX_VALUE);
    profile.iterators = s.eval().describe(s.root());
    profile.timedOut = chunk.timedOut;
    for (AggregatePipeline.Proc p : s.pipeline().procs) {
      long own = p.nanos - (p.upstream == null ? 0 : p.upstream.nanos); // its own time, as RediSearch shows
      profile.processors.add(new Processor(p.type, p.count, own / 1e6));
    }
    aggregate.reply(c.reply(), chunk, -1, profile::write);
  }
}
