package dev.cairn.core.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.EngineClients;
import dev.cairn.core.util.Hashing;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The batch prefetch reads every kind of value the keyspace holds and changes nothing. */
class DbPrefetchTest {
  private static int hash(String s) {
    return Hashing.hash(s.getBytes(StandardCharsets.UTF_8));
  }

  /** For each hash, whether the entry the prefetch finds by hash alone holds a member table. */
  private static boolean[] tablesProbed(Db db, int[] hashes) {
    boolean[] probed = new boolean[hashes.length];
    for (int i = 0; i < hashes.length; i++) {
      Entry e = db.dict().probe(hashes[i]);
      probed[i] = e != null && e.value instanceof MemberTable m && m.memberTable() != null;
    }
    return probed;
  }

  @Test
  void readsStringsAndMemberTablesAndChangesNothing() {
    EngineClients clients = new EngineClients();
    int c = clients.connect();
    for (int i = 0; i < 10; i++) {
      clients.run(c, "SET", "k" + i, "value");
    }
    clients.run(c, "RPUSH", "list", "a");
    clients.run(c, "HSET", "small", "f", "v");
    Db db = clients.engine.keyspace().db(0);
    while (db.rehash(100)) {
      // done with any resize, so that no rehash step moves an older key in front of the table keys added next
    }
    // the table keys come last: a new entry goes first in its bucket, so whatever the per-process hash seed makes
    // share a bucket, the last table key added is its bucket's first entry, which the prefetch's probe by hash finds
    // (12 keys in 16 buckets: the three more make no resize)
    for (int i = 0; i < 1000; i++) { // past the listpack limits: hashtable-encoded hash, set and sorted set
      clients.run(c, "HSET", "h", "f" + i, "v");
      clients.run(c, "SADD", "s", "m" + i);
      clients.run(c, "ZADD", "z", Integer.toString(i), "m" + i);
    }
    String[] keys = {"h", "s", "z", "k7", "list", "small", "absent", "k8"};
    String[] members = {"f5", "m6", "m7", "", "a", "f", "x", "nothing"};
    int[] kh = new int[keys.length];
    int[] mh = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      kh[i] = hash(keys[i]);
      mh[i] = hash(members[i]);
    }
    String before = clients.run(c, "DEBUG", "DIGEST");
    int layout = db.dict().layout();
    boolean[] asked = new boolean[keys.length];
    Db.MemberHashes memberOf = i -> {
      asked[i] = true;
      return mh[i];
    };
    assertTrue(db.prefetch(kh, keys.length, memberOf) > 0);
    // a member is hashed only for a value held as a table (a string's value or a list's element is never hashed); the
    // value is found by hash alone, and entries keep no hash, so it is the key's bucket's first entry: a hint
    assertArrayEquals(tablesProbed(db, kh), asked);
    assertTrue(asked[0] || asked[1] || asked[2], "no member table prefetched: every table key shares a bucket");
    assertTrue(db.prefetch(kh, 3, memberOf) > 0); // a smaller batch after a bigger one
    // a key repeated (one hot key) is read once and its table is still prefetched for each command's member
    int[] same = {kh[0], kh[0], kh[0], kh[4], kh[4]};
    java.util.Arrays.fill(asked, false);
    assertTrue(db.prefetch(same, same.length, memberOf) > 0);
    assertArrayEquals(java.util.Arrays.copyOf(tablesProbed(db, same), keys.length), asked);
    assertEquals(layout, db.dict().layout());
    assertEquals(before, clients.run(c, "DEBUG", "DIGEST"));
    assertEquals(EngineClients.bulk("hashtable"), clients.run(c, "OBJECT", "ENCODING", "h"));
    assertEquals(EngineClients.bulk("hashtable"), clients.run(c, "OBJECT", "ENCODING", "s"));
    assertEquals(EngineClients.bulk("skiplist"), clients.run(c, "OBJECT", "ENCODING", "z"));
  }
}
