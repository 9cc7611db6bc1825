package dev.cairn.core.log;

import java.util.Locale;

/**
 * The catalogue of the log lines Cairn writes with redis-server's wording and level, so that Redis's test suite and
 * its users' tooling (which wait for lines such as "Ready to accept connections" or "ready to exit, bye bye") find
 * them. A feature that logs adds its lines here; the templates are {@link String#format} patterns formatted in the
 * root locale ({@code %s} and {@code %d} filled in by hand, see {@link #format}).
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
  READING_CONFIG_FROM_STDIN(Log.Level.NOTICE, "Reading config from stdin"),
  /** Cairn's own: where the JVM cannot reach the system's syslog socket, written once. */
  SYSLOG_UNAVAILABLE(Log.Level.WARNING, "syslog-enabled is set but syslog cannot be written from here (%s): "
      + "logging to the log file only"),
  /** Written instead of the logo when the logo is not shown. */
  RUNNING_MODE(Log.Level.NOTICE, "Running mode=%s, port=%d."),
  SERVER_INITIALIZED(Log.Level.NOTICE, "Server initialized"),
  /** Cairn's own: the event loop's transport (INFO's multiplexing_api), and what was asked for if it fell back. */
  TRANSPORT(Log.Level.NOTICE, "Network transport: %s%s"),
  READY(Log.Level.NOTICE, "Ready to accept connections %s"),
  TCP_BACKLOG_NOT_ENFORCED(Log.Level.WARNING, "WARNING: The TCP backlog setting of %d cannot be enforced because "
      + "%s is set to the lower value of %d."),
  LISTEN_SOCKET_FAILED(Log.Level.WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s"),
  /** Redis's test harness looks for this line to retry on another port. */
  FAILED_LISTENING(Log.Level.WARNING, "Failed listening on port %d (%s), aborting."),
  PIDFILE_FAILED(Log.Level.WARNING, "Failed to write PID file: %s"),
  MAXMEMORY_TOO_SMALL(Log.Level.WARNING, "WARNING: You specified a maxmemory value that is less than 1MB (current "
      + "value is %d bytes). Are you sure this is what you really want?"),
  MAXMEMORY_UNDER_USAGE(Log.Level.WARNING, "WARNING: the new maxmemory value set via CONFIG SET (%d) is smaller "
      + "than the current memory usage (%d). This will result in key eviction and/or the inability to accept new "
      + "write commands depending on the maxmemory-policy."),
  CLIENT_EVICTED(Log.Level.VERBOSE, "Evicting client: %s"),
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

  // append only file (dev.cairn.core.aof); lines marked Cairn's own add what Redis does not say (offsets, progress)
  AOF_FSYNC_ERROR(Log.Level.WARNING, "Fail to fsync the AOF file: %s"),
  AOF_WRITE_ERROR(Log.Level.WARNING, "Error writing to the AOF file: %s"),
  AOF_WRITE_ERROR_SOLVED(Log.Level.NOTICE, "AOF write error looks solved, Redis can write again."),
  AOF_FILE_MISSING(Log.Level.WARNING, "The append log file %s doesn't exist: %s"),
  AOF_OPEN_FAILED(Log.Level.WARNING, "Fatal error: can't open the append log file %s for reading: %s"),
  AOF_READ_ERROR(Log.Level.WARNING, "Unrecoverable error reading the append only file %s: %s"),
  AOF_READING_RDB_BASE(Log.Level.NOTICE, "Reading RDB base file on AOF loading..."),
  AOF_READING_RDB_PREAMBLE(Log.Level.NOTICE, "Reading RDB preamble from AOF file..."),
  /** Cairn's own: an RDB part while the RDB reader is not part of the build. */
  AOF_RDB_UNSUPPORTED(Log.Level.WARNING, "The AOF file %s starts with an RDB image, which this server cannot read"),
  AOF_RDB_BASE_ERROR(Log.Level.WARNING, "Error reading the RDB base file %s, AOF loading aborted"),
  AOF_RDB_PREAMBLE_ERROR(Log.Level.WARNING,
      "Error reading the RDB preamble of the AOF file %s, AOF loading aborted"),
  AOF_READING_TAIL(Log.Level.NOTICE, "Reading the remaining AOF tail..."),
  /** Cairn's own: where a load failed, before Redis's line. */
  AOF_BAD_AT(Log.Level.WARNING, "Error in the append only file %s at offset %d: %s"),
  AOF_BAD_FORMAT(Log.Level.WARNING, "Bad file format reading the append only file %s: make a backup of your AOF "
      + "file, then use ./redis-check-aof --fix <filename.manifest>"),
  AOF_UNKNOWN_COMMAND(Log.Level.WARNING, "Unknown command '%s' reading the append only file %s"),
  AOF_REVERT_MULTI(Log.Level.WARNING, "Revert incomplete MULTI/EXEC transaction in AOF file %s"),
  /** Cairn's own: where a file was cut off, before Redis's line. */
  AOF_ENDS_INSIDE(Log.Level.WARNING,
      "The append only file %s ends inside a command at offset %d; the last complete command ends at offset %d"),
  AOF_UNEXPECTED_EOF(Log.Level.WARNING, "Unexpected end of file reading the append only file %s. You can: 1) Make a "
      + "backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set "
      + "the 'aof-load-truncated' configuration option to yes and restart the server."),
  AOF_TRUNCATED_NOT_LAST(Log.Level.WARNING, "Fatal error: the truncated file is not the last file"),
  AOF_SHORT_READ(Log.Level.WARNING, "!!! Warning: short read while loading the AOF file %s!!!"),
  AOF_TRUNCATING(Log.Level.WARNING, "!!! Truncating the AOF %s at offset %d !!!"),
  AOF_TRUNCATE_ERROR(Log.Level.WARNING, "Error truncating the AOF file %s: %s"),
  AOF_LOADED_ANYWAY(Log.Level.WARNING, "AOF %s loaded anyway because aof-load-truncated is enabled"),
  AOF_LOADED_BASE(Log.Level.NOTICE, "DB loaded from base file %s: %.3f seconds"),
  AOF_LOADED_INCR(Log.Level.NOTICE, "DB loaded from incr file %s: %.3f seconds"),
  AOF_LOADED(Log.Level.NOTICE, "DB loaded from append only file: %.3f seconds"),
  /** Cairn's own: progress of a long load. */
  AOF_LOAD_PROGRESS(Log.Level.NOTICE,
      "Loading the append only file: %.1f%% done (%d of %d bytes), %d keys loaded, %d keys/s"),
  /** Cairn's own: progress of a long RDB load. */
  RDB_LOAD_PROGRESS(Log.Level.NOTICE,
      "Loading the RDB file: %.1f%% done (%d of %d bytes), %d keys loaded, %d keys/s"),
  AOF_FILE_SIZE_FAILED(Log.Level.WARNING, "Unable to obtain the AOF file %s length. stat: %s"),
  AOF_MANIFEST_FATAL(Log.Level.WARNING, "\n*** FATAL AOF MANIFEST FILE ERROR ***\n"),
  AOF_MANIFEST_AT_LINE(Log.Level.WARNING, "Reading the manifest file, at line %d\n"),
  AOF_MANIFEST_LINE_TEXT(Log.Level.WARNING, ">>> '%s'\n"),
  AOF_MANIFEST_ERROR(Log.Level.WARNING, "%s\n"),
  AOF_MANIFEST_OPEN_FAILED(Log.Level.WARNING, "Fatal error: can't open the AOF manifest file %s for reading: %s"),
  AOF_MANIFEST_WRITE_FAILED(Log.Level.WARNING, "Error trying to write the temporary AOF manifest file %s: %s"),
  AOF_DIR_FAILED(Log.Level.WARNING, "Can't open or create append-only dir %s: %s"),
  AOF_MIGRATED(Log.Level.NOTICE, "Successfully migrated an old-style AOF file (%s) into the AOF directory (%s)."),
  AOF_MIGRATE_FAILED(Log.Level.WARNING, "Error trying to move the old AOF file %s into dir %s: %s"),
  AOF_REMOVING_HISTORY(Log.Level.NOTICE, "Removing the history file %s in the background"),
  AOF_REMOVING_TEMP_INCR(Log.Level.NOTICE, "Removing the temp incr aof file %s in the background"),
  AOF_CREATING_BASE_ON_START(Log.Level.NOTICE, "Creating AOF base file %s on server start"),
  AOF_OPENING_INCR_ON_START(Log.Level.NOTICE, "Opening AOF incr file %s on server start"),
  AOF_CREATING_INCR_ON_START(Log.Level.NOTICE, "Creating AOF incr file %s on server start"),
  AOF_CREATING_INCR_ON_REWRITE(Log.Level.NOTICE, "Creating AOF incr file %s on background rewrite"),
  AOF_CANT_OPEN(Log.Level.WARNING, "Can't open the append-only file %s: %s"),
  AOF_KILLING_CHILD(Log.Level.NOTICE, "Killing running AOF rewrite child: %d"),
  AOF_ENABLE_SCHEDULED(Log.Level.NOTICE, "AOF was enabled but there is already another background operation. An "
      + "AOF background was scheduled to start when possible."),
  AOF_ENABLE_RESTART(Log.Level.NOTICE, "AOF was enabled but there is already an AOF rewriting in background. "
      + "Stopping background AOF and starting a rewrite now."),
  AOF_RESTART_AFTER_SYNC_FAILED(Log.Level.WARNING, "Failed enabling the AOF after successful master synchronization! "
      + "Trying it again in one second."),
  AOF_ENABLE_FAILED(Log.Level.WARNING, "Redis needs to enable the AOF but can't trigger a background AOF rewrite "
      + "operation. Check the above logs for more info about the error."),
  AOF_REWRITE_STARTED(Log.Level.NOTICE, "Background append only file rewriting started by pid %d"),
  AOF_REWRITE_CREATED_TEMP(Log.Level.NOTICE, "Successfully created the temporary AOF base file %s"),
  AOF_REWRITE_OK(Log.Level.NOTICE, "Background AOF rewrite terminated with success"),
  AOF_RENAMED_BASE(Log.Level.NOTICE, "Successfully renamed the temporary AOF base file %s into %s"),
  AOF_RENAMED_INCR(Log.Level.NOTICE, "Successfully renamed the temporary AOF incr file %s into %s"),
  AOF_RENAME_FAILED(Log.Level.WARNING, "Error trying to rename the temporary AOF %s file %s into %s: %s"),
  AOF_REWRITE_FINISHED(Log.Level.NOTICE, "Background AOF rewrite finished successfully"),
  AOF_REWRITE_ERROR(Log.Level.WARNING, "Background AOF rewrite terminated with error"),
  AOF_REWRITE_KILLED(Log.Level.WARNING, "Background AOF rewrite terminated by signal %d"),
  AOF_REWRITE_WRITE_ERROR(Log.Level.WARNING, "Write error writing append only file on disk: %s"),
  AOF_REWRITE_LIMIT(Log.Level.WARNING,
      "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in %d minutes"),
  AOF_AUTO_REWRITE(Log.Level.NOTICE, "Starting automatic rewriting of AOF on %d%% growth"),

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
  /** Cairn's own, until RDB persistence plugs its save into the shutdown path. */
  NO_FINAL_SAVE(Log.Level.WARNING, "No RDB persistence in this build: the final snapshot cannot be written."),
  SAVE_ERROR_EXIT_ANYWAY(Log.Level.WARNING, "Error trying to save the DB. Exit anyway."),
  INITIAL_AOF_CANT_EXIT(Log.Level.WARNING, "Writing initial AOF, can't exit."),
  INITIAL_AOF_EXIT_ANYWAY(Log.Level.WARNING, "Writing initial AOF. Exit anyway."),
  SAVE_ERROR_CANT_EXIT(Log.Level.WARNING, "Error trying to save the DB, can't exit."),
  SHUTDOWN_ABORTED(Log.Level.NOTICE, "Shutdown manually aborted."),
  REMOVING_PIDFILE(Log.Level.NOTICE, "Removing the pid file."),
  SHUTDOWN_ERRORS(Log.Level.WARNING,
      "Errors trying to shut down the server. Check the logs for more information."),
  SIGTERM_SHUTDOWN_FAILED(Log.Level.WARNING,
      "SIGTERM received but errors trying to shut down the server, check the logs for more information"),
  READY_TO_EXIT(Log.Level.WARNING, "%s is now ready to exit, bye bye..."),
  // written from the signal handler (Log.fromSignalHandler)
  SIGNAL_SHUTDOWN(Log.Level.WARNING, "Received %s scheduling shutdown..."),
  SIGNAL_INSIST(Log.Level.WARNING, "You insist... exiting now."),
  // scripting
  SLOW_SCRIPT(Log.Level.WARNING, "Slow script detected: still in execution after %d milliseconds. You can try killing "
      + "the script using the %s command. Script name is: %s.");

  private final Log.Level level;
  private final String template;
  /** Whether the template has no conversions but {@code %s}, {@code %d} and {@code %%}. */
  private final boolean plain;

  LogMessage(Log.Level level, String template) {
    this.level = level;
    this.template = template;
    this.plain = template.replace("%%", "").replace("%s", "").replace("%d", "").indexOf('%') < 0;
  }

  public Log.Level level() {
    return level;
  }

  /**
   * The message with its arguments filled in. {@code %s} and {@code %d} are filled in here, as String.format would in
   * the root locale: java.util.Formatter loads locale data, which cost every start's first log lines tens of
   * milliseconds. Other conversions ({@code %.3f}) go through String.format.
   */
  public String format(Object... args) {
    if (args.length == 0) {
      return template;
    }
    if (!plain) {
      return String.format(Locale.ROOT, template, args);
    }
    StringBuilder b = new StringBuilder(template.length() + 16 * args.length);
    int next = 0;
    int n = template.length();
    for (int i = 0; i < n; i++) {
      char c = template.charAt(i);
      if (c != '%') {
        b.append(c);
      } else if (template.charAt(++i) == '%') {
        b.append('%');
      } else if (next < args.length) {
        b.append(args[next++]);
      } else {
        return String.format(Locale.ROOT, template, args); // throws as String.format does
      }
    }
    return b.toString();
  }

  /** Writes the message to the log (nothing is formatted when its level is not logged). */
  public void log(Object... args) {
    if (Log.enabled(level)) {
      Log.log(level, format(args));
    }
  }
}
