package dev.cairn.api.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything known about a command before it runs: name, arity, flags, ACL categories, key specs and docs. Declared once
 * per command; dispatch checks, COMMAND INFO/DOCS/GETKEYS and (later) ACL and cluster routing all read it.
 *
 * <p>Arity follows Redis: positive is exact, negative is a minimum, both counting the command name (and, for a
 * subcommand, the subcommand name).
 */
public final class CommandSpec {
  private final String name;
  private final String container;
  private final int arity;
  private final Set<Flag> flags;
  /** The flags as bits by ordinal: the dispatcher asks several per command, and a set's lookup is a few loads more. */
  private final long flagBits;
  private final Set<AclCategory> acl;
  /** Categories a module added ({@code ModuleContext.addAclCategory}), lower case, in declaration order. */
  private final Set<String> moduleAcl;
  private final List<KeySpec> keySpecs;
  private final Group group;
  private final String since;
  private final String summary;
  private final String complexity;
  private final List<Arg> arguments;
  private final List<String[]> history;
  private final String docFlagsDeprecatedSince;
  private final String replacedBy;
  private final boolean sysCmd;
  private final String module;
  private final List<String> tips;
  private final KeyFinder keyFinder;

  /**
   * Finds a command's keys and their flags from its arguments where the key specs cannot say them exactly (a spec
   * with VARIABLE_FLAGS, like SET's, whose key is only read when GET is given). Used by COMMAND GETKEYS[ANDFLAGS].
   */
  @FunctionalInterface
  public interface KeyFinder {
    /** Reports each key's position and flags to {@code out}; returns false when the arguments are malformed. */
    boolean find(byte[][] argv, int argc, java.util.function.ObjIntConsumer<Set<KeyFlag>> out);
  }

