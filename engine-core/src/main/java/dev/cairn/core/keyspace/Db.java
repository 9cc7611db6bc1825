package dev.cairn.core.keyspace;

import dev.cairn.api.command.Args;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.keyspace.RedisValue;
import dev.cairn.api.reply.Errors;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One numbered database: a {@link ByteDict} of entries plus the index of entries that expire.
 *
 * <p>Expiry is lazy and active, as in Redis: every lookup removes a key whose time has passed (so such a key never
 * surfaces, not even to a write), and {@link ActiveExpiry} samples the expire index from the cron so that keys nobody
 * reads do not pile up. A key is expired when the command's time is past its expiry ({@code now > expireAt}).
 */
public final class Db implements Database {
  private final int id;
  private final Keyspace keyspace;
  private ByteDict<Entry> dict = ByteDict.forKeyspace();
  /** The strings of this table's entries (see {@link StringArena}); replaced and swapped together with the table. */
  private StringArena arena = new StringArena();
  private ExpireIndex expires = new ExpireIndex();
  /** Keys whose value has parts with their own expiry (hash fields with a TTL), for the active cycle that reaps them. */
  private ByteDict<KeyRef> partExpires = new ByteDict<>();
  /** Bumped on FLUSHDB/SWAPDB so that scans and watchers of the old contents can tell. */
  private long generation;
  /** The bytes of this database's keys ({@link EntrySize}), kept as keys come, change and go (used_memory). */
  private long usedBytes;
  /** Entries whose value may have changed in place since last measured, each listed once (see {@link Entry#mem}). */
  private Entry[] unmeasured = new Entry[16];
  private int unmeasuredCount;
  /** The keys by hash slot, in cluster mode only (null otherwise). */
  private SlotIndex slots;

