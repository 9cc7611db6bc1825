package dev.cairn.core.script.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's one-shot delimited continuations ({@code jdk.internal.vm.Continuation}, the mechanism under virtual
 * threads), reached through method handles so that Cairn compiles against the public API only. A script runs inside a
 * continuation on the engine thread; when it passes busy-reply-threshold its hook yields, the engine thread goes back
 * to the event loop (other clients get BUSY, SCRIPT KILL is served) and the script resumes where it stopped.
 *
 * <p>The JVM exports the package only when told to ({@code Add-Exports: java.base/jdk.internal.vm} in the server jar's
 * manifest, {@code --add-exports} for tests and embedders). Without it {@link #available()} is false and scripts run
 * to completion without yielding: correct results, but no BUSY replies while a slow script runs.
 */
public final class Continuations {
  private static final Object SCOPE;
  private static final MethodHandle NEW;
  private static final MethodHandle RUN;
  private static final MethodHandle YIELD;
  private static final MethodHandle IS_DONE;

  static {
    Object scope = null;
    MethodHandle create = null;
    MethodHandle run = null;
    MethodHandle yield = null;
    MethodHandle done = null;
    try {
      Class<?> cc = Class.forName("jdk.internal.vm.Continuation");
      Class<?> sc = Class.forName("jdk.internal.vm.ContinuationScope");
      MethodHandles.Lookup l = MethodHandles.lookup();
      scope = sc.getConstructor(String.class).newInstance("cairn-script");
      create = l.findConstructor(cc, MethodType.methodType(void.class, sc, Runnable.class))
          .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
      run = l.findVirtual(cc, "run", MethodType.methodType(void.class))
          .asType(MethodType.methodType(void.class, Object.class));
      yield = l.findStatic(cc, "yield", MethodType.methodType(boolean.class, sc))
          .asType(MethodType.methodType(boolean.class, Object.class));
      done = l.findVirtual(cc, "isDone", MethodType.methodType(boolean.class))
          .asType(MethodType.methodType(boolean.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      scope = null; // not exported to us: run without yielding
    }
    SCOPE = scope;
    NEW = create;
    RUN = run;
    YIELD = yield;
    IS_DONE = done;
  }

  private static boolean pinnedReported;

  private Continuations() {}

  /** Whether scripts can be suspended (the JVM exports the continuation API to Cairn). */
  public static boolean available() {
    return SCOPE != null;
  }

  /** A new continuation that will run {@code body}; null when continuations are not available. */
  public static Object create(Runnable body) {
    if (SCOPE == null) {
      return null;
    }
    try {
      return NEW.invokeExact(SCOPE, body);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Runs or resumes {@code c} until it ends or yields; returns true when it has ended. */
  public static boolean run(Object c) {
    try {
      RUN.invokeExact(c);
      return (boolean) IS_DONE.invokeExact(c);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Suspends the running continuation (called from the script's hook); returns false when it could not (not inside
   * one, or pinned by a native frame or a held monitor), and the script then simply goes on.
   */
  public static boolean yieldNow() {
    try {
      return (boolean) YIELD.invokeExact(SCOPE);
    } catch (IllegalStateException pinned) {
      if (!pinnedReported) {
        pinnedReported = true; // once: a script that cannot pause serves no BUSY replies, and this says why
        dev.cairn.core.log.Log.log(dev.cairn.core.log.Log.Level.WARNING,
            "A slow script could not be paused (" + pinned.getMessage() + "): other clients wait for it to end");
      }
      return false;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      return false;
    }
  }
}
