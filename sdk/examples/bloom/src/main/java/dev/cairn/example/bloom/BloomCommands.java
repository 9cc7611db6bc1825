package dev.cairn.example.bloom;

import dev.cairn.api.ConfigValue;
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
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;

/**
 * RedisBloom's Bloom filter commands, with its argument rules and error texts. Writes propagate verbatim: every
 * parameter a write depends on is in its arguments or in the module's config, which replicas share.
 */
public final class BloomCommands implements CommandFamily {
  static final CommandSpec RESERVE = CommandSpec.command("bf.reserve", -4).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Creates a new Bloom Filter").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.dbl("error_rate"), Arg.integer("capacity"),
          Arg.integer("expansion").withToken("EXPANSION").optional(), Arg.token("NONSCALING").optional())
      .build();
  static final CommandSpec ADD = CommandSpec.command("bf.add", 3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Adds an item to a Bloom Filter").complexity("O(k), where k is the number of hash functions")
      .args(Arg.key("key", 0), Arg.string("item")).build();
  static final CommandSpec MADD = CommandSpec.command("bf.madd", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.FAST)
      .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Adds one or more items to a Bloom Filter. A filter will be created if it does not exist")
      .complexity("O(k * n), where k is the number of hash functions and n is the number of items")
      .args(Arg.key("key", 0), Arg.string("item").multiple()).build();
  static final CommandSpec EXISTS = CommandSpec.command("bf.exists", 3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Checks whether an item exists in a Bloom Filter")
      .complexity("O(k), where k is the number of hash functions used by the last sub-filter")
      .args(Arg.key("key", 0), Arg.string("item")).build();
  static final CommandSpec MEXISTS = CommandSpec.command("bf.mexists", -3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Checks whether one or more items exist in a Bloom Filter")
      .complexity("O(k * n), where k is the number of hash functions and n is the number of items")
      .args(Arg.key("key", 0), Arg.string("item").multiple()).build();
  static final CommandSpec INSERT = CommandSpec.command("bf.insert", -4).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT))
      .summary("Adds one or more items to a Bloom Filter. A filter will be created if it does not exist")
      .complexity("O(k * n), where k is the number of hash functions and n is the number of items")
      .args(Arg.key("key", 0), Arg.integer("capacity").withToken("CAPACITY").optional(),
          Arg.dbl("error").withToken("ERROR").optional(), Arg.integer("expansion").withToken("EXPANSION").optional(),
          Arg.token("NOCREATE").optional(), Arg.token("NONSCALING").optional(), Arg.token("ITEMS"),
          Arg.string("item").multiple())
      .build();
  static final CommandSpec INFO = CommandSpec.command("bf.info", -2).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY, Flag.FAST).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns information about a Bloom Filter").complexity("O(1)")
      .args(Arg.key("key", 0), Arg.oneOf("single_value", Arg.token("CAPACITY"), Arg.token("SIZE"),
          Arg.token("FILTERS"), Arg.token("ITEMS"), Arg.token("EXPANSION")).optional())
      .build();
  static final CommandSpec CARD = CommandSpec.command("bf.card", 2).group(Group.MODULE).since("2.4.4")
      .flags(Flag.READONLY, Flag.FAST).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Returns the cardinality of a Bloom filter").complexity("O(1)").args(Arg.key("key", 0)).build();
  static final CommandSpec SCANDUMP = CommandSpec.command("bf.scandump", 3).group(Group.MODULE).since("1.0.0")
      .flags(Flag.READONLY).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
      .summary("Begins an incremental save of the bloom filter").complexity("O(n), where n is the capacity")
      .args(Arg.key("key", 0), Arg.integer("iterator")).build();
  static final CommandSpec LOADCHUNK = CommandSpec.command("bf.loadchunk", 4).group(Group.MODULE).since("1.0.0")
      .flags(Flag.WRITE, Flag.DENYOOM).key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.UPDATE))
      .summary("Restores a filter previously saved using SCANDUMP").complexity("O(n), where n is the capacity")
      .args(Arg.key("key", 0), Arg.integer("iterator"), Arg.string("data")).build();

  static final RedisException NOT_FOUND = RedisException.err("not found");
  static final RedisException ITEM_EXISTS = RedisException.err("item exists");
  static final RedisException FULL = RedisException.err("non scaling filter is full");

  private final ConfigValue<String> defaultErrorRate;
  private final ConfigValue<Long> defaultCapacity;
  private final ConfigValue<Long> defaultExpansion;

  BloomCommands(ConfigValue<String> errorRate, ConfigValue<Long> capacity, ConfigValue<Long> expansion) {
    this.defaultErrorRate = errorRate;
    this.defaultCapacity = capacity;
    this.defaultExpansion = expansion;
  }

  @Override
  public void register(CommandRegistry r) {
    r.add(RESERVE, BloomCommands::reserve);
    r.add(ADD, (c, a) -> add(c, a, false));
    r.add(MADD, (c, a) -> add(c, a, true));
    r.add(EXISTS, (c, a) -> exists(c, a, false));
    r.add(MEXISTS, (c, a) -> exists(c, a, true));
    r.add(INSERT, this::insert);
    r.add(INFO, BloomCommands::info);
    r.add(CARD, BloomCommands::card);
    r.add(SCANDUMP, BloomCommands::scandump);
    r.add(LOADCHUNK, BloomCommands::loadchunk);
  }

  private ScalableBloom createDefault() {
    return new ScalableBloom(defaultCapacity.get(), Double.parseDouble(defaultErrorRate.get()),
        (int) (long) defaultExpansion.get(), false);
  }

  private static void changed(CommandContext c, byte[] key, String event, long dirty) {
    c.signalModifiedKey(c.db().id(), key);
    c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, event, key, c.db().id());
    c.addDirty(dirty);
  }

  /** BF.RESERVE key error_rate capacity [EXPANSION expansion] [NONSCALING] */
  static void reserve(CommandContext c, Args a) {
    if (a.size() > 7) {
      throw Errors.arity("bf.reserve");
    }
    double error = a.doubleArg(2, RedisException.err("bad error rate"));
    if (!(error > 0 && error < 1)) {
      throw RedisException.err("(0 < error rate range < 1) ");
    }
    long capacity = a.longArg(3, RedisException.err("bad capacity"));
    if (capacity <= 0) {
      throw RedisException.err("(capacity should be larger than 0)");
    }
    boolean nonScaling = false;
    long expansion = ScalableBloom.DEFAULT_EXPANSION;
    int expansionAt = -1;
    for (int i = 4; i < a.size(); i++) {
      if (a.is(i, "nonscaling")) {
        nonScaling = true;
      } else if (a.is(i, "expansion") && expansionAt < 0) {
        expansionAt = i;
      }
    }
    if (expansionAt >= 0) {
      if (expansionAt + 1 == a.size()) {
        throw RedisException.err("no expansion");
      }
      if (nonScaling) {
        throw RedisException.line("Nonscaling filters cannot expand");
      }
      expansion = a.longArg(expansionAt + 1, RedisException.err("bad expansion"));
      if (expansion < 1 || expansion > Integer.MAX_VALUE) {
        throw RedisException.err("expansion should be greater or equal to 1");
      }
    }
    byte[] key = a.get(1);
    if (c.db().get(key, BloomType.INSTANCE) != null) {
      throw ITEM_EXISTS;
    }
    c.db().set(key, BloomType.INSTANCE, new ScalableBloom(capacity, error, (int) expansion, nonScaling));
    changed(c, key, "bf.reserve", 1);
    c.reply().ok();
  }

  /** BF.ADD key item / BF.MADD key item [item ...] */
  void add(CommandContext c, Args a, boolean multi) {
    byte[] key = a.get(1);
    ScalableBloom b = c.db().getForWrite(key, BloomType.INSTANCE);
    if (b == null) {
      b = createDefault();
      c.db().set(key, BloomType.INSTANCE, b);
    }
    addItems(c, key, b, a, 2, multi);
  }

  /** Adds items from {@code from}; a full non-scaling filter ends the list with an error, as RedisBloom does. */
  private static void addItems(CommandContext c, byte[] key, ScalableBloom b, Args a, int from, boolean multi) {
    Reply r = c.reply();
    long mark = multi ? r.beginDeferred() : 0;
    int n = 0;
    long added = 0;
    for (int i = from; i < a.size(); i++) {
      ScalableBloom.AddResult res = b.add(a.get(i));
      n++;
      if (res == ScalableBloom.AddResult.FULL) {
        r.error(FULL);
        break;
      }
      if (res == ScalableBloom.AddResult.ADDED) {
        added++;
      }
      r.integer(res == ScalableBloom.AddResult.ADDED ? 1 : 0);
    }
    if (multi) {
      r.endDeferredArray(mark, n);
    }
    changed(c, key, "bf.add", Math.max(1, added));
  }

  /** BF.EXISTS key item / BF.MEXISTS key item [item ...] */
  static void exists(CommandContext c, Args a, boolean multi) {
    Object v = c.db().get(a.get(1));
    // RedisBloom answers 0 for a key of another type, not WRONGTYPE
    ScalableBloom b = v instanceof dev.cairn.api.type.ModuleValue mv ? mv.valueIf(BloomType.INSTANCE) : null;
    if (multi) {
      c.reply().array(a.size() - 2);
    }
    for (int i = 2; i < a.size(); i++) {
      c.reply().integer(b != null && b.mayContain(a.get(i)) ? 1 : 0);
    }
  }

  /** BF.INSERT key [CAPACITY capacity] [ERROR error] [EXPANSION expansion] [NOCREATE] [NONSCALING] ITEMS item ... */
  void insert(CommandContext c, Args a) {
    double error = Double.parseDouble(defaultErrorRate.get());
    long capacity = defaultCapacity.get();
    long expansion = defaultExpansion.get();
    boolean create = true;
    boolean nonScaling = false;
    int items = -1;
    int i = 2;
    while (i < a.size() && items < 0) {
      if (a.is(i, "items")) {
        items = ++i;
      } else if (a.is(i, "error")) {
        if (++i == a.size()) {
          throw Errors.arity("bf.insert");
        }
        error = a.doubleArg(i++, RedisException.line("Bad error rate"));
      } else if (a.is(i, "expansion")) {
        if (++i == a.size()) {
          throw Errors.arity("bf.insert");
        }
        expansion = a.longArg(i++, RedisException.line("Bad expansion"));
      } else if (a.is(i, "capacity")) {
        if (++i == a.size()) {
          throw Errors.arity("bf.insert");
        }
        capacity = a.longArg(i++, RedisException.line("Bad capacity"));
      } else if (a.is(i, "nocreate")) {
        create = false;
        i++;
      } else if (a.is(i, "nonscaling")) {
        nonScaling = true;
        i++;
      } else {
        throw RedisException.line("Unknown argument received");
      }
    }
    if (items < 0 || items == a.size()) {
      throw Errors.arity("bf.insert");
    }
    if (!(error > 0 && error < 1) || capacity < 1 || expansion < 1 || expansion > Integer.MAX_VALUE) {
      throw RedisException.line("Bad argument received");
    }
    byte[] key = a.get(1);
    ScalableBloom b = c.db().getForWrite(key, BloomType.INSTANCE);
    if (b == null) {
      if (!create) {
        throw NOT_FOUND;
      }
      b = new ScalableBloom(capacity, error, (int) expansion, nonScaling);
      c.db().set(key, BloomType.INSTANCE, b);
    }
    addItems(c, key, b, a, items, true);
  }

  /** BF.INFO key [CAPACITY | SIZE | FILTERS | ITEMS | EXPANSION] */
  static void info(CommandContext c, Args a) {
    if (a.size() > 3) {
      throw Errors.arity("bf.info");
    }
    ScalableBloom b = c.db().get(a.get(1), BloomType.INSTANCE);
    if (b == null) {
      throw NOT_FOUND;
    }
    Reply r = c.reply();
    if (a.size() == 3) {
      long value;
      if (a.is(2, "capacity")) {
        value = b.capacity();
      } else if (a.is(2, "size")) {
        value = b.memoryUsage();
      } else if (a.is(2, "filters")) {
        value = b.filters();
      } else if (a.is(2, "items")) {
        value = b.size();
      } else if (a.is(2, "expansion")) {
        value = b.nonScaling() ? -1 : b.expansion();
      } else {
        throw RedisException.line("Invalid information value");
      }
      r.array(1);
      if (value < 0) {
        r.nullBulk(); // a non-scaling filter has no expansion rate
      } else {
        r.integer(value);
      }
      return;
    }
    r.map(5);
    r.simple("Capacity");
    r.integer(b.capacity());
    r.simple("Size");
    r.integer(b.memoryUsage());
    r.simple("Number of filters");
    r.integer(b.filters());
    r.simple("Number of items inserted");
    r.integer(b.size());
    r.simple("Expansion rate");
    if (b.nonScaling()) {
      r.nullBulk();
    } else {
      r.integer(b.expansion());
    }
  }

  /** BF.CARD key */
  static void card(CommandContext c, Args a) {
    ScalableBloom b = c.db().get(a.get(1), BloomType.INSTANCE);
    c.reply().integer(b == null ? 0 : b.size());
  }

  /** BF.SCANDUMP key iterator */
  static void scandump(CommandContext c, Args a) {
    ScalableBloom b = c.db().get(a.get(1), BloomType.INSTANCE);
    if (b == null) {
      throw NOT_FOUND;
    }
    long iter = a.longArg(2, RedisException.line("Second argument must be numeric"));
    byte[] chunk = Chunks.chunk(b, iter + 1);
    c.reply().array(2);
    if (chunk == null) {
      c.reply().integer(0);
      c.reply().bulk(new byte[0]);
    } else {
      c.reply().integer(iter + 1);
      c.reply().bulk(chunk);
    }
  }

  /** BF.LOADCHUNK key iterator data */
  static void loadchunk(CommandContext c, Args a) {
    long iter = a.longArg(2, RedisException.err("Second argument must be numeric"));
    byte[] key = a.get(1);
    ScalableBloom b = c.db().getForWrite(key, BloomType.INSTANCE);
    if (iter == 1) {
      if (b != null) {
        throw ITEM_EXISTS;
      }
      c.db().set(key, BloomType.INSTANCE, Chunks.fromHeader(a.get(3)));
    } else {
      if (b == null) {
        throw NOT_FOUND;
      }
      Chunks.load(b, iter, a.get(3));
    }
    changed(c, key, "bf.loadchunk", 1);
    c.reply().ok();
  }
}