  private CommandSpec(Builder b) {
    this.name = b.name;
    this.container = b.container;
    this.arity = b.arity;
    this.flags = Collections.unmodifiableSet(EnumSet.copyOf(b.flags));
    long bits = 0;
    for (Flag f : b.flags) {
      bits |= 1L << f.ordinal();
    }
    this.flagBits = bits;
    this.acl = Collections.unmodifiableSet(effectiveAcl(b.acl, b.flags));
    this.moduleAcl = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(b.moduleAcl));
    this.keySpecs = List.copyOf(b.keySpecs);
    this.group = b.group;
    this.since = b.since;
    this.summary = b.summary;
    this.complexity = b.complexity;
    this.arguments = List.copyOf(b.arguments);
    this.history = List.copyOf(b.history);
    this.docFlagsDeprecatedSince = b.deprecatedSince;
    this.replacedBy = b.replacedBy;
    this.sysCmd = b.sysCmd;
    this.module = b.module;
    this.tips = List.copyOf(b.tips);
    this.keyFinder = b.keyFinder;
  }

  /** The command's own key finder (see {@link KeyFinder}), or null when the key specs say everything. */
  public KeyFinder keyFinder() {
    return keyFinder;
  }

  /** A top-level command. */
  public static Builder command(String name, int arity) {
    return new Builder(name.toLowerCase(Locale.ROOT), null, arity);
  }

  /** A subcommand of a container such as CONFIG: its full name is {@code container|name}. */
  public static Builder subcommand(String container, String name, int arity) {
    return new Builder(name.toLowerCase(Locale.ROOT), container.toLowerCase(Locale.ROOT), arity);
  }

  /** Lower-case name; for a subcommand, just the subcommand's part. */
  public String name() {
    return name;
  }

  /** The container's name for a subcommand, else null. */
  public String container() {
    return container;
  }

  /** {@code get}, or {@code config|get} for a subcommand: the name errors and COMMAND show. */
  public String fullName() {
    return container == null ? name : container + "|" + name;
  }

  public int arity() {
    return arity;
  }

  public Set<Flag> flags() {
    return flags;
  }

  public boolean has(Flag f) {
    return (flagBits & (1L << f.ordinal())) != 0;
  }

  public Set<AclCategory> aclCategories() {
    return acl;
  }

  /**
   * The module-defined ACL categories the command belongs to (names given to {@link Builder#acl(String...)} that are
   * not core categories), lower case, without {@code @}.
   */
  public Set<String> moduleAclCategories() {
    return moduleAcl;
  }

  public List<KeySpec> keySpecs() {
    return keySpecs;
  }

  public Group group() {
    return group;
  }

  public String since() {
    return since;
  }

  public String summary() {
    return summary;
  }

  public String complexity() {
    return complexity;
  }

  public List<Arg> arguments() {
    return arguments;
  }

  /** Pairs of {version, change}. */
  public List<String[]> history() {
    return history;
  }

  public String deprecatedSince() {
    return docFlagsDeprecatedSince;
  }

  public String replacedBy() {
    return replacedBy;
  }

  /** Whether COMMAND DOCS flags the command {@code syscmd}: internal, not meant for applications (PFDEBUG, ...). */
  public boolean sysCmd() {
    return sysCmd;
  }

  /** Command tips for clients and proxies, as COMMAND INFO lists them ({@code nondeterministic_output}, ...). */
  public List<String> tips() {
    return tips;
  }

  /** The module that registered the command, or null for the core. */
  public String module() {
    return module;
  }

  /** A copy of this spec marked as a module's (COMMAND DOCS reports the module name). */
  public CommandSpec forModule(String moduleName) {
    Builder b = toBuilder();
    b.module = moduleName;
    b.flags.add(Flag.MODULE);
    return b.build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(name, container, arity);
    b.flags.addAll(flags);
    b.acl.addAll(acl);
    b.moduleAcl.addAll(moduleAcl);
    b.keySpecs.addAll(keySpecs);
    b.group = group;
    b.since = since;
    b.summary = summary;
    b.complexity = complexity;
    b.arguments.addAll(arguments);
    b.history.addAll(history);
    b.deprecatedSince = docFlagsDeprecatedSince;
    b.replacedBy = replacedBy;
    b.sysCmd = sysCmd;
    b.module = module;
    b.tips.addAll(tips);
    b.keyFinder = keyFinder;
    return b;
  }

  /** Redis adds categories implied by flags: write/read, admin+dangerous, pubsub, fast or slow, blocking. */
  private static Set<AclCategory> effectiveAcl(Set<AclCategory> declared, Set<Flag> flags) {
    EnumSet<AclCategory> s = declared.isEmpty() ? EnumSet.noneOf(AclCategory.class) : EnumSet.copyOf(declared);
    if (flags.contains(Flag.WRITE)) {
      s.add(AclCategory.WRITE);
    }
    if (flags.contains(Flag.READONLY) && !s.contains(AclCategory.SCRIPTING)) {
      s.add(AclCategory.READ);
    }
    if (flags.contains(Flag.ADMIN)) {
      s.add(AclCategory.ADMIN);
      s.add(AclCategory.DANGEROUS);
    }
    if (flags.contains(Flag.PUBSUB)) {
      s.add(AclCategory.PUBSUB);
    }
    if (flags.contains(Flag.FAST)) {
      s.add(AclCategory.FAST);
    }
    if (flags.contains(Flag.BLOCKING)) {
      s.add(AclCategory.BLOCKING);
    }
    if (!s.contains(AclCategory.FAST)) {
      s.add(AclCategory.SLOW);
    }
    return s;
  }

  /**
   * Legacy COMMAND INFO key range {first key, last key, step, movable (1/0)}, derived from the key specs as Redis
   * does: one index+range spec is taken as is; several are merged when they are plain (step 1) and consecutive, and
   * any other spec makes the command "movablekeys". The last key is absolute (negative: counted from the end).
   */
  public int[] legacyKeyRange() {
    return legacyKeyRange(keySpecs);
  }

  static int[] legacyKeyRange(List<KeySpec> specs) {
    if (specs.isEmpty()) {
      return new int[] {0, 0, 0, 0};
    }
    if (specs.size() == 1 && isIndexRange(specs.get(0))) {
      KeySpec ks = specs.get(0);
      int last = ks.lastKeyOrKeyNumIndex >= 0 ? ks.beginIndex + ks.lastKeyOrKeyNumIndex : ks.lastKeyOrKeyNumIndex;
      return new int[] {ks.beginIndex, last, ks.stepOrFirstKey, ks.flags.contains(KeyFlag.INCOMPLETE) ? 1 : 0};
    }
    boolean movable = false;
    int first = Integer.MAX_VALUE;
    int last = 0;
    int prevLast = 0;
    for (KeySpec ks : specs) {
      if (!isIndexRange(ks) || ks.stepOrFirstKey != 1 || (prevLast != 0 && prevLast != ks.beginIndex - 1)) {
        movable = true;
        continue;
      }
      if (ks.flags.contains(KeyFlag.INCOMPLETE)) {
        movable = true;
      }
      first = Math.min(first, ks.beginIndex);
      int abs = ks.lastKeyOrKeyNumIndex >= 0 ? ks.lastKeyOrKeyNumIndex + ks.beginIndex : ks.lastKeyOrKeyNumIndex;
      // compared unsigned, so that a negative (to the end) last key wins
      last = Integer.compareUnsigned(last, abs) >= 0 ? last : abs;
      prevLast = last;
    }
    if (first == Integer.MAX_VALUE) {
      return new int[] {0, 0, 0, 1};
    }
    return new int[] {first, last, 1, movable ? 1 : 0};
  }

  private static boolean isIndexRange(KeySpec ks) {
    return ks.beginSearch == KeySpec.BeginSearch.INDEX && ks.findKeys == KeySpec.FindKeys.RANGE;
  }

  /** Builds a spec; see {@link CommandSpec#command}. */
  public static final class Builder {
    private final String name;
    private final String container;
    private final int arity;
    private final EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
    private final EnumSet<AclCategory> acl = EnumSet.noneOf(AclCategory.class);
    private final java.util.LinkedHashSet<String> moduleAcl = new java.util.LinkedHashSet<>();
    private final List<KeySpec> keySpecs = new ArrayList<>();
    private Group group = Group.GENERIC;
    private String since = "1.0.0";
    private String summary = "";
    private String complexity;
    private final List<Arg> arguments = new ArrayList<>();
    private final List<String[]> history = new ArrayList<>();
    private String deprecatedSince;
    private String replacedBy;
    private boolean sysCmd;
    private String module;
    private final List<String> tips = new ArrayList<>();
    private KeyFinder keyFinder;

    private Builder(String name, String container, int arity) {
      this.name = name;
      this.container = container;
      this.arity = arity;
    }

    public Builder flags(Flag... f) {
      Collections.addAll(flags, f);
      return this;
    }

    /**
     * ACL categories by name, as Redis's {@code RedisModule_SetCommandACLCategories} takes them ({@code "write"},
     * {@code "@fast"}): core categories and the categories modules add with {@code ModuleContext.addAclCategory}. A
     * name that is neither fails the module's load.
     */
    public Builder acl(String... names) {
      for (String n : names) {
        String name = (n.startsWith("@") ? n.substring(1) : n).toLowerCase(java.util.Locale.ROOT);
        AclCategory core = null;
        for (AclCategory c : AclCategory.values()) {
          if (c.replyName().substring(1).equals(name)) {
            core = c;
          }
        }
        if (core != null) {
          acl.add(core);
        } else if (!name.isEmpty()) {
          moduleAcl.add(name);
        }
      }
      return this;
    }

    public Builder acl(AclCategory... c) {
      Collections.addAll(acl, c);
      return this;
    }

    public Builder key(KeySpec spec) {
      keySpecs.add(spec);
      return this;
    }

    public Builder group(Group g) {
      group = g;
      return this;
    }

    public Builder since(String v) {
      since = v;
      return this;
    }

    public Builder summary(String s) {
      summary = s;
      return this;
    }

    public Builder complexity(String c) {
      complexity = c;
      return this;
    }

    public Builder args(Arg... a) {
      Collections.addAll(arguments, a);
      return this;
    }

    public Builder history(String version, String change) {
      history.add(new String[] {version, change});
      return this;
    }

    /** Marks the command deprecated in favour of another, as COMMAND DOCS reports. */
    public Builder deprecated(String sinceVersion, String replacement) {
      deprecatedSince = sinceVersion;
      replacedBy = replacement;
      return this;
    }

    /** Marks the command as a system command (doc flag {@code syscmd}). */
    public Builder sysCmd() {
      sysCmd = true;
      return this;
    }

    /** Tips in Redis's spelling: {@code nondeterministic_output}, {@code request_policy:all_shards}, ... */
    public Builder tips(String... t) {
      Collections.addAll(tips, t);
      return this;
    }

    /** Sets the command's own key finder, for key specs with VARIABLE_FLAGS. */
    public Builder keyFinder(KeyFinder f) {
      keyFinder = f;
      return this;
    }

    public CommandSpec build() {
      if (legacyKeyRange(keySpecs)[3] == 1) {
        flags.add(Flag.MOVABLE_KEYS);
      }
      return new CommandSpec(this);
    }
  }
}
