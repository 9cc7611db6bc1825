package dev.cairn.core.module;

/** Why a module could not be loaded (logged; clients see Redis's generic "Error loading the extension"). */
public final class ModuleLoadException extends Exception {
  /** A module of the same name is loaded already. */
  boolean alreadyLoaded;

  public ModuleLoadException(String reason) {
    super(reason, null, false, false);
  }

  public ModuleLoadException(String reason, Throwable cause) {
    super(reason, cause, false, true);
  }
}
