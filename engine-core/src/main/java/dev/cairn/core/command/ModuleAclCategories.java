package dev.cairn.core.command;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.CommandSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ACL categories modules added (Redis 7.4's {@code RedisModule_AddACLCategory}), after the core's in
 * {@code ACL CAT}. As in Redis a category outlives its module (users' rules may name it); the module that added it may
 * add it again when it loads again. At most {@link #MAX} categories exist, the core's included.
 */
public final class ModuleAclCategories {
  /** Redis's ACL_MAX_CATEGORIES. */
  public static final int MAX = 64;

  /** Name (lower case) to the module that added it, in the order added. */
  private final Map<String, String> owners = new LinkedHashMap<>();

  /** The core category of that name (any case, no {@code @}), or null. */
  public static AclCategory core(String name) {
    for (AclCategory c : AclCategory.values()) {
      if (c.replyName().regionMatches(true, 1, name, 0, name.length()) && c.replyName().length() == name.length() + 1) {
        return c;
      }
    }
    return null;
  }

  /** Whether {@code name} (no {@code @}) is a category, core or module. */
  public boolean exists(String name) {
    return core(name) != null || owners.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** Whether the command is in the category {@code name} (no {@code @}), core or module. */
  public static boolean contains(CommandSpec spec, String name) {
    AclCategory c = core(name);
    return c != null ? spec.aclCategories().contains(c)
        : spec.moduleAclCategories().contains(name.toLowerCase(Locale.ROOT));
  }

  /** The module categories, in the order they were added. */
  public List<String> names() {
    return new ArrayList<>(owners.keySet());
  }

  /**
   * Why {@code module} may not add these categories (a core name, another module's, too many), or null when it may.
   */
  public String refusal(List<String> names, String module) {
    int added = 0;
    for (String n : names) {
      if (core(n) != null) {
        return "ACL category '" + n + "' is a core category";
      }
      String owner = owners.get(n);
      if (owner == null) {
        added++;
      } else if (!owner.equalsIgnoreCase(module)) {
        return "ACL category '" + n + "' was added by module '" + owner + "'";
      }
    }
    if (AclCategory.values().length + owners.size() + added > MAX) {
      return "too many ACL categories (at most " + MAX + ")";
    }
    return null;
  }

  /** Adds the categories (checked by {@link #refusal}). */
  public void add(List<String> names, String module) {
    for (String n : names) {
      owners.putIfAbsent(n, module);
    }
  }
}
