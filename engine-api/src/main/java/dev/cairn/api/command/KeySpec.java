package dev.cairn.api.command;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a command's keys are, as Redis 7 key specs say it: a begin-search step (an index, or a keyword to look for)
 * then a find-keys step (a range, or a count argument). ACL key patterns, cluster slots and COMMAND GETKEYS read these.
 *
 * <p>Examples: {@code KeySpec.index(1).range(0, 1, 0)} is "the key at argv[1]"; {@code KeySpec.index(1).range(-1, 1, 0)}
 * is "every argument from 1 on"; {@code KeySpec.index(1).range(-1, 2, 0)} is MSET's every other argument;
 * {@code KeySpec.index(1).keynum(0, 1, 1)} is "argv[1] counts the keys that follow".
 */
public final class KeySpec {
  /** How the first key is found. */
  public enum BeginSearch { INDEX, KEYWORD, UNKNOWN }

  /** How the keys after the first are found. */
  public enum FindKeys { RANGE, KEYNUM, UNKNOWN }

  public final BeginSearch beginSearch;
  /** INDEX: the argument position; KEYWORD: where the search starts (negative: from the end). */
  public final int beginIndex;
  /** KEYWORD: the keyword, e.g. {@code STREAMS}. */
  public final String keyword;
  public final FindKeys findKeys;
  /** RANGE: last key relative to the first (-1 the last argument, -2 the one before, ...); KEYNUM: keynum index. */
  public final int lastKeyOrKeyNumIndex;
  /** RANGE: step between keys; KEYNUM: index of the first key relative to the begin-search position. */
  public final int stepOrFirstKey;
  /** RANGE: limit (0 none; 2 = half the remaining arguments); KEYNUM: step. */
  public final int limitOrStep;
  public final Set<KeyFlag> flags;
  public final String notes;

  private KeySpec(BeginSearch bs, int beginIndex, String keyword, FindKeys fk, int a, int b, int c, Set<KeyFlag> flags,
      String notes) {
    this.beginSearch = bs;
    this.beginIndex = beginIndex;
    this.keyword = keyword;
    this.findKeys = fk;
    this.lastKeyOrKeyNumIndex = a;
    this.stepOrFirstKey = b;
    this.limitOrStep = c;
    this.flags = flags;
    this.notes = notes;
  }

  /** The first key is at argument {@code pos}. */
  public static Begin index(int pos) {
    return new Begin(BeginSearch.INDEX, pos, null);
  }

  /** The first key follows {@code keyword}, searched from argument {@code startFrom} (negative: from the end, backwards). */
  public static Begin keyword(String keyword, int startFrom) {
    return new Begin(BeginSearch.KEYWORD, startFrom, keyword);
  }

  /** Keys cannot be found from the arguments alone (the command finds them itself). */
  public static Begin unknown() {
    return new Begin(BeginSearch.UNKNOWN, 0, null);
  }

  /** The first step of building a key spec. */
  public static final class Begin {
    private final BeginSearch bs;
    private final int index;
    private final String keyword;

    private Begin(BeginSearch bs, int index, String keyword) {
      this.bs = bs;
      this.index = index;
      this.keyword = keyword;
    }

    /** Keys run to {@code lastKey} (relative; -1 = last argument) every {@code step} arguments. */
    public KeySpec range(int lastKey, int step, int limit) {
      return new KeySpec(bs, index, keyword, FindKeys.RANGE, lastKey, step, limit, EnumSet.noneOf(KeyFlag.class), null);
    }

    /** The argument at {@code keyNumIndex} (relative) counts the keys, the first at {@code firstKey} (relative). */
    public KeySpec keynum(int keyNumIndex, int firstKey, int step) {
      return new KeySpec(bs, index, keyword, FindKeys.KEYNUM, keyNumIndex, firstKey, step, EnumSet.noneOf(KeyFlag.class),
          null);
    }

    /** The keys that follow cannot be found from the arguments alone. */
    public KeySpec unknownKeys() {
      return new KeySpec(bs, index, keyword, FindKeys.UNKNOWN, 0, 0, 0, EnumSet.noneOf(KeyFlag.class), null);
    }
  }

  /** A copy of this spec with these flags. */
  public KeySpec flags(KeyFlag... f) {
    EnumSet<KeyFlag> set = EnumSet.noneOf(KeyFlag.class);
    for (KeyFlag k : f) {
      set.add(k);
    }
    return new KeySpec(beginSearch, beginIndex, keyword, findKeys, lastKeyOrKeyNumIndex, stepOrFirstKey, limitOrStep,
        set, notes);
  }

  /** A copy of this spec with a note (shown by COMMAND DOCS/INFO). */
  public KeySpec notes(String n) {
    return new KeySpec(beginSearch, beginIndex, keyword, findKeys, lastKeyOrKeyNumIndex, stepOrFirstKey, limitOrStep,
        flags, n);
  }

  /**
   * Adds the positions of this spec's keys in {@code argc} arguments to {@code out} (as Redis's key extraction does);
   * {@code argv} is needed for keyword search and key counts. Returns false when the arguments are malformed.
   */
  public boolean collectKeys(byte[][] argv, int argc, java.util.function.IntConsumer out) {
    int first;
    switch (beginSearch) {
      case INDEX -> first = beginIndex;
      case KEYWORD -> {
        first = -1;
        int start = beginIndex >= 0 ? beginIndex : argc + beginIndex;
        int end = beginIndex >= 0 ? argc - 1 : 0;
        int incr = beginIndex >= 0 ? 1 : -1;
        for (int i = start; beginIndex >= 0 ? i < end : i > end; i += incr) {
          if (i <= 0 || i >= argc) {
            break;
          }
          if (new String(argv[i], java.nio.charset.StandardCharsets.ISO_8859_1).equalsIgnoreCase(keyword)) {
            first = i + 1;
            break;
          }
        }
        if (first < 0) {
          return true;
        }
      }
      default -> {
        return true;
      }
    }
    if (first >= argc) {
      return true;
    }
    switch (findKeys) {
      case RANGE -> {
        int last;
        if (lastKeyOrKeyNumIndex >= 0) {
          last = first + lastKeyOrKeyNumIndex;
        } else if (limitOrStep <= 1) {
          last = argc + lastKeyOrKeyNumIndex;
        } else {
          last = first + ((argc - first) / limitOrStep + lastKeyOrKeyNumIndex);
        }
        int step = Math.max(1, stepOrFirstKey);
        for (int i = first; i <= last && i < argc; i += step) {
          out.accept(i);
        }
        if (last >= argc) {
          return false;
        }
      }
      case KEYNUM -> {
        int numIdx = first + lastKeyOrKeyNumIndex;
        if (numIdx >= argc) {
          return false;
        }
        long n;
        try {
          n = Long.parseLong(new String(argv[numIdx], java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
          return false;
        }
        int firstKey = first + stepOrFirstKey;
        int step = Math.max(1, limitOrStep);
        if (n < 0 || firstKey + (n - 1) * step >= argc) {
          return n == 0;
        }
        for (int k = 0; k < n; k++) {
          out.accept(firstKey + k * step);
        }
      }
      default -> {
        return true;
      }
    }
    return true;
  }
}
