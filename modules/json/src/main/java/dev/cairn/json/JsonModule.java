package dev.cairn.json;

import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;

/**
 * RedisJSON 2.x as a Cairn module: the {@code JSON.*} commands and the {@code ReJSON-RL} document type. Named
 * {@code ReJSON} with RedisJSON 2.8.9's version number, as MODULE LIST and INFO modules show RedisJSON, since clients
 * look for that name to decide whether JSON commands exist.
 */
public final class JsonModule implements dev.cairn.api.Module {
  public static final String NAME = "ReJSON";
  public static final int VERSION = 20809;

  @Override
  public ModuleInfo info() {
    return new ModuleInfo(NAME, VERSION);
  }

  @Override
  public void onLoad(ModuleContext ctx) {
    ctx.registerType(JsonType.INSTANCE);
    ctx.registerCommands(new JsonCommands());
    JsonSharedApi.export(ctx); // read access for other modules (search's ON JSON indexes)
  }
}
