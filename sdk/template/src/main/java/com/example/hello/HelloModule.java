package com.example.hello;

import dev.cairn.api.ApiVersion;
import dev.cairn.api.ConfigValue;
import dev.cairn.api.Module; // import it by name: java.lang.Module makes "dev.cairn.api.*" ambiguous
import dev.cairn.api.ModuleContext;
import dev.cairn.api.ModuleInfo;

/** The module: named in META-INF/services/dev.cairn.api.Module, loaded with MODULE LOAD target/cairn-hello.jar. */
public final class HelloModule implements Module {
  @Override
  public ModuleInfo info() {
    // the API version this jar is compiled against: a server with an older API refuses it at MODULE LOAD
    return new ModuleInfo("hello", 1, ApiVersion.MAJOR, ApiVersion.MINOR);
  }

  @Override
  public void onLoad(ModuleContext ctx) {
    // CONFIG SET hello.step 5; MODULE LOADEX ... CONFIG hello.step 5
    ConfigValue<Long> step = ctx.numericConfig("step", 1, 1, 1_000_000, null);
    ctx.registerType(CounterType.INSTANCE);
    ctx.registerCommands(new HelloCommands(step));
  }
}
