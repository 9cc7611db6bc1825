package dev.cairn.search;

import dev.cairn.api.KeyspaceSubscription;
import dev.cairn.api.ModuleServer;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.ServerEvent;
import dev.cairn.api.keyspace.Database;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The module's state: indexes by name, aliases, dictionaries; and the indexer that keeps every index in step with the
 * keyspace. Documents are the hashes of database 0 (as RediSearch indexes database 0) under an index's prefixes. Every
 * keyspace event re-reads its key and re-indexes or drops the document, so a search right after a write sees it.
 */
final class Indexes {
  /** Keys at most this many: FT.CREATE indexes them before it replies; more are scanned in the background. */
  static final long SYNC_SCAN_LIMIT = 10_000;
  /**
   * Keys per background scan step on the engine thread (RediSearch's background indexer yields every 100 too): clients
   * are served between steps, so a step's time is the longest a command waits (1,000 keys a step measured PING p50 of
   * 2 s at a load average of 50 during a 100,000-vector FT.CREATE).
   */
  static final int SCAN_STEP = 100;

  /** Changed only through {@link #add} and {@link #remove} (and a flush), which keep the keyspace subscription in step. */
  final Map<String, SearchIndex> byName = new TreeMap<>();
  final Map<String, String> aliases = new HashMap<>();
  final Map<String, TreeSet<String>> dicts = new HashMap<>();
  private final ModuleServer server;
  private ExecutorService scanner;
  /** The keyspace events the indexer follows: all of them while an index exists, none before (writes pay nothing). */
  private KeyspaceSubscription keyspace;
  /** JSON documents, through the JSON module's shared API. */
  final JsonSource json;
  /** FT.AGGREGATE's cursors (FT.INFO and INFO show their counts). */
  final Cursors cursors;

  Indexes(ModuleServer server) {
    this.server = server;
    this.json = new JsonSource(server);
    this.cursors = new Cursors(server);
  }

  /** The fields {@code idx} indexes of the document at {@code key}, or null when it holds no document of its kind. */
  Map<String, ?> read(SearchIndex idx, Database db, byte[] key) {
    return idx.def.onJson ? json.read(db, key, idx.def)
        : VectorFields.withBlobs(idx, db, key, DocumentSource.HASH.read(db, key));
  }

