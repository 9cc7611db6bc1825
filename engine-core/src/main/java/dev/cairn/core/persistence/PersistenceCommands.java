package dev.cairn.core.persistence;

import dev.cairn.api.command.AclCategory;
import dev.cairn.api.command.Arg;
import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.api.command.CommandFamily;
import dev.cairn.api.command.CommandRegistry;
import dev.cairn.api.command.CommandSpec;
import dev.cairn.api.command.Flag;
import dev.cairn.api.command.Group;
import dev.cairn.api.reply.Errors;
import dev.cairn.core.connection.Session;

/** SAVE, BGSAVE, LASTSAVE. */
public final class PersistenceCommands implements CommandFamily {
  static final CommandSpec SAVE = CommandSpec.command("save", 1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.NOSCRIPT, Flag.NO_MULTI)
      .summary("Synchronously saves the database(s) to disk.")
      .complexity("O(N) where N is the total number of keys in all databases").build();
  static final CommandSpec BGSAVE = CommandSpec.command("bgsave", -1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.NO_ASYNC_LOADING, Flag.ADMIN, Flag.NOSCRIPT)
      .summary("Asynchronously saves the database(s) to disk.").complexity("O(1)")
      .history("3.2.2", "Added the `SCHEDULE` option.")
      .args(Arg.token("SCHEDULE").optional().since("3.2.2")).build();
  static final CommandSpec LASTSAVE = CommandSpec.command("lastsave", 1).group(Group.SERVER).since("1.0.0")
      .flags(Flag.LOADING, Flag.STALE, Flag.FAST).acl(AclCategory.ADMIN, AclCategory.DANGEROUS)
      .tips("nondeterministic_output")
      .summary("Returns the Unix timestamp of the last successful save to disk.").complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.add(SAVE, PersistenceCommands::save);
    r.add(BGSAVE, PersistenceCommands::bgsave);
    r.add(LASTSAVE, PersistenceCommands::lastsave);
  }

  private static Persistence persistence(CommandContext c) {
    return ((Session) c).engine.persistence();
  }

  /** SAVE */
  static void save(CommandContext c, Args a) {
    persistence(c).saveCommand();
    c.reply().ok();
  }

  /** BGSAVE [SCHEDULE] */
  static void bgsave(CommandContext c, Args a) {
    boolean schedule = false;
    if (a.size() > 1) {
      if (a.size() == 2 && a.is(1, "schedule")) {
        schedule = true;
      } else {
        throw Errors.SYNTAX;
      }
    }
    c.reply().simple(persistence(c).bgsaveCommand(schedule, false));
  }

  /** LASTSAVE */
  static void lastsave(CommandContext c, Args a) {
    c.reply().integer(persistence(c).lastSaveMillis() / 1000);
  }
}
