package dev.cairn.core.tracking;

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
import dev.cairn.api.reply.Reply;
import dev.cairn.core.connection.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO: client-side caching's commands, registered
 * into the CLIENT container of {@code ClientCommands}.
 */
public final class TrackingCommands implements CommandFamily {
  private static CommandSpec.Builder sub(String name, int arity, String since) {
    return CommandSpec.subcommand("client", name, arity).group(Group.CONNECTION).since(since)
        .flags(Flag.NOSCRIPT, Flag.LOADING, Flag.STALE, Flag.SENTINEL).acl(AclCategory.SLOW, AclCategory.CONNECTION);
  }

  static final CommandSpec TRACKING = sub("tracking", -3, "6.0.0")
      .summary("Controls server-assisted client-side caching for the connection.")
      .complexity("O(1). Some options may introduce additional complexity.")
      .args(Arg.oneOf("status", Arg.token("ON"), Arg.token("OFF")),
          Arg.integer("client-id").withToken("REDIRECT").optional(),
          Arg.string("prefix").withToken("PREFIX").optional().multiple().multipleToken(),
          Arg.token("BCAST").optional(),
          Arg.token("OPTIN").optional(),
          Arg.token("OPTOUT").optional(),
          Arg.token("NOLOOP").optional())
      .build();
  static final CommandSpec CACHING = sub("caching", 3, "6.0.0")
      .summary("Instructs the server whether to track the keys in the next request.").complexity("O(1)")
      .args(Arg.oneOf("mode", Arg.token("YES"), Arg.token("NO"))).build();
  static final CommandSpec GETREDIR = sub("getredir", 2, "6.0.0")
      .summary("Returns the client ID to which the connection's tracking notifications are redirected.")
      .complexity("O(1)").build();
  static final CommandSpec TRACKINGINFO = sub("trackinginfo", 2, "6.2.0")
      .summary("Returns information about server-assisted client-side caching for the connection.")
      .complexity("O(1)").build();

  @Override
  public void register(CommandRegistry r) {
    r.add(TRACKING, TrackingCommands::tracking);
    r.add(CACHING, TrackingCommands::caching);
    r.add(GETREDIR, (c, a) -> {
      ClientTracking t = ((Session) c).tracking;
      c.reply().integer(t == null ? -1 : t.redirect);
    });
    r.add(TRACKINGINFO, TrackingCommands::trackinginfo);
  }

  /** CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
  static void tracking(CommandContext c, Args a) {
    Session s = (Session) c;
    long redirect = 0;
    boolean bcast = false;
    boolean optin = false;
    boolean optout = false;
    boolean noloop = false;
    List<byte[]> prefixes = new ArrayList<>();
    for (int j = 3; j < a.size(); j++) {
      boolean more = j < a.size() - 1;
      if (a.is(j, "redirect") && more) {
        j++;
        if (redirect != 0) {
          throw Errors.err("A client can only redirect to a single other client");
        }
        redirect = a.longArg(j);
        // the target must exist now, even if it may go later
        if (s.engine.client(redirect) == null) {
          throw Errors.err("The client ID you want redirect to does not exist");
        }
      } else if (a.is(j, "bcast")) {
        bcast = true;
      } else if (a.is(j, "optin")) {
        optin = true;
      } else if (a.is(j, "optout")) {
        optout = true;
      } else if (a.is(j, "noloop")) {
        noloop = true;
      } else if (a.is(j, "prefix") && more) {
        prefixes.add(a.get(++j));
      } else {
        throw Errors.SYNTAX;
      }
    }
    Tracking tracking = s.engine.tracking();
    if (a.is(2, "on")) {
      if (!bcast && !prefixes.isEmpty()) {
        throw Errors.err("PREFIX option requires BCAST mode to be enabled");
      }
      ClientTracking t = s.tracking;
      if (t != null && t.bcast != bcast) {
        throw Errors.err("You can't switch BCAST mode on/off before disabling tracking for this client, and then "
            + "re-enabling it with a different mode.");
      }
      if (bcast && (optin || optout)) {
        throw Errors.err("OPTIN and OPTOUT are not compatible with BCAST");
      }
      if (optin && optout) {
        throw Errors.err("You can't specify both OPTIN mode and OPTOUT mode");
      }
      if (t != null && (optin && t.optout || optout && t.optin)) {
        throw Errors.err("You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
            + "re-enabling it with a different mode.");
      }
      if (bcast) {
        checkPrefixCollisions(t, prefixes);
      }
      tracking.enable(s, redirect, bcast, optin, optout, noloop, prefixes);
    } else if (a.is(2, "off")) {
      tracking.disable(s);
    } else {
      throw Errors.SYNTAX;
    }
    c.reply().ok();
  }

  /** A client's prefixes may not overlap (one a prefix of another), among themselves or with those it has. */
  private static void checkPrefixCollisions(ClientTracking t, List<byte[]> prefixes) {
    for (int i = 0; i < prefixes.size(); i++) {
      byte[] p = prefixes.get(i);
      if (t != null) {
        for (byte[] existing : t.sortedPrefixes()) {
          if (overlap(existing, p)) {
            throw Errors.err("Prefix '" + text(p) + "' overlaps with an existing prefix '" + text(existing)
                + "'. Prefixes for a single client must not overlap.");
          }
        }
      }
      for (int j = i + 1; j < prefixes.size(); j++) {
        if (overlap(p, prefixes.get(j))) {
          throw Errors.err("Prefix '" + text(p) + "' overlaps with another provided prefix '" + text(prefixes.get(j))
              + "'. Prefixes for a single client must not overlap.");
        }
      }
    }
  }

  private static boolean overlap(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    return Arrays.equals(a, 0, n, b, 0, n);
  }

  private static String text(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** CLIENT CACHING YES|NO */
  static void caching(CommandContext c, Args a) {
    ClientTracking t = ((Session) c).tracking;
    if (t == null) {
      throw Errors.err("CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT "
          + "mode enabled");
    }
    if (a.is(2, "yes")) {
      if (!t.optin) {
        throw Errors.err("CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      }
    } else if (a.is(2, "no")) {
      if (!t.optout) {
        throw Errors.err("CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      }
    } else {
      throw Errors.SYNTAX;
    }
    t.caching = true;
    c.reply().ok();
  }

  /** CLIENT TRACKINGINFO */
  static void trackinginfo(CommandContext c, Args a) {
    ClientTracking t = ((Session) c).tracking;
    Reply r = c.reply();
    r.map(3);
    r.bulk("flags");
    List<String> flags = new ArrayList<>();
    if (t == null) {
      flags.add("off");
    } else {
      flags.add("on");
      if (t.bcast) {
        flags.add("bcast");
      }
      if (t.optin) {
        flags.add("optin");
        if (t.caching) {
          flags.add("caching-yes");
        }
      }
      if (t.optout) {
        flags.add("optout");
        if (t.caching) {
          flags.add("caching-no");
        }
      }
      if (t.noloop) {
        flags.add("noloop");
      }
      if (t.brokenRedirect) {
        flags.add("broken_redirect");
      }
    }
    r.set(flags.size());
    for (String f : flags) {
      r.bulk(f);
    }
    r.bulk("redirect");
    r.integer(t == null ? -1 : t.redirect);
    r.bulk("prefixes");
    List<byte[]> prefixes = t == null ? List.of() : t.sortedPrefixes();
    r.array(prefixes.size());
    for (byte[] p : prefixes) {
      r.bulk(p);
    }
  }
}
