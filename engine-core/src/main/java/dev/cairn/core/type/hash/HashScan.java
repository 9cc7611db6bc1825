package dev.cairn.core.type.hash;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.Reply;
import dev.cairn.core.util.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** HSCAN: options as Redis's scanGenericCommand parses them; expired fields are skipped. */
final class HashScan {
  private HashScan() {}

  static void scan(CommandContext c, Args a, HashValue h, long cursor) {
    byte[] pattern = null;
    long count = 10;
    boolean noValues = false;
    for (int i = 3; i < a.size(); ) {
      int left = a.size() - i - 1;
      if (a.is(i, "count") && left >= 1) {
        count = a.longArg(i + 1);
        if (count < 1) {
          throw Errors.SYNTAX;
        }
        i += 2;
      } else if (a.is(i, "match") && left >= 1) {
        pattern = a.get(i + 1);
        if (Glob.matchesAll(pattern)) {
          pattern = null; // "*" matches everything: skip the per-element test
        }
        i += 2;
      } else if (a.is(i, "novalues")) {
        noValues = true;
        i++;
      } else {
        throw Errors.SYNTAX;
      }
    }
    long now = c.now();
    List<byte[]> out = new ArrayList<>();
    long next;
    if (h.isPacked()) {
      h.forEach(now, (fb, fo, fl, vb, vo, vl) -> {
        out.add(Arrays.copyOfRange(fb, fo, fo + fl));
        out.add(Arrays.copyOfRange(vb, vo, vo + vl));
      });
      next = 0;
    } else {
      boolean check = h.volatileCount() > 0;
      next = h.scan(cursor, (int) Math.min(Integer.MAX_VALUE, count), f -> {
        if (!check || f.expireAt() == 0 || f.expireAt() >= now) {
          out.add(f.key);
          out.add(f.value);
        }
      });
    }
    int kept = 0;
    for (int i = 0; i < out.size(); i += 2) {
      if (pattern == null || Glob.matches(pattern, out.get(i))) {
        out.set(kept++, out.get(i));
        out.set(kept++, out.get(i + 1));
      }
    }
    Reply r = c.reply();
    r.array(2);
    r.bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII));
    r.array(noValues ? kept / 2 : kept);
    for (int i = 0; i < kept; i += 2) {
      r.bulk(out.get(i));
      if (!noValues) {
        r.bulk(out.get(i + 1));
      }
    }
  }
}
