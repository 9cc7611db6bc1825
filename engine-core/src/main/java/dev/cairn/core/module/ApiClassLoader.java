package dev.cairn.core.module;

/**
 * The parent of every module jar's class loader: the Java platform plus {@code dev.cairn.api}, nothing else. A module
 * sees the SPI and the JDK, not the server's internals ({@code dev.cairn.core}, Netty) nor the server's class path, so
 * it cannot come to depend on them and a library it bundles cannot clash with the server's copy.
 */
final class ApiClassLoader extends ClassLoader {
  private static final String API_PACKAGE = "dev.cairn.api.";
  private final ClassLoader api;

  ApiClassLoader(ClassLoader api) {
    super("cairn-api", ClassLoader.getPlatformClassLoader());
    this.api = api;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(API_PACKAGE)) {
      return api.loadClass(name);
    }
    return super.loadClass(name, resolve);
  }
}
