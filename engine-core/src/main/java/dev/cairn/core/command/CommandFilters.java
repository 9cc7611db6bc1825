package dev.cairn.core.command;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandFilter;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Modules' command filters (Redis's {@code RedisModule_RegisterCommandFilter}), run on a command's arguments before it
 * is looked up: by the dispatcher for client commands (queued MULTI commands when queued; a paused command is not
 * filtered again when it is offered again), by scripts' {@code redis.call} and by modules' {@code ServerAccess.call}.
 * With no filter registered the cost is one emptiness check. Engine thread.
 */
public final class CommandFilters {
  private static final System.Logger LOG = dev.cairn.core.log.LogBridges.logger("dev.cairn.modules", "");

  /** A registered filter; {@code skip} says when it must not run (NOSELF: its module is inside a call). */
  private record Entry(CommandFilter filter, BooleanSupplier skip, String owner) { }

  private final CopyOnWriteArrayList<Entry> filters = new CopyOnWriteArrayList<>();
  private final Argv argv = new Argv();

  /** Whether any filter is registered. */
  public boolean active() {
    return !filters.isEmpty();
  }

  /** Adds a filter after the others; the handle removes it. */
  public CommandFilter.Handle add(CommandFilter filter, BooleanSupplier skip, String owner) {
    Entry e = new Entry(filter, skip == null ? () -> false : skip, owner);
    filters.add(e);
    return () -> filters.remove(e);
  }

  /** Removes every filter {@code owner} registered (its module unloads or failed to load). */
  public void removeAll(String owner) {
    filters.removeIf(e -> e.owner.equals(owner));
  }

  /** Filters {@code a} in place (it is pointed at a new array when a filter changed it). */
  public void apply(long clientId, Args a) {
    byte[][] out = run(clientId, a.array(), a.size());
    if (out != null) {
      a.reset(out, out.length);
    }
  }

  /** Filters {@code v}: the same array when no filter changed it, else a new one. */
  public byte[][] apply(long clientId, byte[][] v) {
    byte[][] out = run(clientId, v, v.length);
    return out == null ? v : out;
  }

  /** Runs the filters; null when none changed anything. */
  private byte[][] run(long clientId, byte[][] v, int n) {
    Argv args = argv.enter(clientId, v, n);
    try {
      for (Entry e : filters) {
        if (e.skip.getAsBoolean()) {
          continue;
        }
        try {
          e.filter.filter(args);
        } catch (RuntimeException ex) {
          LOG.log(System.Logger.Level.WARNING, "module '" + e.owner + "' command filter failed", ex);
        }
      }
      return args.changed ? Arrays.copyOf(args.v, args.n) : null;
    } finally {
      args.exit();
    }
  }

  /**
   * The arguments as filters see them: the caller's array until the first change, then a copy of its own (the
   * connection's decoder owns the first). Filters nest (a filter's module call is filtered too): the outer state is
   * kept while an inner run uses the object.
   */
  private final class Argv implements CommandFilter.FilterArgs {
    byte[][] v;
    int n;
    boolean changed;
    long clientId;

    Argv enter(long id, byte[][] argv, int argc) {
      Argv a = this;
      if (v != null) { // a nested run: a fresh object, this one keeps the outer run's state
        a = new Argv();
      }
      a.v = argv;
      a.n = argc;
      a.changed = false;
      a.clientId = id;
      return a;
    }

    void exit() {
      v = null;
    }

    private void own(int capacity) {
      if (!changed || v.length < capacity) {
        v = Arrays.copyOf(v, Math.max(capacity, n + 4));
        changed = true;
      }
    }

    private void check(int i, int bound) {
      if (v == null) {
        throw new IllegalStateException("the filter's arguments are used after the filter returned");
      }
      if (i < 0 || i >= bound) {
        throw new IndexOutOfBoundsException(i);
      }
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public byte[] get(int i) {
      check(i, n);
      return v[i];
    }

    @Override
    public void set(int i, byte[] arg) {
      check(i, n);
      own(n);
      v[i] = java.util.Objects.requireNonNull(arg);
    }

    @Override
    public void insert(int i, byte[] arg) {
      check(i, n + 1);
      own(n + 1);
      System.arraycopy(v, i, v, i + 1, n - i);
      v[i] = java.util.Objects.requireNonNull(arg);
      n++;
    }

    @Override
    public void delete(int i) {
      check(i, n);
      if (n == 1) {
        throw new IllegalStateException("a command keeps at least its name");
      }
      own(n);
      System.arraycopy(v, i + 1, v, i, n - i - 1);
      v[--n] = null;
    }

    @Override
    public long clientId() {
      return clientId;
    }
  }
}
