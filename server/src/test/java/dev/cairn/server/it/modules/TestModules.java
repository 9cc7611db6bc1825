package dev.cairn.server.it.modules;

import java.util.Map;

/** Source text of the modules the module tests load. */
final class TestModules {
  private TestModules() {}

  /** A module using most of the SPI: commands, a type, config, keyspace and server events, background work. */
  static final Map<String, String> GOOD = Map.of("tm.TestModule", """
      package tm;

      import dev.cairn.api.*;
      import dev.cairn.api.Module; // explicit: java.lang.Module would make a wildcard ambiguous
      import dev.cairn.api.command.*;
      import dev.cairn.api.type.*;
      import java.util.*;
      import java.util.concurrent.CopyOnWriteArrayList;

      public final class TestModule implements Module {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();
        static final java.util.concurrent.atomic.AtomicInteger FREED = new java.util.concurrent.atomic.AtomicInteger();
        private java.nio.file.Path eventsFile;

        private void record(String line) {
          if (eventsFile != null) {
            try {
              java.nio.file.Files.writeString(eventsFile, line + "\\n", java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }

        public void onUnload() { record("onUnload"); }

        public static final class Box {
          final String text;
          Box(String text) { this.text = text; }
        }

        static final DataType<Box> TYPE = new DataType<>() {
          public TypeId id() { return TypeId.of("TestBox-1", 1); }
          public Class<Box> valueClass() { return Box.class; }
          public void rdbSave(RdbOutput out, Box b) throws java.io.IOException { out.writeString(b.text); }
          public Box rdbLoad(RdbInput in, int encver) throws java.io.IOException {
            if (encver != 1) throw RdbFormatException.unsupported(id(), encver);
            return new Box(in.readString());
          }
          public void aofRewrite(AofEmitter out, byte[] key, Box b) { out.emit("TEST.SETBOX", new String(key), b.text); }
          public long memoryUsage(Box b) { return 16 + b.text.length(); }
          public void digest(Digest d, Box b) { d.add(b.text.getBytes()); }
          public Box copy(Box b) { return new Box(b.text); }
          public void free(Box b) { FREED.incrementAndGet(); }
        };

        private ConfigValue<String> greeting;
        private ConfigValue<Long> limit;
        private ConfigValue<Boolean> loud;

        public ModuleInfo info() { return new ModuleInfo("testmod", 7); }

        public void onLoad(ModuleContext ctx) {
          EVENTS.clear();
          FREED.set(0);
          if (ctx.args().size() == 2 && ctx.args().get(0).equals("events-file")) {
            eventsFile = java.nio.file.Path.of(ctx.args().get(1));
          }
          greeting = ctx.stringConfig("greeting", "hello", v -> {
            if (v.isEmpty()) throw new IllegalArgumentException("greeting must not be empty");
          });
          limit = ctx.numericConfig("limit", 10, 1, 100, null);
          loud = ctx.boolConfig("loud", false, null);
          ctx.registerType(TYPE);
          ctx.onKeyspaceEvent(KeyspaceEvents.GENERIC | KeyspaceEvents.STRING,
              (type, event, key, db) -> EVENTS.add(event + ":" + new String(key) + "@" + db));
          ctx.onServerEvent(e -> {
            EVENTS.add("server:" + e.kind() + ":" + e.db() + ":" + e.otherDb());
            record("server:" + e.kind());
          });
          List<String> args = ctx.args();
          ModuleServer server = ctx.server();
          ctx.registerCommands(r -> {
            r.add(CommandSpec.command("test.echo", 2).group(Group.MODULE).flags(Flag.FAST)
                .summary("Echoes its argument.").since("1.0.0").args(Arg.string("message")).build(),
                (c, a) -> c.reply().bulk(a.get(1)));
            r.add(CommandSpec.command("test.greet", 1).group(Group.MODULE).summary("Greets.").build(),
                (c, a) -> c.reply().bulk(loud.get() ? greeting.get().toUpperCase() : greeting.get()));
            r.add(CommandSpec.command("test.limit", 1).group(Group.MODULE).summary("The limit.").build(),
                (c, a) -> c.reply().integer(limit.get()));
            r.add(CommandSpec.command("test.args", 1).group(Group.MODULE).summary("Load arguments.").build(),
                (c, a) -> { c.reply().array(args.size()); args.forEach(x -> c.reply().bulk(x)); });
            r.add(CommandSpec.command("test.setbox", 3).group(Group.MODULE).flags(Flag.WRITE)
                .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.OW, KeyFlag.UPDATE))
                .summary("Stores a box.").build(),
                (c, a) -> {
                  c.db().set(a.get(1), TYPE, new Box(a.string(2)));
                  c.signalModifiedKey(c.db().id(), a.get(1));
                  c.notifyKeyspaceEvent(KeyspaceEvents.MODULE, "test.setbox", a.get(1), c.db().id());
                  c.addDirty(1);
                  c.reply().ok();
                });
            r.add(CommandSpec.command("test.getbox", 2).group(Group.MODULE).flags(Flag.READONLY)
                .key(KeySpec.index(1).range(0, 1, 0).flags(KeyFlag.RO))
                .summary("Reads a box.").build(),
                (c, a) -> {
                  Box b = c.db().get(a.get(1), TYPE);
                  if (b == null) c.reply().nullBulk(); else c.reply().bulk(b.text);
                });
            r.add(CommandSpec.command("test.events", 1).group(Group.MODULE).summary("Events seen.").build(),
                (c, a) -> { List<String> l = List.copyOf(EVENTS); c.reply().array(l.size()); l.forEach(x -> c.reply().bulk(x)); });
            r.add(CommandSpec.command("test.bg", 3).group(Group.MODULE).flags(Flag.WRITE)
                .summary("Sets a key from a background thread, then replies.").build(),
                (c, a) -> {
                  byte[] key = a.get(1);
                  byte[] value = a.get(2);
                  int db = c.db().id();
                  BlockedClient bc = c.blockClient(5000, r2 -> r2.error(dev.cairn.api.reply.RedisException.err("timeout")));
                  Thread t = new Thread(() -> {
                    try { Thread.sleep(50); } catch (InterruptedException e) { return; }
                    server.execute(s -> {
                      s.db(db).set(key, value);
                      s.signalModifiedKey(db, key);
                      s.addDirty(1);
                      s.propagate(db, "SET".getBytes(), key, value);
                      bc.reply(r2 -> r2.simple("DONE " + (server.inEngineThread() ? "on-engine" : "off-engine")));
                    });
                  });
                  t.start();
                });
            r.add(CommandSpec.command("test.freed", 1).group(Group.MODULE).summary("Values freed.").build(),
                (c, a) -> c.reply().integer(FREED.get()));
            r.add(CommandSpec.command("test.crash", 1).group(Group.MODULE).summary("Throws.").build(),
                (c, a) -> { throw new IllegalStateException("boom"); });
            r.add(CommandSpec.command("test.wait", 2).group(Group.MODULE).summary("Blocks for the given ms.").build(),
                (c, a) -> {
                  long ms = a.longArg(1);
                  BlockedClient bc = c.blockClient(0, null);
                  new Thread(() -> {
                    try { Thread.sleep(ms); } catch (InterruptedException e) { return; }
                    bc.reply(r2 -> r2.simple("WAITED"));
                  }).start();
                });
            r.add(CommandSpec.command("test.hold", 1).group(Group.MODULE).summary("Blocks until timeout or unblock.")
                .build(), (c, a) -> c.blockClient(60_000, r2 -> r2.simple("RELEASED")));
            r.add(CommandSpec.command("test.sees", 2).group(Group.MODULE).summary("Whether a class is visible.").build(),
                (c, a) -> {
                  try {
                    Class.forName(a.string(1), false, TestModule.class.getClassLoader());
                    c.reply().simple("visible");
                  } catch (ClassNotFoundException e) {
                    c.reply().simple("hidden");
                  }
                });
            r.add(CommandSpec.command("test.sleepy", 1).group(Group.MODULE).summary("Blocks until it times out.").build(),
                (c, a) -> c.blockClient(100, r2 -> r2.simple("TIMEOUT")));
            r.add(CommandSpec.command("test.noscript", 1).group(Group.MODULE).flags(Flag.NOSCRIPT)
                .summary("Refused inside scripts.").build(), (c, a) -> c.reply().ok());
          });
        }
      }
      """);

