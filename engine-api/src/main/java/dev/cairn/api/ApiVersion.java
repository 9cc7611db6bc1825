package dev.cairn.api;

/**
 * The version of the module API ({@code dev.cairn.api}) this server implements, MAJOR.MINOR. A minor change only adds
 * (classes, methods, default methods, enum constants, config kinds): a module built for 1.x loads into every server of
 * API 1.y with y >= x. A major change may remove or change anything: a module built for another major is refused.
 * A module states the version it needs in its {@link ModuleInfo}; written as
 * {@code new ModuleInfo("name", 1, ApiVersion.MAJOR, ApiVersion.MINOR)} it is the version it was compiled against (the
 * constants are copied into the module's class file at compile time), so a jar built against a newer API than the
 * server's is refused at MODULE LOAD instead of failing later on a missing method.
 *
 * <p>History: 1.0 the first API; 1.1 added timers ({@link ModuleServer#createTimer}), command filters
 * ({@link ModuleContext#registerCommandFilter}) and module ACL categories ({@link ModuleContext#addAclCategory}); 1.2
 * added keyspace subscriptions whose event classes change ({@link ModuleContext#subscribeKeyspaceEvents}).
 */
public final class ApiVersion {
  /** Incremented by a change that can break modules; MINOR restarts at 0. */
  public static final int MAJOR = 1;
  /** Incremented by an addition. */
  public static final int MINOR = 2;

  private ApiVersion() {}

  /** Whether a module that needs API {@code major.minor} can run on this one. */
  public static boolean supports(int major, int minor) {
    return major == MAJOR && minor <= MINOR;
  }

  /** "MAJOR.MINOR". */
  public static String string() {
    return MAJOR + "." + MINOR;
  }
}
