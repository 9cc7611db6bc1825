package dev.cairn.api;

/**
 * A module's name and version, as MODULE LIST shows them ({@code name}, {@code ver}). The name prefixes the module's
 * config parameters ({@code <name>.<param>}) and is what MODULE UNLOAD takes.
 */
public record ModuleInfo(String name, int version) {
  public ModuleInfo {
    if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '.' || c > '~')) {
      throw new IllegalArgumentException("module name must be printable ASCII without spaces or dots: " + name);
    }
    if (version < 0) {
      throw new IllegalArgumentException("module version must be >= 0: " + version);
    }
  }
}