  /** Registers a command, then fails. */
  static final Map<String, String> FAILING = Map.of("fm.FailingModule", """
      package fm;

      import dev.cairn.api.*;
      import dev.cairn.api.Module; // explicit: java.lang.Module would make a wildcard ambiguous
      import dev.cairn.api.command.*;

      public final class FailingModule implements Module {
        public ModuleInfo info() { return new ModuleInfo("failmod", 1); }
        public void onLoad(ModuleContext ctx) {
          ctx.registerCommands(r -> r.add(CommandSpec.command("fail.cmd", 1).summary("x").build(),
              (c, a) -> c.reply().ok()));
          ctx.stringConfig("p", "v", null);
          throw new IllegalStateException("refusing to load");
        }
      }
      """);

  /** Wants a command name that {@link #GOOD} has. */
  static final Map<String, String> DUPLICATE = Map.of("dm.DupModule", """
      package dm;

      import dev.cairn.api.*;
      import dev.cairn.api.Module; // explicit: java.lang.Module would make a wildcard ambiguous
      import dev.cairn.api.command.*;

      public final class DupModule implements Module {
        public ModuleInfo info() { return new ModuleInfo("dupmod", 1); }
        public void onLoad(ModuleContext ctx) {
          ctx.registerCommands(r -> {
            r.add(CommandSpec.command("dup.own", 1).summary("x").build(), (c, a) -> c.reply().ok());
            r.add(CommandSpec.command("test.echo", 2).summary("x").build(), (c, a) -> c.reply().ok());
          });
        }
      }
      """);

