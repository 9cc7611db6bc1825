package dev.cairn.core.replication;

import dev.cairn.core.Engine;
import dev.cairn.core.keyspace.Db;
import dev.cairn.core.keyspace.Keyspace;
import dev.cairn.core.script.function.Functions;

/**
 * A replica's dataset set aside while a full sync's payload loads ({@code repl-diskless-load swapdb}): each database's
 * contents move into a spare database (the live ones are left empty for the load), and the function libraries are
 * kept as a FUNCTION DUMP payload. {@link #restore} puts them back when the payload was corrupt; {@link #discard}
 * drops them once the new dataset loaded, as a flush would have.
 */
final class OldDataset {
  private final Engine engine;
  private final Db[] parked;
  private final byte[] functions;

  OldDataset(Engine engine) {
    this.engine = engine;
    Keyspace ks = engine.keyspace();
    parked = new Db[ks.databases()];
    for (int i = 0; i < parked.length; i++) {
      parked[i] = ks.spareDb(i);
      ks.db(i).swapWith(parked[i]);
    }
    Functions f = engine.scripting().functions();
    functions = f.dump();
    f.flush();
  }

  /** The half-loaded data goes and the old dataset comes back. */
  void restore() {
    Keyspace ks = engine.keyspace();
    for (int i = 0; i < parked.length; i++) {
      ks.db(i).flush();
      ks.db(i).swapWith(parked[i]);
    }
    Functions f = engine.scripting().functions();
    f.flush();
    f.restore(functions, Functions.Policy.FLUSH);
  }

  /** The new dataset loaded: the old one is released as a flush releases it (lazily under replica-lazy-flush). */
  void discard() {
    boolean lazy = engine.params().replication.lazyFlush.value;
    for (Db d : parked) {
      engine.lazyFree().flush(d, lazy);
    }
  }
}
