package dev.cairn.core.server;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Writes COMMAND INFO and COMMAND DOCS entries from a command's spec, in Redis 7.2's reply layout. */
final class CommandDocs {
  private CommandDocs() {}

  /** Flags Redis keeps out of COMMAND INFO. */
  private static final Set<Flag> HIDDEN_FLAGS =
      Set.of(Flag.MAY_REPLICATE, Flag.SENTINEL, Flag.ONLY_SENTINEL, Flag.PROTECTED);
  /** Key-spec flags in Redis's reply order and spelling. */
  private static final KeyFlag[] KEY_FLAG_ORDER = {KeyFlag.RO, KeyFlag.RW, KeyFlag.OW, KeyFlag.RM, KeyFlag.ACCESS,
      KeyFlag.UPDATE, KeyFlag.INSERT, KeyFlag.DELETE, KeyFlag.NOT_KEY, KeyFlag.INCOMPLETE, KeyFlag.VARIABLE_FLAGS};

  static String keyFlagName(KeyFlag f) {
    return switch (f) {
      case RO, RW, OW, RM -> f.name();
      default -> f.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Key-spec flags as a set of status strings. */
  static void keyFlags(Reply r, Set<KeyFlag> flags) {
    r.set(flags.size());
    for (KeyFlag f : KEY_FLAG_ORDER) {
      if (flags.contains(f)) {
        r.simple(keyFlagName(f));
      }
    }
  }

  /** One COMMAND INFO entry: name, arity, flags, first/last key, step, ACL categories, tips, key specs, subcommands. */
  static void info(Reply r, Command c) {
    CommandSpec s = c.spec;
    int[] range = s.legacyKeyRange();
    r.array(10);
    r.bulk(s.fullName());
    r.integer(s.arity());
    List<Flag> flags = new ArrayList<>();
    for (Flag f : s.flags()) {
      if (!HIDDEN_FLAGS.contains(f)) {
        flags.add(f);
      }
    }
    r.set(flags.size());
    for (Flag f : flags) {
      r.simple(f.replyName());
    }
    r.integer(range[0]);
    r.integer(range[1]);
    r.integer(range[2]);
    r.set(s.aclCategories().size() + s.moduleAclCategories().size());
    for (AclCategory a : s.aclCategories()) {
      r.simple(a.replyName());
    }
    for (String a : s.moduleAclCategories()) {
      r.simple("@" + a);
    }
    r.set(s.tips().size());
    for (String t : s.tips()) {
      r.bulk(t);
    }
    keySpecs(r, s.keySpecs());
    if (c.subcommands.isEmpty()) {
      r.set(0);
    } else {
      r.array(c.subcommands.size());
      for (Command sub : c.subcommands.values()) {
        info(r, sub);
      }
    }
  }

  private static void keySpecs(Reply r, List<KeySpec> specs) {
    r.set(specs.size());
    for (KeySpec ks : specs) {
      r.map(ks.notes == null ? 3 : 4);
      if (ks.notes != null) {
        r.bulk("notes");
        r.bulk(ks.notes);
      }
      r.bulk("flags");
      keyFlags(r, ks.flags);
      r.bulk("begin_search");
      r.map(2);
      r.bulk("type");
      switch (ks.beginSearch) {
        case INDEX -> {
          r.bulk("index");
          r.bulk("spec");
          r.map(1);
          r.bulk("index");
          r.integer(ks.beginIndex);
        }
        case KEYWORD -> {
          r.bulk("keyword");
          r.bulk("spec");
          r.map(2);
          r.bulk("keyword");
          r.bulk(ks.keyword);
          r.bulk("startfrom");
          r.integer(ks.beginIndex);
        }
        default -> {
          r.bulk("unknown");
          r.bulk("spec");
          r.map(0);
        }
      }
      r.bulk("find_keys");
      r.map(2);
      r.bulk("type");
      switch (ks.findKeys) {
        case RANGE -> {
          r.bulk("range");
          r.bulk("spec");
          r.map(3);
          r.bulk("lastkey");
          r.integer(ks.lastKeyOrKeyNumIndex);
          r.bulk("keystep");
          r.integer(ks.stepOrFirstKey);
          r.bulk("limit");
          r.integer(ks.limitOrStep);
        }
        case KEYNUM -> {
          r.bulk("keynum");
          r.bulk("spec");
          r.map(3);
          r.bulk("keynumidx");
          r.integer(ks.lastKeyOrKeyNumIndex);
          r.bulk("firstkey");
          r.integer(ks.stepOrFirstKey);
          r.bulk("keystep");
          r.integer(ks.limitOrStep);
        }
        default -> {
          r.bulk("unknown");
          r.bulk("spec");
          r.map(0);
        }
      }
    }
  }

  /** One COMMAND DOCS value: summary, since, group, complexity, module, doc flags, history, arguments, subcommands. */
  static void docs(Reply r, Command c) {
    CommandSpec s = c.spec;
    boolean deprecated = s.deprecatedSince() != null;
    int n = 1 + (s.summary() != null ? 1 : 0) + (s.since() != null ? 1 : 0) + (s.module() != null ? 1 : 0)
        + (s.complexity() != null ? 1 : 0) + (deprecated || s.sysCmd() ? 1 : 0) + (deprecated ? 1 : 0)
        + (s.replacedBy() != null ? 1 : 0)
        + (s.history().isEmpty() ? 0 : 1) + (s.arguments().isEmpty() ? 0 : 1) + (c.subcommands.isEmpty() ? 0 : 1);
    r.map(n);
    if (s.summary() != null) {
      r.bulk("summary");
      r.bulk(s.summary());
    }
    if (s.since() != null) {
      r.bulk("since");
      r.bulk(s.since());
    }
    r.bulk("group");
    r.bulk(s.module() != null ? "module" : s.group().replyName());
    if (s.complexity() != null) {
      r.bulk("complexity");
      r.bulk(s.complexity());
    }
    if (s.module() != null) {
      r.bulk("module");
      r.bulk(s.module());
    }
    if (deprecated || s.sysCmd()) {
      r.bulk("doc_flags");
      r.set((deprecated ? 1 : 0) + (s.sysCmd() ? 1 : 0));
      if (deprecated) {
        r.simple("deprecated");
      }
      if (s.sysCmd()) {
        r.simple("syscmd");
      }
    }
    if (deprecated) {
      r.bulk("deprecated_since");
      r.bulk(s.deprecatedSince());
    }
    if (s.replacedBy() != null) {
      r.bulk("replaced_by");
      r.bulk(s.replacedBy());
    }
    if (!s.history().isEmpty()) {
      r.bulk("history");
      r.array(s.history().size());
      for (String[] h : s.history()) {
        r.array(2);
        r.bulk(h[0]);
        r.bulk(h[1]);
      }
    }
    if (!s.arguments().isEmpty()) {
      r.bulk("arguments");
      args(r, s.arguments());
    }
    if (!c.subcommands.isEmpty()) {
      r.bulk("subcommands");
      r.map(c.subcommands.size());
      for (Command sub : c.subcommands.values()) {
        r.bulk(sub.fullName());
        docs(r, sub);
      }
    }
  }

  private static void args(Reply r, List<Arg> args) {
    r.array(args.size());
    for (Arg a : args) {
      boolean nested = a.type() == Arg.Type.ONEOF || a.type() == Arg.Type.BLOCK;
      int flagCount = (a.isOptional() ? 1 : 0) + (a.isMultiple() ? 1 : 0) + (a.isMultipleToken() ? 1 : 0);
      int n = 2 + 1 + (a.keySpecIndex() >= 0 ? 1 : 0) + (a.token() != null ? 1 : 0) + (a.since() != null ? 1 : 0)
          + (flagCount > 0 ? 1 : 0);
      r.map(n);
      r.bulk("name");
      r.bulk(a.name());
      r.bulk("type");
      r.bulk(a.type().replyName);
      if (!nested) {
        r.bulk("display_text");
        r.bulk(a.name());
      }
      if (a.keySpecIndex() >= 0) {
        r.bulk("key_spec_index");
        r.integer(a.keySpecIndex());
      }
      if (a.token() != null) {
        r.bulk("token");
        r.bulk(a.token());
      }
      if (a.since() != null) {
        r.bulk("since");
        r.bulk(a.since());
      }
      if (flagCount > 0) {
        r.bulk("flags");
        r.set(flagCount);
        if (a.isOptional()) {
          r.simple("optional");
        }
        if (a.isMultiple()) {
          r.simple("multiple");
        }
        if (a.isMultipleToken()) {
          r.simple("multiple_token");
        }
      }
      if (nested) {
        r.bulk("arguments");
        args(r, a.children());
      }
    }
  }
}
