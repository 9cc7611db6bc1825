package dev.cairn.core.connection;

import dev.cairn.core.config.ConfigException;
import dev.cairn.core.config.ConfigParam;
import dev.cairn.core.config.MemoryUnits;
import java.util.List;

/**
 * {@code client-output-buffer-limit <class> <hard> <soft> <soft-seconds> ...}: per client class, the reply backlog at
 * which a client is closed at once (hard) or after staying above soft for soft-seconds. Zero disables a limit. The
 * parsed values live in plain arrays the connection reads after each command.
 */
public final class OutputBufferLimits extends ConfigParam {
  /** Redis's defaults: no limit for normal clients. */
  static final String DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

  private final long[] hard = new long[ClientType.values().length];
  private final long[] soft = new long[ClientType.values().length];
  private final long[] softSeconds = new long[ClientType.values().length];

  public OutputBufferLimits() {
    super("client-output-buffer-limit");
    markMultiArg();
    try {
      set(DEFAULT);
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  public long hard(ClientType t) {
    return hard[index(t)];
  }

  public long soft(ClientType t) {
    return soft[index(t)];
  }

  public long softSeconds(ClientType t) {
    return softSeconds[index(t)];
  }

  /** Whether any limit applies to this class (the connection skips the check when none does). */
  public boolean limited(ClientType t) {
    int i = index(t);
    return hard[i] > 0 || soft[i] > 0;
  }

  /** Masters are never limited; they share the normal slot only to keep the arrays small. */
  private static int index(ClientType t) {
    return t == ClientType.MASTER ? ClientType.NORMAL.ordinal() : t.ordinal();
  }

  @Override
  public String get() {
    StringBuilder sb = new StringBuilder();
    for (ClientType t : new ClientType[] {ClientType.NORMAL, ClientType.REPLICA, ClientType.PUBSUB}) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      int i = t.ordinal();
      sb.append(t.configName).append(' ').append(hard[i]).append(' ').append(soft[i]).append(' ')
          .append(softSeconds[i]);
    }
    return sb.toString();
  }

  /** Parses groups of four; all or nothing, as Redis validates every group before applying any. */
  @Override
  public void set(String value) throws ConfigException {
    String[] w = value.trim().isEmpty() ? new String[0] : value.trim().split("\\s+");
    if (w.length % 4 != 0) {
      throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
    }
    int groups = w.length / 4;
    ClientType[] types = new ClientType[groups];
    long[][] vals = new long[groups][3];
    for (int g = 0; g < groups; g++) {
      ClientType t = ClientType.parse(w[g * 4]);
      if (t == null || t == ClientType.MASTER) {
        throw new ConfigException("Invalid client class specified in buffer limit configuration.");
      }
      long h = MemoryUnits.parse(w[g * 4 + 1]);
      long s = MemoryUnits.parse(w[g * 4 + 2]);
      long secs;
      try {
        secs = Long.parseLong(w[g * 4 + 3]);
      } catch (NumberFormatException e) {
        secs = -1;
      }
      if (h < 0 || s < 0 || secs < 0) {
        throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      types[g] = t;
      vals[g][0] = h;
      vals[g][1] = s;
      vals[g][2] = secs;
    }
    for (int g = 0; g < groups; g++) {
      int i = types[g].ordinal();
      hard[i] = vals[g][0];
      soft[i] = vals[g][1];
      softSeconds[i] = vals[g][2];
    }
  }

  @Override
  public void setFromFile(List<String> args) throws ConfigException {
    set(String.join(" ", args));
  }

  @Override
  public String defaultValue() {
    return DEFAULT;
  }
}
