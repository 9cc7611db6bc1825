package dev.cairn.core.log;

import java.util.Locale;

/**
 * The catalogue of the log lines Cairn writes with redis-server's wording and level, so that Redis's test suite and
 * its users' tooling (which wait for lines such as "Ready to accept connections" or "ready to exit, bye bye") find
 * them. A feature that logs adds its lines here; the templates are {@link String#format} patterns formatted in the
 * root locale.
 */
public enum LogMessage {
  // start-up
  STARTING(Log.Level.NOTICE, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
  /** Redis's version line, with Cairn's own name and version after it. */
  VERSION(Log.Level.NOTICE,
      "Redis version=%s, bits=64, commit=00000000, modified=0, pid=%d, just started (Cairn %s, Java %s)"),
  NO_CONFIG_FILE(Log.Level.WARNING, "Warning: no config file specified, using the default config. In order to "
      + "specify a config file use %s /path/to/redis.conf"),
  CONFIG_LOADED(Log.Level.NOTICE, "Configuration loaded"),
  /** Written instead of the logo when the logo is not shown. */
  RUNNING_MODE(Log.Level.NOTICE, "Running mode=%s, port=%d."),
  SERVER_INITIALIZED(Log.Level.NOTICE, "Server initialized"),
  READY(Log.Level.NOTICE, "Ready to accept connections %s"),
  LISTEN_SOCKET_FAILED(Log.Level.WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s"),
  /** Redis's test harness looks for this line to retry on another port. */
  FAILED_LISTENING(Log.Level.WARNING, "Failed listening on port %d (%s), aborting."),
  PIDFILE_FAILED(Log.Level.WARNING, "Failed to write PID file: %s"),
  MAXMEMORY_TOO_SMALL(Log.Level.WARNING, "WARNING: You specified a maxmemory value that is less than 1MB (current "
      + "value is %d bytes). Are you sure this is what you really want?"),
  MODULE_LOADED(Log.Level.NOTICE, "Module '%s' loaded from %s"),
  MODULE_UNLOADED(Log.Level.NOTICE, "Module %s unloaded"),

  // clients
  CLIENT_CLOSED(Log.Level.VERBOSE, "Client closed connection %s"),
  PROTOCOL_ERROR(Log.Level.VERBOSE, "Protocol error (%s) from client: %s. %s"),
  QUERY_BUFFER_LIMIT(Log.Level.WARNING,
      "Closing client that reached max query buffer length: %s (qbuf initial bytes: %s)"),
  OUTPUT_BUFFER_LIMIT(Log.Level.WARNING,
      "Client %s scheduled to be closed ASAP for overcoming of output buffer limits."),
  DEBUG_LOG(Log.Level.WARNING, "DEBUG LOG: %s"),

  // persistence (RDB)
  BGSAVE_STARTED(Log.Level.NOTICE, "Background saving started by pid %d"),
  BGSAVE_DONE(Log.Level.NOTICE, "Background saving terminated with success"),
  BGSAVE_ERROR(Log.Level.WARNING, "Background saving error"),
  /** A BGSAVE stopped on purpose (FLUSHALL, shutdown): Redis kills its child with a signal, Cairn stops its thread. */
  BGSAVE_STOPPED(Log.Level.WARNING, "Background saving stopped before it completed"),
  DB_SAVED(Log.Level.NOTICE, "DB saved on disk"),
  SAVE_POINT(Log.Level.NOTICE, "%d changes in %d seconds. Saving..."),
  RDB_TEMP_OPEN_FAILED(Log.Level.WARNING,
      "Failed opening the temp RDB file %s (in server root dir %s) for saving: %s"),
  RDB_WRITE_ERROR(Log.Level.WARNING, "Write error while saving DB to the disk: %s"),
  KILLING_BGSAVE(Log.Level.WARNING, "There is a child saving an .rdb. Killing it!"),
  LOADING_RDB_VERSION(Log.Level.NOTICE, "Loading RDB produced by version %s"),
  RDB_AGE(Log.Level.NOTICE, "RDB age %d seconds"),
  RDB_USED_MEM(Log.Level.NOTICE, "RDB memory usage when created %.2f Mb"),
  RDB_AOF_TAIL(Log.Level.NOTICE, "RDB has an AOF tail"),
  RDB_AOF_BASE(Log.Level.NOTICE, "RDB is base AOF"),
  RDB_INFO_FIELD(Log.Level.NOTICE, "RDB '%s': %s"),
  RDB_EMPTY_KEY(Log.Level.NOTICE, "rdbLoadObject skipping empty key: %s"),
  RDB_CHECKSUM_DISABLED(Log.Level.NOTICE, "RDB file was saved with checksum disabled: no check performed."),
  DONE_LOADING(Log.Level.NOTICE, "Done loading RDB, keys loaded: %d, keys expired: %d."),
  DONE_LOADING_EMPTY_KEYS(Log.Level.NOTICE,
      "Done loading RDB, keys loaded: %d, keys expired: %d, empty keys skipped: %d."),
  DB_LOADED(Log.Level.NOTICE, "DB loaded from disk: %.3f seconds"),
  DEBUG_RELOADED(Log.Level.NOTICE, "DB reloaded by DEBUG RELOAD"),
  /** Redis's line for a load failure (its rdb.c line number has no meaning here, so the place is the file offset). */
  RDB_READ_ERROR(Log.Level.WARNING, "Internal error in RDB reading offset %d, function at rdb.c:0 -> %s"),
  RDB_LOAD_FAILED(Log.Level.WARNING, "Error loading the RDB file %s at offset %d: %s"),
  RDB_SHORT_READ(Log.Level.WARNING, "Short read or OOM loading DB. Unrecoverable error, aborting now."),
  RDB_OPEN_FAILED(Log.Level.WARNING, "Fatal error: can't open the RDB file %s for reading: %s"),
  FATAL_LOADING(Log.Level.WARNING, "Fatal error loading the DB, check server logs. Exiting."),
  TERMINATING_AFTER_RDB_FAILURE(Log.Level.WARNING, "Terminating server after rdb file reading failure."),
  /** RESTORE of a payload that does not decode: Redis logs its loader's error at verbose level. */
  RESTORE_BAD_PAYLOAD(Log.Level.VERBOSE, "Internal error in RDB reading offset %d, function at rdb.c:0 -> %s"),

  // shutdown
  USER_REQUESTED_SHUTDOWN(Log.Level.NOTICE, "User requested shutdown..."),
  SAVING_FINAL_RDB(Log.Level.NOTICE, "Saving the final RDB snapshot before exiting."),
  SAVE_ERROR_EXIT_ANYWAY(Log.Level.WARNING, "Error trying to save the DB. Exit anyway."),
  SAVE_ERROR_CANT_EXIT(Log.Level.WARNING, "Error trying to save the DB, can't exit."),
  SHUTDOWN_ABORTED(Log.Level.NOTICE, "Shutdown manually aborted."),
  SHUTDOWN_ERRORS(Log.Level.WARNING,
      "Errors trying to shut down the server. Check the logs for more information."),
  SIGTERM_SHUTDOWN_FAILED(Log.Level.WARNING,
      "SIGTERM received but errors trying to shut down the server, check the logs for more information"),
  READY_TO_EXIT(Log.Level.WARNING, "%s is now ready to exit, bye bye..."),
  // written from the signal handler (Log.fromSignalHandler)
  SIGNAL_SHUTDOWN(Log.Level.WARNING, "Received %s scheduling shutdown..."),
  SIGNAL_INSIST(Log.Level.WARNING, "You insist... exiting now.");

  private final Log.Level level;
  private final String template;

  LogMessage(Log.Level level, String template) {
    this.level = level;
    this.template = template;
  }

  public Log.Level level() {
    return level;
  }

  /** The message with its arguments filled in. */
  public String format(Object... args) {
    return args.length == 0 ? template : String.format(Locale.ROOT, template, args);
  }

  /** Writes the message to the log (nothing is formatted when its level is not logged). */
  public void log(Object... args) {
    if (Log.enabled(level)) {
      Log.log(level, format(args));
    }
  }
}
