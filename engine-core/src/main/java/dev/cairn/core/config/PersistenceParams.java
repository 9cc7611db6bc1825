package dev.cairn.core.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RDB and AOF parameters. The RDB ones drive {@code dev.cairn.core.persistence}, the AOF ones {@code dev.cairn.core.aof};
 * {@code rdb-version} is Cairn's own: the RDB version files and DUMP payloads say (0: the lowest the data needs, at
 * least Redis 7.0's 10, so that Redis 7.0 loads them; 10 to 12: at least that version).
 */
public final class PersistenceParams extends ParamSet {
  public final SpecialParams.Save save;
  public final DbFilename dbfilename;
  public final Params.Bool rdbcompression;
  public final Params.Bool rdbchecksum;
  public final Params.Bool rdbDelSyncFiles;
  public final Params.Bool stopWritesOnBgsaveError;
  public final Params.Num rdbVersion;
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
  public final Params.Num keyLoadDelay;
  public final Params.Num loadingProcessEventsIntervalBytes;
  public final Params.Choice sanitizeDumpPayload;

  PersistenceParams(Config c) {
    super(c);
    save = add(new SpecialParams.Save("3600 1 300 100 60 10000"));
    dbfilename = add(new DbFilename());
    dbfilename.markProtected();
    rdbchecksum = immutable(bool("rdbchecksum", true));
    rdbcompression = bool("rdbcompression", true);
    rdbDelSyncFiles = bool("rdb-del-sync-files", false);
    stopWritesOnBgsaveError = bool("stop-writes-on-bgsave-error", true);
    bool("rdb-save-incremental-fsync", true);
    rdbVersion = num("rdb-version", 0, 0, 12);
    appendonly = bool("appendonly", false);
    appendonly.markDenyLoading();
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
    keyLoadDelay = hidden(num("key-load-delay", 0, INT_MIN, INT_MAX));
    loadingProcessEventsIntervalBytes = hidden(num("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024,
        INT_MAX));
    sanitizeDumpPayload = choice("sanitize-dump-payload", "no", new String[] {"no", "yes", "clients"});
  }

  /** {@code dbfilename}: a file name in {@code dir}, never a path (Redis refuses one). */
  public static final class DbFilename extends ConfigParam {
    public volatile String value = "dump.rdb";

    DbFilename() {
      super("dbfilename");
    }

    @Override
    public String get() {
      return value;
    }

    @Override
    public void set(String v) throws ConfigException {
      if (v.isEmpty() || v.contains("/")) {
        throw new ConfigException("dbfilename can't be a path, just a filename");
      }
      value = v;
    }

    @Override
    public String defaultValue() {
      return "dump.rdb";
    }
  }

  /**
   * {@code dir}: the working directory for the RDB file (and the AOF). Redis changes its working directory to it; a JVM
   * cannot, so the absolute path is kept and files are resolved against it. A relative value is taken relative to the
   * current one; a directory that does not exist is refused, as Redis's chdir refuses it.
   */
  public static final class Dir extends ConfigParam {
    public volatile Path value = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    private final String dflt = value.toString();

    public Dir() {
      super("dir");
    }

    @Override
    public String get() {
      return value.toString();
    }

    @Override
    public void set(String v) throws ConfigException {
      Path p = value.resolve(v).toAbsolutePath().normalize();
      if (!Files.isDirectory(p)) {
        throw new ConfigException(Files.exists(p) ? "Not a directory" : "No such file or directory");
      }
      value = p;
    }

    @Override
    public String defaultValue() {
      return dflt;
    }

    /** A file in the directory. */
    public Path resolve(String name) {
      return value.resolve(name);
    }
  }
}
