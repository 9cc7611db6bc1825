package dev.cairn.core.util;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * sin, cos and asin from the platform's C library, for results bit-identical to Redis's, which calls them for GEO
 * distances. Java's own functions differ from glibc's in the last bit now and then (asin in about 6% of arguments, sin
 * and cos in about 0.1%), enough to show in a stored distance (GEOSEARCHSTORE STOREDIST) or to move a point on a
 * search boundary.
 *
 * <p>The functions are bound through the Foreign Function API, found by reflection since Cairn compiles for Java 21,
 * where that API is still a preview; where it cannot be had (Java 21, no C library symbol), Java's functions serve.
 */
public final class LibM {
  private LibM() {}

  private static final MethodHandle SIN = bind("sin");
  private static final MethodHandle COS = bind("cos");
  private static final MethodHandle ASIN = bind("asin");

  /** Whether the C library's functions are in use (else Java's). */
  public static boolean isNative() {
    return SIN != null && COS != null && ASIN != null;
  }

  public static double sin(double x) {
    if (SIN == null) {
      return Math.sin(x);
    }
    try {
      return (double) SIN.invokeExact(x);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static double cos(double x) {
    if (COS == null) {
      return Math.cos(x);
    }
    try {
      return (double) COS.invokeExact(x);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static double asin(double x) {
    if (ASIN == null) {
      return Math.asin(x);
    }
    try {
      return (double) ASIN.invokeExact(x);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** A (double)double handle on the C function {@code name}, or null. */
  private static MethodHandle bind(String name) {
    try {
      Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
      Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
      Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
      Optional<?> symbol = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
          .getMethod("find", String.class).invoke(lookup, name);
      if (symbol.isEmpty()) {
        return null;
      }
      Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
      Object jdouble = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_DOUBLE").get(null);
      Object args = Array.newInstance(layoutClass, 1);
      Array.set(args, 0, jdouble);
      Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
      Object descriptor = descriptorClass.getMethod("of", layoutClass, args.getClass()).invoke(null, jdouble, args);
      Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
      Object options = Array.newInstance(optionClass, 0);
      try {
        // a leaf function that never calls back into Java: the cheaper "critical" transition (Java 22+)
        Object critical = optionClass.getMethod("critical", boolean.class).invoke(null, false);
        options = Array.newInstance(optionClass, 1);
        Array.set(options, 0, critical);
      } catch (ReflectiveOperationException e) {
        // no critical option: the plain transition
      }
      Method downcall = linkerClass.getMethod("downcallHandle", Class.forName("java.lang.foreign.MemorySegment"),
          descriptorClass, options.getClass());
      MethodHandle h = (MethodHandle) downcall.invoke(linker, symbol.get(), descriptor, options);
      double probe = (double) h.invokeExact(0.5);
      return Double.isNaN(probe) ? null : h;
    } catch (Throwable t) {
      return null; // no Foreign Function API here (Java 21 without preview features), or no such symbol
    }
  }
}