  Db(int id, Keyspace keyspace) {
    this.id = id;
    this.keyspace = keyspace;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public long size() {
    return dict.size();
  }

  /** Keys with an expiry set. */
  public int expiresSize() {
    return expires.size();
  }

  public long generation() {
    return generation;
  }

  /** Starts indexing keys by hash slot (cluster mode), before any key is added. */
  void indexSlots() {
    if (slots == null) {
      slots = new SlotIndex();
      dict.forEach(e -> {
        throw new IllegalStateException("slot index enabled on a non-empty database");
      });
    }
  }

  /** The keys by hash slot, or null when not in cluster mode. */
  public SlotIndex slots() {
    return slots;
  }

  // ---- lookups

  /**
   * The hash of a batch's command's member argument (a field or member: HSET's, SADD's, ZADD's...), asked by
   * {@link #prefetch} only for a command whose key holds a member table, so that nothing else (a SET's value) is hashed.
   */
  public interface MemberHashes {
    int memberHash(int command);
  }

  /**
   * Prefetches for a batch of commands about to run (a pipelined read): the keyspace buckets of their keys
   * ({@code keyHashes}), then the buckets' first nodes and keys, then each key's value, found by hash alone: a string's
   * bytes in the arena, or, in a hash, set or sorted set held as a table, the bucket and then the first node of the
   * command's member ({@code members}). One step for the whole batch before the next, so that the batch's cache misses
   * overlap instead of waiting one after another (see {@link ByteDict#prefetchBucket}). A key the same as the command's
   * before (a benchmark's one hot list) is read once. Changes nothing; returns a number made of what was read, which the
   * caller keeps.
   */
  public int prefetch(int[] keyHashes, int count, MemberHashes members) {
    ByteDict<Entry> d = dict;
    int seen = 0;
    for (int i = 0; i < count; i++) {
      if (i == 0 || keyHashes[i] != keyHashes[i - 1]) {
        seen += d.prefetchBucket(keyHashes[i]);
      }
    }
    for (int i = 0; i < count; i++) {
      if (i == 0 || keyHashes[i] != keyHashes[i - 1]) {
        seen += d.prefetch(keyHashes[i]);
      }
    }
    PrefetchTable[] tables = memberTables;
    if (tables.length < count) {
      tables = memberTables = new PrefetchTable[count];
    }
    boolean any = false;
    for (int i = 0; i < count; i++) {
      PrefetchTable t = null;
      if (i > 0 && keyHashes[i] == keyHashes[i - 1]) {
        t = tables[i - 1];
      } else {
        Entry e = d.probe(keyHashes[i]);
        if (e != null) {
          Object v = e.value;
          if (v instanceof StringArena a) {
            seen += a.length(e.handleOrSize);
          } else if (v instanceof MemberTable m) {
            t = m.memberTable();
            any |= t != null;
          }
        }
      }
      tables[i] = t;
    }
    if (any) {
      int[] hashes = memberHashes;
      if (hashes.length < count) {
        hashes = memberHashes = new int[count];
      }
      for (int i = 0; i < count; i++) {
        if (tables[i] != null) {
          hashes[i] = members.memberHash(i);
          seen += tables[i].prefetchBucket(hashes[i]);
        }
      }
      for (int i = 0; i < count; i++) {
        if (tables[i] != null) {
          seen += tables[i].prefetch(hashes[i]);
        }
      }
    }
    Arrays.fill(tables, 0, count, null);
    return seen;
  }

  /** {@link #prefetch}'s member hashes of the batch (engine thread only). */
  private int[] memberHashes = new int[0];

  /** {@link #prefetch}'s member tables of the batch (engine thread only; emptied after each batch). */
  private PrefetchTable[] memberTables = new PrefetchTable[0];

  /** The entry as stored, even if its time has passed (DEBUG OBJECT, which Redis reads without expiring). */
  public Entry stored(byte[] key) {
    return dict.get(key);
  }

  /** The live entry at {@code key}, or null; expires it first if its time has passed. No access is recorded. */
  public Entry peek(byte[] key) {
    return peek(key, 0, key.length);
  }

  /**
   * {@link #peek(byte[])} of the key that is the {@code len} bytes at {@code off} in {@code b} (a command's argument
   * read in place, see {@code Args}): no array is made for it.
   */
  public Entry peek(byte[] b, int off, int len) {
    Entry e = dict.get(b, off, len);
    if (e != null && e.expiry != null && keyspace.isExpired(e.expiry.at)) {
      expire(e);
      return null;
    }
    return e;
  }

  /** A read lookup: like {@link #peek} and counts a hit or miss and the access (OBJECT IDLETIME). */
  public Entry lookupRead(byte[] key) {
    Entry e = peek(key);
    if (e == null) {
      keyspace.stats.keyspaceMisses++;
      keyspace.onKeyMiss(this, key);
    } else {
      readHit(e);
    }
    return e;
  }

  /** {@link #lookupRead(byte[])} of a key read in place (see {@link #peek(byte[], int, int)}). */
  public Entry lookupRead(byte[] b, int off, int len) {
    Entry e = peek(b, off, len);
    if (e == null) {
      keyspace.stats.keyspaceMisses++;
      keyspace.onKeyMiss(this, b, off, len);
    } else {
      readHit(e);
    }
    return e;
  }

  /** {@link #lookupRead(byte[])} of argument {@code i}, read in place. */
  public Entry lookupRead(Args a, int i) {
    return lookupRead(a.bytes(i), a.offset(i), a.length(i));
  }

  /** {@link #lookupWrite(byte[])} of argument {@code i}, read in place. */
  public Entry lookupWrite(Args a, int i) {
    return lookupWrite(a.bytes(i), a.offset(i), a.length(i));
  }

  /** The entry's value as a {@code type}, or null for no entry; WRONGTYPE for another type. */
  public static <T> T valueAs(Entry e, Class<T> type) {
    return e == null ? null : cast(e.value(), type);
  }

  private void readHit(Entry e) {
    keyspace.stats.keyspaceHits++;
    if (!keyspace.noTouch) {
      e.setLru(keyspace.accessed(e.lru()));
    }
  }

  /**
   * A read lookup that leaves the access clock alone (TTL, TYPE, OBJECT: Redis's LOOKUP_NOTOUCH); hits and misses are
   * counted, and a miss is reported as a keymiss event only if {@code notifyMiss}.
   */
  public Entry lookupReadNoTouch(byte[] key, boolean notifyMiss) {
    Entry e = peek(key);
    if (e == null) {
      keyspace.stats.keyspaceMisses++;
      if (notifyMiss) {
        keyspace.onKeyMiss(this, key);
      }
    } else {
      keyspace.stats.keyspaceHits++;
    }
    return e;
  }

  /** Whether the entry's time has passed (without removing it: KEYS reports only live keys but deletes nothing). */
  public boolean isExpired(Entry e) {
    Entry.Expiry x = e.expiry;
    return x != null && keyspace.isExpired(x.at);
  }

  /**
   * A write lookup: the live entry whose value the caller is about to change in place, or null. A running snapshot that
   * has not taken the entry yet gets its value first (see {@link SnapshotGuard}).
   */
  public Entry lookupWrite(byte[] key) {
    return lookupWrite(key, 0, key.length);
  }

  /** {@link #lookupWrite(byte[])} of a key read in place (see {@link #peek(byte[], int, int)}). */
  public Entry lookupWrite(byte[] b, int off, int len) {
    Entry e = peek(b, off, len);
    if (e != null) {
      guard(e, SnapshotGuard.Change.IN_PLACE);
      changedInPlace(e);
      if (!keyspace.noTouch) {
        e.setLru(keyspace.accessed(e.lru()));
      }
    }
    return e;
  }

  /**
   * Announces that the value at {@code key} is about to change in place outside a write lookup (a read command that
   * reclaims an expired hash field, the active expiry of fields); nothing happens if the key is absent.
   */
  public void willChange(byte[] key) {
    Entry e = dict.get(key);
    if (e != null) {
      guard(e, SnapshotGuard.Change.IN_PLACE);
      changedInPlace(e);
    }
  }

  private void guard(Entry e, SnapshotGuard.Change change) {
    SnapshotGuard g = keyspace.snapshotGuard;
    if (g != null) {
      g.beforeChange(this, e, change);
    }
  }

  @Override
  public Object get(byte[] key) {
    Entry e = lookupRead(key);
    return e == null ? null : e.value();
  }

  @Override
  public <T> T get(byte[] key, Class<T> type) {
    Entry e = lookupRead(key);
    return e == null ? null : cast(e.value(), type);
  }

  @Override
  public Object getForWrite(byte[] key) {
    Entry e = lookupWrite(key);
    return e == null ? null : e.value();
  }

  @Override
  public <T> T getForWrite(byte[] key, Class<T> type) {
    Entry e = lookupWrite(key);
    return e == null ? null : cast(e.value(), type);
  }

  private static <T> T cast(Object value, Class<T> type) {
    if (!type.isInstance(value)) {
      throw Errors.WRONGTYPE;
    }
    return type.cast(value);
  }

  @Override
  public boolean existsForWrite(byte[] key) {
    return touchedForWrite(peek(key));
  }

  /** {@link #existsForWrite(byte[])} of argument {@code i}, read in place. */
  public boolean existsForWrite(Args a, int i) {
    return touchedForWrite(peek(a.bytes(i), a.offset(i), a.length(i)));
  }

  private boolean touchedForWrite(Entry e) {
    // no snapshot guard: the value is replaced whole (the guard of set) or not at all
    if (e != null && !keyspace.noTouch) {
      e.setLru(keyspace.accessed(e.lru()));
    }
    return e != null;
  }

  @Override
  public boolean exists(byte[] key) {
    return lookupReadNoTouch(key, true) != null; // EXISTS does not count as an access (Redis's LOOKUP_NOTOUCH)
  }

  // ---- changes

  @Override
  public void set(byte[] key, Object value) {
    set(key, value, false);
  }

  @Override
  public void set(byte[] key, Object value, boolean keepTtl) {
    Entry e = peek(key);
    if (e == null) {
      add(key, value);
      return;
    }
    replace(e, value, keepTtl);
  }

  /**
   * SET of argument {@code keyArg} to the string at {@code valueArg}, both read in place, with no expiry kept: only a
   * new key gets an array for its bytes, and the value one only if it does not go into the string arena (a value that
   * has an array of its own already is stored as SET stores any value). Returns the key's entry (its key array serves
   * the notifications).
   */
  public Entry setString(Args a, int keyArg, int valueArg) {
    return setString(a, keyArg, valueArg, false);
  }

  /** {@link #setString(Args, int, int)} that keeps the key's expiry if {@code keepTtl} (SET's KEEPTTL, or EX to come). */
  public Entry setString(Args a, int keyArg, int valueArg, boolean keepTtl) {
    Entry e = peek(a.bytes(keyArg), a.offset(keyArg), a.length(keyArg));
    boolean fresh = e == null;
    if (fresh) {
      e = newEntry(a.get(keyArg));
    } else {
      vacate(e, null);
    }
    if (a.detached(valueArg)) {
      store(e, a.get(valueArg));
    } else {
      storeString(e, a.bytes(valueArg), a.offset(valueArg), a.length(valueArg));
    }
    if (fresh) {
      return link(e);
    }
    replaced(e, keepTtl);
    return e;
  }

  /** Replaces the value of a live entry (see {@link #set(byte[], Object, boolean)}). */
  private void replace(Entry e, Object value, boolean keepTtl) {
    vacate(e, value);
    store(e, value);
    replaced(e, keepTtl);
  }

  /** Lets go of a live entry's value, about to be replaced by {@code value} (null: a string stored from a range). */
  private void vacate(Entry e, Object value) {
    guard(e, SnapshotGuard.Change.REPLACE);
    unaccount(e); // first: an arena string is measured from its slot, which release frees
    Object old = e.value;
    if (!release(e) && keyspace.valueReleased != null && old != value) {
      keyspace.valueReleased.accept(old);
    }
  }

  /** After {@link #vacate} and the new value stored. */
  private void replaced(Entry e, boolean keepTtl) {
    account(e);
    e.setLru(keyspace.accessed(e.lru())); // under LFU an overwritten key keeps its history, as in Redis
    if (e.value instanceof RedisValue r && r.hasExpiringParts()) {
      trackExpiringParts(e.key);
    }
    if (!keepTtl && e.expiry != null) {
      expires.remove(e);
      e.expiry = null; // the snapshot took the old expiry with the value
    }
  }

  /** Adds a key known to be absent (after a lookup returned null); returns its entry. */
  public Entry add(byte[] key, Object value) {
    Entry e = newEntry(key);
    store(e, value);
    return link(e);
  }

  /** A new entry for a key known to be absent, its value to be stored. */
  private Entry newEntry(byte[] key) {
    if (!keyspace.expiryEnabled()) {
      // a logically expired key that could not be deleted (a replica, a pause) is still stored: a write replaces it
      Entry stale = dict.get(key);
      if (stale != null) {
        remove(stale);
      }
    }
    return slots == null ? new Entry(key, null) : new SlotEntry(key, null);
  }

  /** Puts a new entry, its value stored, into the table. */
  private Entry link(Entry e) {
    byte[] key = e.key;
    Object value = e.value;
    e.lru = keyspace.newEntryMark() << 24 | keyspace.freshAccess(); // a running snapshot does not include it
    dict.addNew(e);
    if (slots != null) {
      slots.add((SlotEntry) e);
    }
    account(e);
    if (value instanceof RedisValue r && r.hasExpiringParts()) {
      trackExpiringParts(key);
    }
    keyspace.onNewKey(this, key);
    return e;
  }

  /** Adds a key known to be absent, with an expiry (-1 for none). */
  public Entry add(byte[] key, Object value, long expireAt) {
    Entry e = add(key, value);
    if (expireAt >= 0) {
      e.expiry = new Entry.Expiry(expireAt);
      expires.add(e);
    }
    return e;
  }

  @Override
  public boolean delete(byte[] key) {
    Entry e = peek(key);
    if (e == null) {
      return false;
    }
    remove(e);
    return true;
  }

  /** Removes a live entry; its value leaves the keyspace (a module type's {@code free} runs). */
  public void remove(Entry e) {
    guard(e, SnapshotGuard.Change.REMOVE);
    unlink(e);
    if (!release(e) && keyspace.valueReleased != null) {
      keyspace.valueReleased.accept(e.value);
    }
  }

  /** Removes a live entry whose value lives on under another key (RENAME, MOVE): nothing is released. */
  public void detach(Entry e) {
    guard(e, SnapshotGuard.Change.MOVE);
    unlink(e);
    if (e.value instanceof StringArena a) {
      e.value = a.copyOut(e.handleOrSize); // the string goes on under another key, maybe in another table's arena
      a.free(e.handleOrSize);
      e.handleOrSize = 0; // a size now: the entry is out of the accounting (unlinked above)
    }
  }

  /** Puts {@code value} in the entry: a string short enough goes into the table's arena, any other value as it is. */
  private void store(Entry e, Object value) {
    if (!(value instanceof byte[] b) || !storeInArena(e, b, 0, b.length)) {
      e.value = value;
    }
  }

  /** Stores a string given as a range: in the arena when it fits there, else as an array of its own. */
  private void storeString(Entry e, byte[] b, int off, int len) {
    if (!storeInArena(e, b, off, len)) {
      e.value = Arrays.copyOfRange(b, off, off + len);
    }
  }

  /** Puts the string in the table's arena if it fits there; returns whether it did. */
  private boolean storeInArena(Entry e, byte[] b, int off, int len) {
    int h = arena.alloc(b, off, len);
    if (h < 0) {
      return false;
    }
    if (e.value != arena) {
      e.value = arena; // only when it changes: a store of the same reference would still mark a card
    }
    e.handleOrSize = h;
    return true;
  }

  /** Frees the arena slot of a string leaving the keyspace; returns whether the value was one. */
  private static boolean release(Entry e) {
    if (e.value instanceof StringArena a) {
      a.free(e.handleOrSize);
      return true;
    }
    return false;
  }

  /** This table's string arena (for snapshots, which park its freed slots while they run). */
  public StringArena arena() {
    return arena;
  }

  private void unlink(Entry e) {
    dict.remove(e.key);
    if (slots != null) {
      slots.remove((SlotEntry) e);
    }
    unaccount(e);
    if (partExpires.size() > 0) {
      partExpires.remove(e.key);
    }
    if (e.expiry != null) {
      expires.remove(e);
    }
  }

  /** Removes an entry whose time has passed, telling the keyspace (stats, the "expired" event, propagation of DEL). */
  void expire(Entry e) {
    if (!keyspace.expiryEnabled()) {
      return;
    }
    remove(e);
    keyspace.onExpired(this, e.key);
  }

  @Override
  public long expireAt(byte[] key) {
    Entry e = peek(key);
    return e == null ? -2 : e.expireAt();
  }

  @Override
  public void setExpireAt(byte[] key, long atMillis) {
    Entry e = peek(key);
    if (e == null) {
      throw new IllegalStateException("setExpireAt on a missing key");
    }
    setExpireAt(e, atMillis);
  }

  /** Sets or replaces the expiry of a live entry. */
  public void setExpireAt(Entry e, long atMillis) {
    guard(e, SnapshotGuard.Change.EXPIRY);
    if (e.expiry == null) {
      e.expiry = new Entry.Expiry(atMillis);
      expires.add(e);
    } else {
      e.expiry.at = atMillis;
    }
  }

  @Override
  public boolean persist(byte[] key) {
    Entry e = peek(key);
    return e != null && persist(e);
  }

  /** Removes the entry's expiry; returns whether it had one. */
  public boolean persist(Entry e) {
    if (e.expiry == null) {
      return false;
    }
    guard(e, SnapshotGuard.Change.EXPIRY);
    expires.remove(e);
    e.expiry = null;
    return true;
  }

  /** Stands for the table as it is now once a flush drops it: lazy free watches it (see {@link ByteDict#releaseToken}). */
  public Object tableReleaseToken() {
    return dict.releaseToken();
  }

  /** Removes every key; returns how many there were. */
  public long flush() {
    long n = dict.size();
    if (keyspace.snapshotGuard != null) {
      keyspace.snapshotGuard.beforeFlush(this, dict);
    }
    if (keyspace.valueReleased != null) {
      dict.forEach(e -> {
        if (!(e.value instanceof StringArena)) {
          keyspace.valueReleased.accept(e.value);
        }
      });
    }
    dict = ByteDict.forKeyspace(); // the old table is dropped whole: freeing is the collector's work, off this thread
    arena = new StringArena(); // with its strings: a snapshot walking the old table still reads them
    expires = new ExpireIndex();
    partExpires = new ByteDict<>();
    if (slots != null) {
      slots.clear();
    }
    usedBytes = 0;
    java.util.Arrays.fill(unmeasured, 0, unmeasuredCount, null);
    unmeasuredCount = 0;
    generation++;
    return n;
  }

  /** Exchanges the contents of two databases (SWAPDB); clients keep their database numbers. */
  public void swapWith(Db other) {
    ByteDict<Entry> d = dict;
    dict = other.dict;
    other.dict = d;
    StringArena sa = arena;
    arena = other.arena;
    other.arena = sa;
    ExpireIndex x = expires;
    expires = other.expires;
    other.expires = x;
    ByteDict<KeyRef> pe = partExpires;
    partExpires = other.partExpires;
    other.partExpires = pe;
    if (slots != null && other.slots != null) {
      slots.swapWith(other.slots);
    }
    long u = usedBytes;
    usedBytes = other.usedBytes;
    other.usedBytes = u;
    Entry[] m = unmeasured;
    unmeasured = other.unmeasured;
    other.unmeasured = m;
    int mc = unmeasuredCount;
    unmeasuredCount = other.unmeasuredCount;
    other.unmeasuredCount = mc;
    generation++;
    other.generation++;
  }

  // ---- memory accounting

  /**
   * Counts a new or replaced value. A string is measured now; any other value is usually filled in place right after
   * it is stored (LPUSH stores an empty list, then pushes), so it is measured at the next settle.
   */
  private void account(Entry e) {
    if (e.value instanceof StringArena) {
      usedBytes += EntrySize.clamp(measure(e)); // measured again from the slot when uncounted
    } else if (e.value instanceof byte[]) {
      int bytes = EntrySize.clamp(measure(e));
      e.handleOrSize = bytes;
      usedBytes += bytes;
    } else {
      e.handleOrSize = 0;
      changedInPlace(e);
    }
  }

  /** Uncounts the entry's value; an arena string's slot must still be its own (before release frees it). */
  private void unaccount(Entry e) {
    if (e.value instanceof StringArena) {
      usedBytes -= EntrySize.clamp(measure(e));
      return;
    }
    int size = e.handleOrSize;
    usedBytes -= size >= 0 ? size : ~size;
    e.handleOrSize = 0; // measured and gone: a later settle passes over it
  }

  /**
   * Notes that the entry's value is about to change in place: it is measured again at the next settle. An arena string
   * never changes in place (a write stores a new value: {@link #set}), so it is left alone.
   */
  private void changedInPlace(Entry e) {
    if (!(e.value instanceof StringArena) && e.handleOrSize >= 0) {
      e.handleOrSize = ~e.handleOrSize;
      if (unmeasuredCount == unmeasured.length) {
        unmeasured = java.util.Arrays.copyOf(unmeasured, unmeasuredCount * 2);
      }
      unmeasured[unmeasuredCount++] = e;
    }
  }

  private static long measure(Entry e) {
    return e.value instanceof StringArena a ? EntrySize.ofArenaString(e.key, a.length(e.handleOrSize))
        : EntrySize.of(e.key, e.value);
  }

  /** Measures again the values changed in place since the last settle. */
  public void settleSizes() {
    for (int i = 0; i < unmeasuredCount; i++) {
      Entry e = unmeasured[i];
      unmeasured[i] = null;
      // an entry on the list whose value has since become an arena string holds a slot, never negative
      if (!(e.value instanceof StringArena) && e.handleOrSize < 0) {
        int bytes = EntrySize.clamp(measure(e));
        usedBytes += bytes - ~e.handleOrSize;
        e.handleOrSize = bytes;
      }
    }
    int used = unmeasuredCount;
    unmeasuredCount = 0;
    if (unmeasured.length > 1024 && used < unmeasured.length / 4) {
      // a burst of writes to many keys does not keep its list for ever; a steady load keeps it (growing it again by
      // doubling after every settle cost INCR over 100k keys 12 bytes a command)
      unmeasured = new Entry[Math.max(16, Integer.highestOneBit(Math.max(used, 1)) * 2)];
    }
  }

  /** The bytes of this database's keys, values changed in place measured again first. */
  public long usedBytes() {
    if (unmeasuredCount > 0) {
      settleSizes();
    }
    return usedBytes;
  }

  /**
   * Calls {@code visitor} for up to {@code count} entries sampled from the keys (or from the keys with an expiry only),
   * for eviction's pool; expired entries may be among them. Returns how many were visited.
   */
  public int sampleEntries(boolean volatileOnly, int count, Consumer<Entry> visitor) {
    if (!volatileOnly) {
      int n = dict.sample(count, visitor);
      if (n == 0 && dict.size() > 0) {
        visitor.accept(dict.random()); // a sparse table: a run of empty buckets, so search until a key turns up
        n = 1;
      }
      return n;
    }
    int n = Math.min(count, expires.size());
    for (int i = 0; i < n; i++) {
      visitor.accept(expires.random());
    }
    return n;
  }

  // ---- Database's observer reads (see there): nothing touched, expired or reported

  @Override
  public Object peekValue(byte[] key) {
    Entry e = dict.get(key);
    return e == null || isExpired(e) ? null : e.value();
  }

  @Override
  public boolean forEachHashField(byte[] key, java.util.function.BiConsumer<byte[], byte[]> visitor) {
    if (!(peekValue(key) instanceof dev.cairn.core.type.hash.HashValue h)) {
      return false;
    }
    h.forEach(keyspace.now(), (fb, fo, fl, vb, vo, vl) -> visitor.accept(
        java.util.Arrays.copyOfRange(fb, fo, fo + fl), java.util.Arrays.copyOfRange(vb, vo, vo + vl)));
    return true;
  }

  @Override
  public long scanKeys(long cursor, Consumer<byte[]> visitor) {
    return dict.scan(cursor, e -> {
      if (!isExpired(e)) {
        visitor.accept(e.key);
      }
    });
  }

  // ---- iteration

  /** One step of SCAN over this database's keys; see {@link ByteDict#scan}. */
  public long scan(long cursor, Consumer<Entry> visitor) {
    return dict.scan(cursor, visitor);
  }

  /** Visits every entry (expired ones included); the visitor must not change the keyspace. */
  public void forEach(Consumer<Entry> visitor) {
    dict.forEach(visitor);
  }

  @Override
  public void forEachKey(java.util.function.BiConsumer<byte[], Object> visitor) {
    dict.forEach(e -> visitor.accept(e.key, e.value()));
  }

  /** A random live key's entry, or null if there are none (gives up after many expired picks, as Redis does). */
  public Entry randomEntry() {
    for (int tries = 0; tries < 100 && dict.size() > 0; tries++) {
      Entry e = dict.random();
      if (isExpired(e)) {
        if (tries == 99 || dict.size() == expires.size() && tries > 50) {
          return e; // all keys volatile and expired: Redis returns one rather than loop for ever
        }
        expire(e);
        continue;
      }
      return e;
    }
    return null;
  }

  /** A random entry that has an expiry, or null. */
  public Entry randomVolatile() {
    return expires.random();
  }

  /** Notes that the value at {@code key} has parts that expire on their own (see {@link #randomWithExpiringParts}). */
  public void trackExpiringParts(byte[] key) {
    if (partExpires.get(key) == null) {
      partExpires.addNew(new KeyRef(key));
    }
  }

  /** Stops tracking {@code key} (its value has no expiring parts left). */
  public void untrackExpiringParts(byte[] key) {
    partExpires.remove(key);
  }

  /** Whether some value here has parts with their own expiry (each tracked key is checked: tracking can be stale). */
  public boolean anyExpiringParts() {
    if (partExpires.size() == 0) {
      return false;
    }
    boolean[] found = {false};
    partExpires.forEach(k -> {
      if (!found[0]) {
        Entry e = dict.get(k.key);
        found[0] = e != null && e.value instanceof RedisValue r && r.hasExpiringParts();
      }
    });
    return found[0];
  }

  /** How many keys are tracked as having expiring parts. */
  public int expiringPartsSize() {
    return partExpires.size();
  }

  /**
   * A random tracked key's live entry, or null; a key that is gone or whose value no longer has expiring parts (it was
   * replaced, renamed away, ...) is dropped from the tracking on the way.
   */
  public Entry randomWithExpiringParts() {
    KeyRef k = partExpires.random();
    if (k == null) {
      return null;
    }
    Entry e = peek(k.key);
    if (e == null || !(e.value instanceof RedisValue r) || !r.hasExpiringParts()) {
      partExpires.remove(k.key);
      return null;
    }
    return e;
  }

  /** A tracked key. */
  static final class KeyRef extends ByteDict.Node<KeyRef> {
    KeyRef(byte[] key) {
      super(key);
    }
  }

  /** Gives the dictionary a slice of rehashing work; returns whether more is pending. */
  public boolean rehash(int steps) {
    return dict.rehash(steps);
  }

  /** The dictionary, for the background saver and diagnostics. */
  public ByteDict<Entry> dict() {
    return dict;
  }
}