  /**
   * A document as results show it: a hash's fields, or a JSON document as {@code $} and its text (RediSearch's
   * shape); null when the key holds no document.
   */
  Map<String, String> content(SearchIndex idx, Database db, byte[] key) {
    if (!idx.def.onJson) {
      return DocumentSource.HASH.read(db, key);
    }
    String text = json.whole(db, key);
    if (text == null) {
      return null;
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("$", text);
    return m;
  }

  /**
   * What FT.AGGREGATE's LOAD finds in a document, by identifier: a hash's fields; a JSON document's schema paths (as
   * RETURN gives them) and {@code $}.
   */
  Map<String, String> loadable(SearchIndex idx, Database db, byte[] key, int dialect) {
    if (!idx.def.onJson) {
      return DocumentSource.HASH.read(db, key);
    }
    Map<String, String> m = content(idx, db, key);
    if (m != null) {
      for (FieldSpec f : idx.def.fields.values()) {
        String v = json.returned(db, key, f.identifier, dialect);
        if (v != null) {
          m.put(f.identifier, v);
        }
      }
    }
    return m;
  }

  /**
   * One field of a document, named by an attribute, an identifier or (JSON) a path: a hash field's value, or a JSON
   * value as RETURN gives it.
   */
  String value(SearchIndex idx, Database db, byte[] key, String name, int dialect) {
    FieldSpec f = idx.def.field(name);
    String id = f != null ? f.identifier : name;
    if (idx.def.onJson) {
      return id.startsWith("$") || f != null ? json.returned(db, key, id, dialect) : null;
    }
    Map<String, String> doc = DocumentSource.HASH.read(db, key);
    return doc == null ? null : doc.get(id);
  }

  /** Reads the fields of a document, or null when the key holds no document of the source's kind. */
  interface DocumentSource {
    Map<String, String> read(Database db, byte[] key);

    DocumentSource HASH = (db, key) -> {
      Map<String, String> fields = new LinkedHashMap<>();
      boolean hash = db.forEachHashField(key, (f, v) ->
          fields.put(new String(f, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
      return hash && !fields.isEmpty() ? fields : null; // a hash being created is empty until its fields come
    };
  }

  ModuleServer server() {
    return server;
  }

  /** Follows the keyspace through {@code subscription} (NEW too: keys an RDB load adds are indexed as they come). */
  void follow(KeyspaceSubscription subscription) {
    keyspace = subscription;
    followKeyspace();
  }

  void add(String name, SearchIndex idx) {
    byName.put(name, idx);
    followKeyspace();
  }

  void remove(String name) {
    byName.remove(name);
    followKeyspace();
  }

  private void followKeyspace() {
    keyspace.setTypes(byName.isEmpty() ? 0 : KeyspaceEvents.ALL | KeyspaceEvents.NEW);
  }

  SearchIndex get(String nameOrAlias) {
    SearchIndex idx = byName.get(nameOrAlias);
    if (idx == null) {
      String target = aliases.get(nameOrAlias);
      idx = target == null ? null : byName.get(target);
    }
    return idx;
  }

  /** A keyspace event on {@code key}: every index whose prefixes match re-reads it. */
  void onKeyEvent(int type, String event, byte[] key, int dbIndex, Function<Integer, Database> dbs) {
    if (dbIndex != 0 || byName.isEmpty()) {
      return;
    }
    Database db = dbs.apply(0);
    Map<String, String> hash = null;
    boolean read = false;
    for (SearchIndex idx : byName.values()) {
      if (!idx.def.matchesPrefix(key)) {
        continue;
      }
      if (idx.def.onJson) {
        idx.update(key, json.read(db, key, idx.def), (type & KeyspaceEvents.NEW) != 0);
        noteExpiry(idx, db, key);
        continue;
      }
      if (!read) {
        hash = DocumentSource.HASH.read(db, key);
        read = true;
      }
      idx.update(key, VectorFields.withBlobs(idx, db, key, hash));
      noteExpiry(idx, db, key);
    }
  }

  void onServerEvent(ServerEvent e, Function<Integer, Database> dbs) {
    if (e.kind() == ServerEvent.Kind.FLUSH_START) {
      // as RediSearch: a FLUSHDB of any database, or FLUSHALL, drops every index, alias and dictionary (clients
      // recreate their indexes after a flush; FT.CREATE of a surviving name would fail with "Index already exists")
      byName.clear();
      followKeyspace();
      aliases.clear();
      dicts.clear();
      return;
    }
    boolean touches0 = switch (e.kind()) {
      case SWAPDB -> e.db() == 0 || e.otherDb() == 0;
      case SHUTDOWN -> {
        stop();
        yield false;
      }
      default -> false;
    };
    if (!touches0) {
      return;
    }
    for (SearchIndex idx : byName.values()) {
      idx.clear();
      if (e.kind() == ServerEvent.Kind.SWAPDB) {
        scan(idx, dbs.apply(0));
      }
    }
  }

  /** Indexes the existing keys of database 0: at once when few, else in steps handed to the engine thread. */
  void scan(SearchIndex idx, Database db) {
    idx.scanned = 0;
    if (db.size() <= SYNC_SCAN_LIMIT) {
      long cursor = 0;
      do {
        cursor = step(idx, db, cursor);
      } while (cursor != 0);
      idx.indexing = false;
      idx.percentIndexed = 1;
      return;
    }
    idx.indexing = true;
    idx.percentIndexed = 0;
    idx.scanned = 0;
    if (scanner == null) {
      scanner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "search-scan");
        t.setDaemon(true);
        return t;
      });
    }
    scanner.execute(() -> {
      long cursor = 0;
      do {
        long from = cursor;
        CompletableFuture<Long> next = new CompletableFuture<>();
        server.execute(access -> {
          if (byName.get(idx.def.name) != idx) {
            next.complete(0L); // dropped meanwhile
            return;
          }
          Database d0 = access.db(0);
          long c = step(idx, d0, from);
          idx.percentIndexed = c == 0 ? 1 : Math.min(0.99, (double) idx.scanned / Math.max(1, d0.size()));
          idx.indexing = c != 0;
          next.complete(c);
        });
        try {
          cursor = next.get();
        } catch (Exception e) {
          return;
        }
      } while (cursor != 0);
    });
  }

  /** Scans on from {@code cursor} until a step's worth of keys was visited; indexes the documents among them. */
  private long step(SearchIndex idx, Database db, long cursor) {
    java.util.List<byte[]> keys = new java.util.ArrayList<>();
    int[] visited = {0};
    long next = cursor;
    do {
      next = db.scanKeys(next, k -> {
        visited[0]++;
        if (idx.def.matchesPrefix(k)) {
          keys.add(k);
        }
      });
    } while (next != 0 && visited[0] < SCAN_STEP);
    idx.scanned += visited[0];
    for (byte[] k : keys) {
      Map<String, ?> doc = read(idx, db, k);
      if (doc != null) {
        idx.update(k, doc);
        noteExpiry(idx, db, k);
      }
    }
    return next;
  }

  /** Marks the document just indexed as one whose key has a time to live: searches then check it is still there. */
  private static void noteExpiry(SearchIndex idx, Database db, byte[] key) {
    if (idx.lastUpdated >= 0) {
      idx.table.mayExpire(idx.lastUpdated, db.expireAt(key) >= 0);
    }
  }

  void stop() {
    cursors.stop();
    if (scanner != null) {
      scanner.shutdownNow();
      scanner = null;
    }
  }
}