  /** Wants the type name {@link #GOOD}'s type has. */
  static final Map<String, String> DUPLICATE_TYPE = Map.of("dt.DupType", """
      package dt;

      import dev.cairn.api.*;
      import dev.cairn.api.Module;
      import dev.cairn.api.type.*;

      public final class DupType implements Module {
        public ModuleInfo info() { return new ModuleInfo("duptype", 1); }
        public void onLoad(ModuleContext ctx) {
          ctx.stringConfig("p", "v", null);
          ctx.registerType(new DataType<String>() {
            public TypeId id() { return TypeId.of("TestBox-1", 3); }
            public Class<String> valueClass() { return String.class; }
            public void rdbSave(RdbOutput out, String v) throws java.io.IOException { out.writeString(v); }
            public String rdbLoad(RdbInput in, int encver) throws java.io.IOException { return in.readString(); }
            public void aofRewrite(AofEmitter out, byte[] key, String v) { }
            public long memoryUsage(String v) { return 1; }
            public void digest(Digest d, String v) { }
            public String copy(String v) { return v; }
          });
        }
      }
      """);

  /** Wants a core command's name. */
  static final Map<String, String> CORE_CLASH = Map.of("cc.CoreClash", """
      package cc;

      import dev.cairn.api.*;
      import dev.cairn.api.Module; // explicit: java.lang.Module would make a wildcard ambiguous
      import dev.cairn.api.command.*;

      public final class CoreClash implements Module {
        public ModuleInfo info() { return new ModuleInfo("coreclash", 1); }
        public void onLoad(ModuleContext ctx) {
          ctx.registerCommands(r -> r.add(CommandSpec.command("get", 2).summary("x").build(), (c, a) -> c.reply().ok()));
        }
      }
      """);

  /** Registers after onLoad returned (from a command): must be refused. */
  static final Map<String, String> LATE = Map.of("lm.LateModule", """
      package lm;

      import dev.cairn.api.*;
      import dev.cairn.api.Module; // explicit: java.lang.Module would make a wildcard ambiguous
      import dev.cairn.api.command.*;

      public final class LateModule implements Module {
        private ModuleContext saved;
        public ModuleInfo info() { return new ModuleInfo("latemod", 1); }
        public void onLoad(ModuleContext ctx) {
          saved = ctx;
          ctx.registerCommands(r -> r.add(CommandSpec.command("late.try", 1).summary("x").build(), (c, a) -> {
            try {
              saved.stringConfig("sneaky", "x", null);
              c.reply().simple("REGISTERED");
            } catch (IllegalStateException e) {
              c.reply().simple("SEALED");
            }
          }));
        }
      }
      """);

  /**
   * Two jars with the same class names ({@code iso.IsoModule}, {@code iso.Impl}) and different code: each must see
   * its own, so each jar has its own class loader.
   */
  static Map<String, String> isolated(String name, String answer) {
    return Map.of("iso.Impl", """
        package iso;
        public final class Impl {
          public static final String NAME = "%s";
          public static String answer() { return "%s"; }
        }
        """.formatted(name, answer), "iso.IsoModule", """
        package iso;

        import dev.cairn.api.*;
        import dev.cairn.api.Module;
        import dev.cairn.api.command.*;

        public final class IsoModule implements Module {
          public ModuleInfo info() { return new ModuleInfo(Impl.NAME, 1); }
          public void onLoad(ModuleContext ctx) {
            ctx.registerCommands(r -> r.add(CommandSpec.command(Impl.NAME + ".who", 1).summary("x").build(),
                (c, a) -> c.reply().bulk(Impl.answer() + " " + getClass().getClassLoader().getName())));
          }
        }
        """);
  }
}
