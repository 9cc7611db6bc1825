package dev.cairn.core.config;

/**
 * RDB and AOF parameters. Cairn has no persistence yet: these are accepted and stored so that clients, tools and config
 * files work, and have no effect (docs/CONFIG.md).
 */
public final class PersistenceParams extends ParamSet {
  public final SpecialParams.Save save;
  public final Params.Text dbfilename;
  public final Params.Bool appendonly;
  public final Params.Choice appendfsync;

  PersistenceParams(Config c) {
    super(c);
    save = add(new SpecialParams.Save("3600 1 300 100 60 10000"));
    dbfilename = text("dbfilename", "dump.rdb");
    dbfilename.markProtected();
    immutable(bool("rdbchecksum", true));
    bool("rdbcompression", true);
    bool("rdb-del-sync-files", false);
    bool("stop-writes-on-bgsave-error", true);
    bool("rdb-save-incremental-fsync", true);
    appendonly = bool("appendonly", false);
    appendfsync = choice("appendfsync", "everysec", new String[] {"everysec", "always", "no"});
    immutable(text("appendfilename", "appendonly.aof"));
    immutable(text("appenddirname", "appendonlydir"));
    bool("aof-rewrite-incremental-fsync", true);
    bool("no-appendfsync-on-rewrite", false);
    bool("aof-load-truncated", true);
    bool("aof-use-rdb-preamble", true);
    bool("aof-timestamp-enabled", false);
    hidden(bool("aof-disable-auto-gc", false));
    num("auto-aof-rewrite-percentage", 100, 0, INT_MAX);
    mem("auto-aof-rewrite-min-size", 64L * 1024 * 1024, 0, LONG_MAX);
    hidden(num("rdb-key-save-delay", 0, INT_MIN, INT_MAX));
    hidden(num("key-load-delay", 0, INT_MIN, INT_MAX));
    hidden(num("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, INT_MAX));
    choice("sanitize-dump-payload", "no", new String[] {"no", "yes", "clients"});
  }
}
