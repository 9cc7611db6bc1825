package dev.cairn.search;

import dev.cairn.api.ServerAccess;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands RediSearch 2.x keeps for old clients and for replicas of old masters: FT.ADD and FT.SAFEADD (which
 * write the document as a hash with HSET, as 2.x does, and let the index pick it up from the keyspace), FT.DROP
 * (deletes the documents unless KEEPDOCS), FT.SYNADD (an error), and the idempotent forms a replica-of source sends:
 * FT._CREATEIFNX, FT._ALTERIFNX, FT._DROPIFX, FT._DROPINDEXIFX, FT._ALIASADDIFNX, FT._ALIASDELIFX.
 */
final class LegacyCommands implements CommandFamily {
  private static CommandSpec.Builder cmd(String name, int arity, String summary, Flag... flags) {
    return CommandSpec.command(name, arity).group(Group.MODULE).since("1.0.0").flags(flags).summary(summary)
        .complexity("O(1)");
  }

  static final CommandSpec ADD = cmd("ft.add", -4, "Adds a document to the index (deprecated: HSET)", Flag.WRITE,
      Flag.DENYOOM).args(Arg.string("index"), Arg.string("docId"), Arg.string("score"),
          Arg.string("options").multiple()).build();
  static final CommandSpec SAFEADD = cmd("ft.safeadd", -4, "Adds a document to the index (deprecated: HSET)",
      Flag.WRITE, Flag.DENYOOM).args(Arg.string("index"), Arg.string("docId"), Arg.string("score"),
          Arg.string("options").multiple()).build();
  static final CommandSpec DROP = cmd("ft.drop", -2, "Deletes the index and its documents (deprecated)", Flag.WRITE)
      .args(Arg.string("index"), Arg.string("KEEPDOCS").optional()).build();
  static final CommandSpec SYNADD = cmd("ft.synadd", -2, "Deprecated: use FT.SYNUPDATE", Flag.WRITE)
      .args(Arg.string("args").multiple()).build();
  static final CommandSpec CREATE_IFNX = cmd("ft._createifnx", -2, "FT.CREATE unless the index exists", Flag.WRITE,
      Flag.DENYOOM).args(Arg.string("args").multiple()).build();
  static final CommandSpec ALTER_IFNX = cmd("ft._alterifnx", -5, "FT.ALTER unless the field exists", Flag.WRITE,
      Flag.DENYOOM).args(Arg.string("args").multiple()).build();
  static final CommandSpec DROP_IFX = cmd("ft._dropifx", -2, "FT.DROP if the index exists", Flag.WRITE)
      .args(Arg.string("args").multiple()).build();
  static final CommandSpec DROPINDEX_IFX = cmd("ft._dropindexifx", -2, "FT.DROPINDEX if the index exists",
      Flag.WRITE).args(Arg.string("args").multiple()).build();
  static final CommandSpec ALIASADD_IFNX = cmd("ft._aliasaddifnx", 3, "FT.ALIASADD unless it is there", Flag.WRITE)
      .args(Arg.string("alias"), Arg.string("index")).build();
  static final CommandSpec ALIASDEL_IFX = cmd("ft._aliasdelifx", 2, "FT.ALIASDEL if the alias exists", Flag.WRITE)
      .args(Arg.string("alias")).build();

  private final Indexes indexes;
  private final SearchCommands search;
  private final SearchAdminCommands admin;

  LegacyCommands(Indexes indexes, SearchCommands search, SearchAdminCommands admin) {
    this.indexes = indexes;
    this.search = search;
    this.admin = admin;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(ADD, this::add);
    r.add(SAFEADD, this::add);
    r.add(DROP, this::drop);
    r.add(SYNADD, (c, a) -> {
      throw RedisException.line("No longer suppoted, use FT.SYNUPDATE"); // sic, RediSearch's text
    });
    r.add(CREATE_IFNX, (c, a) -> {
      if (indexes.byName.containsKey(a.string(1))) {
        c.reply().ok();
      } else {
        search.create(c, a);
      }
    });
    r.add(ALTER_IFNX, (c, a) -> {
      SearchIndex idx = indexes.get(a.string(1));
      int at = a.size() > 2 && a.is(2, "skipinitialscan") ? 5 : 4;
      if (idx != null && at < a.size() && idx.def.field(a.string(at)) != null) {
        c.reply().ok();
      } else {
        admin.alter(c, a);
      }
    });
    r.add(DROP_IFX, (c, a) -> {
      if (!indexes.byName.containsKey(a.string(1))) {
        c.reply().ok();
      } else {
        drop(c, a);
      }
    });
    r.add(DROPINDEX_IFX, (c, a) -> {
      if (!indexes.byName.containsKey(a.string(1))) {
        c.reply().ok();
      } else {
        admin.dropIndex(c, a);
      }
    });
    r.add(ALIASADD_IFNX, (c, a) -> {
      if (a.string(2).equals(indexes.aliases.get(a.string(1)))) {
        c.reply().ok();
      } else {
        admin.alias(c, a, false);
      }
    });
    r.add(ALIASDEL_IFX, (c, a) -> {
      if (!indexes.aliases.containsKey(a.string(1))) {
        c.reply().ok();
      } else {
        admin.aliasDel(c, a);
      }
    });
  }

