package dev.cairn.core.type.list;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.api.command.Args;
import dev.cairn.api.command.CommandContext;
import dev.cairn.core.connection.Session;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * List commands in process: where the client may not block (inside MULTI or a script, {@code block} returns false)
 * the blocking commands answer as their non-blocking forms; and the events and effects writes leave behind.
 */
class ListCommandsTest {
  private InProcessEngine e;
  private Session session;
  private List<String> events;
  private List<String> propagated;

  @BeforeEach
  void setUp() {
    e = new InProcessEngine();
    session = e.session;
    events = e.events;
    propagated = e.propagated;
  }

  private String run(String... args) {
    return e.run(args);
  }

  private String take() {
    return e.take();
  }

  /** The session as a context on which block() is refused, as in MULTI. */
  private CommandContext mayNotBlock() {
    return (CommandContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CommandContext.class},
        (p, m, a) -> {
          if (m.getName().equals("block")) {
            return Boolean.FALSE;
          }
          try {
            return m.invoke(session, a);
          } catch (InvocationTargetException ex) {
            throw ex.getCause();
          }
        });
  }

  @Test
  void blockingCommandsThatMayNotBlockAnswerLikeTheNonBlockingForms() {
    CommandContext c = mayNotBlock();
    ListMoveCommands.bpop(c, Args.of("blpop", "a", "b", "0"), true);
    assertEquals("*-1\r\n", take());
    ListMoveCommands.bpop(c, Args.of("brpop", "a", "1.5"), false);
    assertEquals("*-1\r\n", take());
    ListMoveCommands.lmove(c, Args.of("blmove", "a", "b", "left", "right", "0"), true, false, 0,
        "LMOVE".getBytes(StandardCharsets.US_ASCII));
    assertEquals("$-1\r\n", take());
    ListMoveCommands.mpop(c, Args.of("blmpop", "0", "2", "a", "b", "left"), 2, 0);
    assertEquals("*-1\r\n", take());
    assertEquals(0, e.engine.blocking().blockedClients());
    // with data they serve as usual
    run("rpush", "b", "x", "y");
    ListMoveCommands.bpop(c, Args.of("blpop", "a", "b", "0"), true);
    assertEquals("*2\r\n$1\r\nb\r\n$1\r\nx\r\n", take());
  }

  @Test
  void eventsOfWrites() {
    run("rpush", "l", "a", "b", "c");
    run("lpushx", "nokey", "a");
    run("linsert", "l", "before", "b", "x");
    run("lset", "l", "0", "A");
    run("lrem", "l", "1", "x");
    run("ltrim", "l", "0", "1");
    run("lmove", "l", "m", "left", "right");
    run("rpop", "l");
    run("lpop", "m", "5");
    assertEquals(List.of("rpush:l", "linsert:l", "lset:l", "lrem:l", "ltrim:l", "rpush:m", "lpop:l", "rpop:l",
        "del:l", "lpop:m", "del:m"), events);
    assertEquals(List.of("rpush l a b c", "linsert l before b x", "lset l 0 A", "lrem l 1 x", "ltrim l 0 1",
        "lmove l m left right", "rpop l", "lpop m 5"), propagated);
  }

  @Test
  void writesThatChangeNothingAreNotPropagated() {
    run("lpushx", "nokey", "a");
    run("lrem", "nokey", "0", "a");
    run("lpop", "nokey");
    run("ltrim", "nokey", "0", "1");
    run("rpush", "l", "a");
    run("lrem", "l", "0", "zzz");
    run("linsert", "l", "before", "zzz", "x");
    assertEquals(List.of("rpush l a"), propagated);
  }
}
