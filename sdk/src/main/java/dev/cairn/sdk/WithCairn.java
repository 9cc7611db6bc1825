package dev.cairn.sdk;

import dev.cairn.api.Module;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the embedded server of a {@link CairnExtension} test class loads: module classes (created with their public
 * no-argument constructor), module jars (paths relative to the working directory, which Maven sets to the module's
 * directory), and config lines.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface WithCairn {
  /** Module classes on the test class path. */
  Class<? extends Module>[] modules() default {};

  /**
   * Module jars: paths, or {@code "${property}"} for a path in a system property. A module's own jar exists only after
   * {@code package}: load it from an {@code *IT} test run by failsafe, as the template's {@code HelloJarIT} does.
   */
  String[] jars() default {};

  /** Load arguments for every module loaded (RedisBloom style {@code ERROR_RATE 0.001}). */
  String[] args() default {};

  /** Config as name/value pairs: {@code {"bf.initial-size", "1000", "hz", "50"}}. */
  String[] config() default {};

  /** Whether each test starts with FLUSHALL (default true). */
  boolean flushBeforeEach() default true;
}
