package dev.cairn.core.type.list;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.command.KeyFlag;
import dev.cairn.api.command.KeySpec;
import dev.cairn.api.command.KeyspaceEvents;
import dev.cairn.api.keyspace.Database;
import dev.cairn.api.reply.Errors;
import dev.cairn.api.reply.RedisException;
import dev.cairn.api.reply.Reply;
import java.nio.charset.StandardCharsets;

/**
 * List commands that pop from one of several keys or move an element between keys, and their blocking forms. A
 * blocking command that finds nothing calls {@code block}; when one of its keys changes it runs again, and when it
 * serves, it propagates as its non-blocking form (BLPOP as LPOP, BLMOVE as LMOVE), as Redis does.
 */
public final class ListMoveCommands implements CommandFamily {
  private static final KeySpec SOURCE = KeySpec.index(1).range(0, 1, 0)
      .flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE);
  private static final KeySpec DESTINATION = KeySpec.index(2).range(0, 1, 0).flags(KeyFlag.RW, KeyFlag.INSERT);
  private static final Arg WHERE_FROM = Arg.oneOf("wherefrom", Arg.token("LEFT"), Arg.token("RIGHT"));
  private static final Arg WHERE_TO = Arg.oneOf("whereto", Arg.token("LEFT"), Arg.token("RIGHT"));
  private static final Arg WHERE = Arg.oneOf("where", Arg.token("LEFT"), Arg.token("RIGHT"));

  static final CommandSpec LMOVE = CommandSpec.command("lmove", 5).group(Group.LIST).since("6.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.LIST).key(SOURCE).key(DESTINATION)
      .summary("Returns an element after popping it from one list and pushing it to another. Deletes the list if the "
          + "last element was moved.")
      .complexity("O(1)")
      .args(Arg.key("source", 0), Arg.key("destination", 1), WHERE_FROM, WHERE_TO).build();
  static final CommandSpec RPOPLPUSH = CommandSpec.command("rpoplpush", 3).group(Group.LIST).since("1.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM).acl(AclCategory.LIST).key(SOURCE).key(DESTINATION)
      .summary("Returns the last element of a list after removing and pushing it to another list. Deletes the list if "
          + "the last element was popped.")
      .complexity("O(1)").deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
      .args(Arg.key("source", 0), Arg.key("destination", 1)).build();
  static final CommandSpec LMPOP = CommandSpec.command("lmpop", -4).group(Group.LIST).since("7.0.0")
      .flags(Flag.WRITE).acl(AclCategory.LIST)
      .key(KeySpec.index(1).keynum(0, 1, 1).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Returns multiple elements from a list after removing them. Deletes the list if the last element was "
          + "popped.")
      .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
      .args(Arg.integer("numkeys"), Arg.key("key", 0).multiple(), WHERE,
          Arg.integer("count").withToken("COUNT").optional()).build();
  static final CommandSpec BLPOP = CommandSpec.command("blpop", -3).group(Group.LIST).since("2.0.0")
      .flags(Flag.WRITE, Flag.BLOCKING).acl(AclCategory.LIST)
      .key(KeySpec.index(1).range(-2, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Removes and returns the first element in a list. Blocks until an element is available otherwise. "
          + "Deletes the list if the last element was popped.")
      .complexity("O(N) where N is the number of provided keys.")
      .history("6.0.0", "`timeout` is interpreted as a double instead of an integer.")
      .args(Arg.key("key", 0).multiple(), Arg.dbl("timeout")).build();
  static final CommandSpec BRPOP = CommandSpec.command("brpop", -3).group(Group.LIST).since("2.0.0")
      .flags(Flag.WRITE, Flag.BLOCKING).acl(AclCategory.LIST)
      .key(KeySpec.index(1).range(-2, 1, 0).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Removes and returns the last element in a list. Blocks until an element is available otherwise. "
          + "Deletes the list if the last element was popped.")
      .complexity("O(N) where N is the number of provided keys.")
      .history("6.0.0", "`timeout` is interpreted as a double instead of an integer.")
      .args(Arg.key("key", 0).multiple(), Arg.dbl("timeout")).build();
  static final CommandSpec BLMOVE = CommandSpec.command("blmove", 6).group(Group.LIST).since("6.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.BLOCKING).acl(AclCategory.LIST).key(SOURCE).key(DESTINATION)
      .summary("Pops an element from a list, pushes it to another list and returns it. Blocks until an element is "
          + "available otherwise. Deletes the list if the last element was moved.")
      .complexity("O(1)")
      .args(Arg.key("source", 0), Arg.key("destination", 1), WHERE_FROM, WHERE_TO, Arg.dbl("timeout")).build();
  static final CommandSpec BRPOPLPUSH = CommandSpec.command("brpoplpush", 4).group(Group.LIST).since("2.2.0")
      .flags(Flag.WRITE, Flag.DENYOOM, Flag.BLOCKING).acl(AclCategory.LIST).key(SOURCE).key(DESTINATION)
      .summary("Pops an element from a list, pushes it to another list and returns it. Block until an element is "
          + "available otherwise. Deletes the list if the last element was popped.")
      .complexity("O(1)").deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
      .history("6.0.0", "`timeout` is interpreted as a double instead of an integer.")
      .args(Arg.key("source", 0), Arg.key("destination", 1), Arg.dbl("timeout")).build();
  static final CommandSpec BLMPOP = CommandSpec.command("blmpop", -5).group(Group.LIST).since("7.0.0")
      .flags(Flag.WRITE, Flag.BLOCKING).acl(AclCategory.LIST)
      .key(KeySpec.index(2).keynum(0, 1, 1).flags(KeyFlag.RW, KeyFlag.ACCESS, KeyFlag.DELETE))
      .summary("Pops the first element from one of multiple lists. Blocks until an element is available otherwise. "
          + "Deletes the list if the last element was popped.")
      .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
      .args(Arg.dbl("timeout"), Arg.integer("numkeys"), Arg.key("key", 0).multiple(), WHERE,
          Arg.integer("count").withToken("COUNT").optional()).build();

  static final RedisException TIMEOUT_NOT_FLOAT = Errors.err("timeout is not a float or out of range");
  static final RedisException TIMEOUT_NEGATIVE = Errors.err("timeout is negative");
  static final RedisException TIMEOUT_OUT_OF_RANGE = Errors.err("timeout is out of range");
  static final RedisException NUMKEYS = Errors.err("numkeys should be greater than 0");
  static final RedisException COUNT = Errors.err("count should be greater than 0");
  private static final byte[] LPOP_NAME = bytes("LPOP");
  private static final byte[] RPOP_NAME = bytes("RPOP");
  private static final byte[] LMOVE_NAME = bytes("LMOVE");
  private static final byte[] RPOPLPUSH_NAME = bytes("RPOPLPUSH");

  @Override
  public void register(CommandRegistry r) {
    r.add(LMOVE, (c, a) -> lmove(c, a, where(a, 3), where(a, 4), -1, LMOVE_NAME));
    r.add(RPOPLPUSH, (c, a) -> lmove(c, a, false, true, -1, RPOPLPUSH_NAME));
    r.add(LMPOP, (c, a) -> mpop(c, a, 1, -1));
    r.add(BLPOP, (c, a) -> bpop(c, a, true));
    r.add(BRPOP, (c, a) -> bpop(c, a, false));
    r.add(BLMOVE, (c, a) -> {
      boolean from = where(a, 3);
      boolean to = where(a, 4);
      lmove(c, a, from, to, timeout(a.get(5)), LMOVE_NAME);
    });
    r.add(BRPOPLPUSH, (c, a) -> lmove(c, a, false, true, timeout(a.get(3)), RPOPLPUSH_NAME));
    r.add(BLMPOP, (c, a) -> mpop(c, a, 2, timeout(a.get(1))));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** LEFT (true) or RIGHT (false), else a syntax error. */
  static boolean where(Args a, int i) {
    if (a.is(i, "left")) {
      return true;
    } else if (a.is(i, "right")) {
      return false;
    }
    throw Errors.SYNTAX;
  }

  /**
   * A blocking timeout in seconds (a double, so sub-second waits work) as milliseconds; 0 waits for ever. Rounded up
   * as Redis does, so a tiny negative value rounds to 0.
   */
  static long timeout(byte[] arg) {
    double seconds = Args.parseDouble(arg, TIMEOUT_NOT_FLOAT);
    double ms = Math.ceil(seconds * 1000.0);
    if (ms > Long.MAX_VALUE) {
      throw TIMEOUT_OUT_OF_RANGE;
    }
    if (ms < 0) {
      throw TIMEOUT_NEGATIVE;
    }
    long t = (long) ms;
    if (t > Long.MAX_VALUE - System.currentTimeMillis()) {
      throw TIMEOUT_OUT_OF_RANGE; // Redis keeps the deadline as an absolute time
    }
    return t;
  }

  /**
   * LMOVE source destination LEFT|RIGHT LEFT|RIGHT, RPOPLPUSH source destination, and the blocking forms BLMOVE and
   * BRPOPLPUSH ({@code timeoutMs} >= 0).
   */
  static void lmove(CommandContext c, Args a, boolean fromHead, boolean toHead, long timeoutMs, byte[] plainName) {
    Database db = c.db();
    byte[] src = a.get(1);
    byte[] dst = a.get(2);
    ListValue source = db.getForWrite(src, ListValue.class);
    if (source == null) {
      if (timeoutMs < 0 || !c.block(new byte[][] {src}, timeoutMs, ListValue.class, Reply::nullArray)) {
        c.reply().nullBulk();
      }
      return;
    }
    ListValue target = db.getForWrite(dst, ListValue.class); // WRONGTYPE before anything moves
    byte[] value = source.pop(fromHead);
    int fill = ListConfig.fill();
    if (target == null) {
      target = new ListValue();
      db.set(dst, target);
    }
    c.signalModifiedKey(db.id(), dst);
    target.convertForAdd(value.length, 1, fill);
    target.push(value, toHead, fill);
    c.notifyKeyspaceEvent(KeyspaceEvents.LIST, toHead ? "lpush" : "rpush", dst, db.id());
    c.notifyKeyspaceEvent(KeyspaceEvents.LIST, fromHead ? "lpop" : "rpop", src, db.id());
    ListCommands.deleteIfEmpty(c, db, src, source);
    c.signalModifiedKey(db.id(), src);
    c.addDirty(1);
    if (timeoutMs >= 0) {
      if (plainName == LMOVE_NAME) {
        c.propagate(LMOVE_NAME, src, dst, a.get(3), a.get(4));
      } else {
        c.propagate(RPOPLPUSH_NAME, src, dst);
      }
    }
    c.reply().bulk(value);
  }

  /** BLPOP key [key ...] timeout, and BRPOP */
  static void bpop(CommandContext c, Args a, boolean head) {
    long timeoutMs = timeout(a.get(a.size() - 1));
    Database db = c.db();
    int nkeys = a.size() - 2;
    for (int i = 1; i <= nkeys; i++) {
      byte[] key = a.get(i);
      ListValue list = db.getForWrite(key, ListValue.class);
      if (list != null) {
        Reply r = c.reply();
        r.array(2);
        r.bulk(key);
        list.pop(head, r);
        ListCommands.popped(c, db, key, list, head, 1);
        c.propagate(head ? LPOP_NAME : RPOP_NAME, key);
        return;
      }
    }
    byte[][] keys = new byte[nkeys][];
    for (int i = 0; i < nkeys; i++) {
      keys[i] = a.get(i + 1);
    }
    if (!c.block(keys, timeoutMs, ListValue.class, Reply::nullArray)) {
      c.reply().nullArray();
    }
  }

  /**
   * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count], and BLMPOP timeout numkeys ... ({@code timeoutMs} >= 0);
   * {@code numkeysAt} is the position of numkeys.
   */
  static void mpop(CommandContext c, Args a, int numkeysAt, long timeoutMs) {
    long numkeys = a.longArg(numkeysAt, NUMKEYS);
    if (numkeys < 1) {
      throw NUMKEYS;
    }
    long whereAt = numkeysAt + numkeys + 1;
    if (whereAt >= a.size()) {
      throw Errors.SYNTAX;
    }
    boolean head = where(a, (int) whereAt);
    long count = 0;
    for (int j = (int) whereAt + 1; j < a.size(); j++) {
      if (count == 0 && a.is(j, "count") && j + 1 < a.size()) {
        count = a.longArg(++j, COUNT);
        if (count < 1) {
          throw COUNT;
        }
      } else {
        throw Errors.SYNTAX;
      }
    }
    if (count == 0) {
      count = 1;
    }
    Database db = c.db();
    int first = numkeysAt + 1;
    for (int i = 0; i < numkeys; i++) {
      byte[] key = a.get(first + i);
      ListValue list = db.getForWrite(key, ListValue.class);
      if (list != null) {
        long n = Math.min(count, list.size());
        Reply r = c.reply();
        r.array(2);
        r.bulk(key);
        ListCommands.popInto(list, head, n, r);
        ListCommands.popped(c, db, key, list, head, n);
        c.propagate(head ? LPOP_NAME : RPOP_NAME, key, Long.toString(n).getBytes(StandardCharsets.US_ASCII));
        return;
      }
    }
    if (timeoutMs < 0) {
      c.reply().nullArray();
      return;
    }
    byte[][] keys = new byte[(int) numkeys][];
    for (int i = 0; i < numkeys; i++) {
      keys[i] = a.get(first + i);
    }
    if (!c.block(keys, timeoutMs, ListValue.class, Reply::nullArray)) {
      c.reply().nullArray();
    }
  }
}
