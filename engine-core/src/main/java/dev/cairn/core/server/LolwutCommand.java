package dev.cairn.core.server;

import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.core.Engine;
import java.util.Random;

/**
 * LOLWUT [VERSION version]: Cairn's own piece, a cairn of stacked stones whose shapes the optional arguments seed,
 * followed by the version line (Redis prints "Redis ver. x.y.z" there; clients look for it).
 */
public final class LolwutCommand implements CommandFamily {
  static final CommandSpec LOLWUT = CommandSpec.command("lolwut", -1).group(Group.SERVER).since("5.0.0")
      .flags(Flag.READONLY, Flag.FAST).summary("Displays computer art and the Redis version")
      .args(Arg.integer("version").withToken("VERSION").optional()).build();

  @Override
  public void register(CommandRegistry r) {
    r.add(LOLWUT, LolwutCommand::lolwut);
  }

  /** LOLWUT [VERSION version] [stones] */
  static void lolwut(CommandContext c, Args a) {
    int first = 1;
    if (a.size() >= 3 && a.is(1, "version")) {
      a.longArg(2);
      first = 3;
    }
    int stones = 5;
    if (a.size() > first) {
      stones = (int) Math.max(1, Math.min(12, a.longArg(first)));
    }
    c.reply().verbatim("txt", draw(stones, new Random(stones * 31L + a.size()))
        + "\nCairn ver. " + Engine.CAIRN_VERSION + " (Redis ver. " + Engine.REDIS_VERSION + ")\n");
  }

  /** Stones from the top (small) to the bottom (wide), each a little off centre, as a real cairn stands. */
  static String draw(int stones, Random rnd) {
    int maxWidth = 6 + stones * 4;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < stones; i++) {
      int width = 4 + i * 4 + rnd.nextInt(3);
      int shift = rnd.nextInt(3) - 1;
      int pad = Math.max(0, (maxWidth - width) / 2 + shift);
      sb.append(" ".repeat(pad)).append('(').append("_".repeat(width - 2)).append(')').append('\n');
    }
    sb.append("~".repeat(maxWidth + 2)).append('\n');
    return sb.toString();
  }
}
