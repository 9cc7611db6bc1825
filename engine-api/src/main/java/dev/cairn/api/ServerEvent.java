package dev.cairn.api;

/**
 * Something that happened to the server as a whole.
 *
 * @param kind what happened
 * @param db the database flushed ({@code -1} for FLUSHALL) or the first swapped; {@code -1} when not applicable
 * @param otherDb the second database of a SWAPDB; {@code -1} otherwise
 */
public record ServerEvent(Kind kind, int db, int otherDb) {
  /** The kinds of server event. */
  public enum Kind {
    /** Before a database (or all) is emptied by FLUSHDB/FLUSHALL. */
    FLUSH_START,
    /** After a database (or all) was emptied. */
    FLUSH_END,
    /** Two databases were swapped. */
    SWAPDB,
    /** The server is about to stop. */
    SHUTDOWN,
    /** Another module was loaded ({@code db}/{@code otherDb} unused). */
    MODULE_LOADED,
    /** Another module was unloaded. */
    MODULE_UNLOADED
  }
}
