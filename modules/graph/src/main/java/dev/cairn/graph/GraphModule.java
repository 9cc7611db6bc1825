package dev.cairn.graph;

import dev.cairn.api.Module;
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The graph module: RedisGraph's GRAPH.* commands over property graphs queried with openCypher. */
public final class GraphModule implements Module {
  private GraphCommands commands;

  @Override
  public ModuleInfo info() {
    return new ModuleInfo("graph", 21200); // RedisGraph 2.12's version number: clients check it
  }

  @Override
  public void onLoad(ModuleContext ctx) {
    GraphConfig config = new GraphConfig();
    List<String> args = ctx.args();
    if (args.size() % 2 != 0) {
      throw new IllegalArgumentException("arguments come in pairs: NAME value");
    }
    for (int i = 0; i < args.size(); i += 2) {
      config.set(args.get(i), args.get(i + 1));
    }
    ctx.registerType(GraphType.INSTANCE);
    commands = new GraphCommands(config, ctx.server());
    ctx.registerCommands(commands);
    ctx.addInfoSection("config", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timeout", config.get("TIMEOUT"));
      m.put("resultset_size", config.get("RESULTSET_SIZE"));
      return m;
    });
    ctx.addInfoSection("queries", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reads_inline", commands.scheduler.inline.get());
      m.put("reads_on_readers", commands.scheduler.offloaded.get());
      m.put("reads_preempted", commands.scheduler.preempted.get());
      m.put("writes_queued", commands.scheduler.deferred.get());
      m.put("reads_on_copies", commands.scheduler.copied.get());
      return m;
    });
    Warmup.start();
  }

  @Override
  public void onUnload() {
    if (commands != null) {
      commands.close();
    }
  }
}