  /** FT.DROP index [KEEPDOCS]: as FT.DROPINDEX DD unless KEEPDOCS. */
  private void drop(CommandContext c, Args a) {
    if (a.size() > 3) {
      throw RedisException.err("wrong number of arguments for '" + a.string(0).toLowerCase(Locale.ROOT)
          + "' command");
    }
    if (!indexes.byName.containsKey(a.string(1))) {
      throw SearchCommands.UNKNOWN_INDEX;
    }
    admin.drop(c, a.string(1), !(a.size() == 3 && a.is(2, "keepdocs")));
  }

  /**
   * FT.ADD index docId score [REPLACE [PARTIAL] [NOCREATE]] [LANGUAGE l] [PAYLOAD p] [IF expr] FIELDS f v ...:
   * writes the hash {@code docId} (without REPLACE it must not exist; REPLACE without PARTIAL deletes it first),
   * adding {@code __score} when the score is not 1 or PARTIAL, {@code __language} and {@code __payload} when given.
   * The HSET (and DEL) propagate; FT.ADD itself does not, as in RediSearch 2.x.
   */
  private void add(CommandContext c, Args a) {
    byte[] key = a.get(2);
    double score;
    try {
      score = Double.parseDouble(a.string(3));
    } catch (NumberFormatException e) {
      throw RedisException.line("Could not parse document score");
    }
    if (!(score >= 0 && score <= 1)) {
      throw RedisException.line("Score must be between 0 and 1");
    }
    boolean replace = false;
    boolean partial = false;
    boolean noCreate = false;
    byte[] language = null;
    byte[] payload = null;
    String condition = null;
    int fields = -1;
    for (int i = 4; i < a.size() && fields < 0; i++) {
      String w = a.string(i).toUpperCase(Locale.ROOT);
      switch (w) {
        case "REPLACE" -> replace = true;
        case "PARTIAL" -> partial = true;
        case "NOCREATE" -> noCreate = true;
        case "LANGUAGE", "PAYLOAD", "IF" -> {
          if (i + 1 >= a.size()) {
            throw RedisException.line(w + ": Expected an argument, but none provided");
          }
          i++;
          if (w.equals("LANGUAGE")) {
            language = a.get(i);
          } else if (w.equals("PAYLOAD")) {
            payload = a.get(i);
          } else {
            condition = a.string(i);
          }
        }
        case "FIELDS" -> {
          if ((a.size() - i - 1) % 2 != 0) {
            throw RedisException.line("Fields must be specified in FIELD VALUE pairs");
          }
          fields = i + 1;
        }
        default -> throw RedisException.line("Unknown keyword `" + a.string(i) + "` provided");
      }
    }
    if (fields < 0) {
      throw RedisException.line("No field list found");
    }
    if (language != null && Analyzer.language(new String(language, StandardCharsets.UTF_8)) == null) {
      throw RedisException.line("Unsupported language");
    }
    SearchIndex idx = indexes.get(a.string(1));
    if (idx == null) {
      throw RedisException.line("Unknown index name");
    }
    Object existing = c.db(0).peekValue(key);
    boolean exists;
    if (existing == null) {
      exists = false;
    } else {
      Map<String, String> hash = Indexes.DocumentSource.HASH.read(c.db(0), key);
      if (hash == null) {
        throw RedisException.line("Invalid Redis key");
      }
      exists = true;
      if (condition != null && replace) {
        Map<String, String> env = new java.util.HashMap<>(hash);
        env.put("__key", a.string(2));
        if (!Filter.truthy(Filter.parse(condition).eval(env))) {
          c.reply().simple("NOADD");
          return;
        }
      }
    }
    if (!exists && noCreate) {
      throw RedisException.line("Document does not exist");
    }
    if (exists && !replace) {
      throw RedisException.line("Document already exists");
    }
    ServerAccess access = indexes.server().access();
    if (exists && !partial) {
      access.call(0, "DEL".getBytes(StandardCharsets.US_ASCII), key);
    }
    List<byte[]> hset = new ArrayList<>();
    hset.add("HSET".getBytes(StandardCharsets.US_ASCII));
    hset.add(key);
    for (int i = fields; i < a.size(); i++) {
      hset.add(a.get(i));
    }
    if (score != 1 || partial) {
      hset.add(bytes("__score"));
      hset.add(a.get(3));
      idx.def.useField("SCORE_FIELD", "__score"); // as RediSearch, which then reads it for this index
    }
    if (language != null) {
      hset.add(bytes("__language"));
      hset.add(language);
      idx.def.useField("LANGUAGE_FIELD", "__language");
    }
    if (payload != null) {
      hset.add(bytes("__payload"));
      hset.add(payload);
      idx.def.useField("PAYLOAD_FIELD", "__payload");
    }
    if (hset.size() > 2) {
      access.call(0, hset.toArray(new byte[0][]));
    }
    c.preventPropagation(); // the HSET (and DEL) went to the AOF and replicas
    c.reply().ok();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
