package dev.cairn.core.config;

/**
 * RDB and AOF parameters. The AOF ones drive {@code dev.cairn.core.aof}; the RDB ones are stored for clients, tools and
 * config files until RDB files exist (docs/CONFIG.md).
 */
public final class PersistenceParams extends ParamSet {
  public final SpecialParams.Save save;
  public final Params.Text dbfilename;
  public final Params.Bool appendonly;
  public final Params.Choice appendfsync;
  public final Params.Text appendfilename;
  public final Params.Text appenddirname;
  public final Params.Bool aofRewriteIncrementalFsync;
  public final Params.Bool noAppendfsyncOnRewrite;
  public final Params.Bool aofLoadTruncated;
  public final Params.Bool aofUseRdbPreamble;
  public final Params.Bool aofTimestampEnabled;
  public final Params.Bool aofDisableAutoGc;
  public final Params.Num autoAofRewritePercentage;
  public final Params.Num autoAofRewriteMinSize;
  /** Microseconds to sleep per key while saving or rewriting (tests use it to keep a background save running). */
  public final Params.Num rdbKeySaveDelay;

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
    appendfilename = immutable(text("appendfilename", "appendonly.aof"));
    appenddirname = immutable(text("appenddirname", "appendonlydir"));
    aofRewriteIncrementalFsync = bool("aof-rewrite-incremental-fsync", true);
    noAppendfsyncOnRewrite = bool("no-appendfsync-on-rewrite", false);
    aofLoadTruncated = bool("aof-load-truncated", true);
    aofUseRdbPreamble = bool("aof-use-rdb-preamble", true);
    aofTimestampEnabled = bool("aof-timestamp-enabled", false);
    aofDisableAutoGc = hidden(bool("aof-disable-auto-gc", false));
    autoAofRewritePercentage = num("auto-aof-rewrite-percentage", 100, 0, INT_MAX);
    autoAofRewriteMinSize = mem("auto-aof-rewrite-min-size", 64L * 1024 * 1024, 0, LONG_MAX);
    rdbKeySaveDelay = hidden(num("rdb-key-save-delay", 0, INT_MIN, INT_MAX));
    hidden(num("key-load-delay", 0, INT_MIN, INT_MAX));
    hidden(num("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, INT_MAX));
    choice("sanitize-dump-payload", "no", new String[] {"no", "yes", "clients"});
  }
}
