package dev.cairn.api;

/**
 * A module's name and version, as MODULE LIST shows them ({@code name}, {@code ver}), and the module API version it
 * needs ({@code apiMajor.apiMinor}, see {@link ApiVersion}). The name prefixes the module's config parameters
 * ({@code <name>.<param>}) and is what MODULE UNLOAD takes.
 */
public record ModuleInfo(String name, int version, int apiMajor, int apiMinor) {
  public ModuleInfo {
    if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '.' || c > '~')) {
      throw new IllegalArgumentException("module name must be printable ASCII without spaces or dots: " + name);
    }
    if (version < 0) {
      throw new IllegalArgumentException("module version must be >= 0: " + version);
    }
    if (apiMajor < 1 || apiMinor < 0) {
      throw new IllegalArgumentException("module API version must be 1.0 or later: " + apiMajor + "." + apiMinor);
    }
  }

  /** A module that states no API version needs 1.0, the API as first published. */
  public ModuleInfo(String name, int version) {
    this(name, version, 1, 0);
  }
}
