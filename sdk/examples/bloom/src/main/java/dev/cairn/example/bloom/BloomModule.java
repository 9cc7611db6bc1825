package dev.cairn.example.bloom;

import dev.cairn.api.ConfigValue;
import dev.cairn.api.Module;
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scalable Bloom filters with RedisBloom's BF.* commands. Load arguments as RedisBloom's: {@code ERROR_RATE r},
 * {@code INITIAL_SIZE n}; they set the defaults BF.ADD/BF.INSERT create filters with, as do the config parameters
 * {@code bf.error-rate}, {@code bf.initial-size} and {@code bf.expansion}.
 */
public final class BloomModule implements Module {
  @Override
  public ModuleInfo info() {
    return new ModuleInfo("bf", 10000);
  }

  @Override
  public void onLoad(ModuleContext ctx) {
    String errorDefault = Double.toString(ScalableBloom.DEFAULT_ERROR_RATE);
    long capacityDefault = ScalableBloom.DEFAULT_CAPACITY;
    List<String> args = ctx.args();
    if (args.size() % 2 != 0) {
      throw new IllegalArgumentException("arguments come in pairs: ERROR_RATE r, INITIAL_SIZE n");
    }
    for (int i = 0; i < args.size(); i += 2) {
      switch (args.get(i).toUpperCase(java.util.Locale.ROOT)) {
        case "ERROR_RATE" -> {
          checkErrorRate(args.get(i + 1));
          errorDefault = args.get(i + 1);
        }
        case "INITIAL_SIZE" -> capacityDefault = Long.parseLong(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown argument " + args.get(i));
      }
    }
    ConfigValue<String> errorRate = ctx.stringConfig("error-rate", errorDefault, BloomModule::checkErrorRate);
    ConfigValue<Long> capacity = ctx.numericConfig("initial-size", capacityDefault, 1, Long.MAX_VALUE / 64, null);
    ConfigValue<Long> expansion = ctx.numericConfig("expansion", ScalableBloom.DEFAULT_EXPANSION, 1, 32768, null);
    ctx.registerType(BloomType.INSTANCE);
    ctx.registerCommands(new BloomCommands(errorRate, capacity, expansion));
    ctx.addInfoSection("defaults", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error_rate", errorRate.get());
      m.put("initial_size", capacity.get());
      m.put("expansion", expansion.get());
      return m;
    });
  }

  private static void checkErrorRate(String v) {
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad error rate");
    }
    if (!(d > 0 && d < 1)) {
      throw new IllegalArgumentException("(0 < error rate range < 1)");
    }
  }
}
