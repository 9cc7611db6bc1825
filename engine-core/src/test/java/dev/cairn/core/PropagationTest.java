package dev.cairn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The propagation stream's listeners: only those that want effects get them, and none wanting them means none built. */
class PropagationTest {
  private static byte[][] cmd(String... words) {
    byte[][] c = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      c[i] = words[i].getBytes(StandardCharsets.UTF_8);
    }
    return c;
  }

  private static final class Recorder implements Propagation.Listener {
    final List<String> got = new ArrayList<>();
    boolean wants;

    @Override
    public void effect(int dbIndex, byte[][] command) {
      got.add(dbIndex + " " + new String(command[0], StandardCharsets.UTF_8));
    }

    @Override
    public boolean wantsEffects() {
      return wants;
    }
  }

  @Test
  void aListenerThatWantsNoEffectsGetsNoneAndWritersNeedBuildNone() {
    Propagation p = new Propagation();
    Recorder idle = new Recorder();
    p.addListener(idle);
    assertFalse(p.hasListeners(), "no listener wants effects: writers skip building them");
    p.emit(0, cmd("SET", "k", "v"));
    assertTrue(idle.got.isEmpty());

    idle.wants = true; // a replication backlog was created
    assertTrue(p.hasListeners());
    p.emit(0, cmd("SET", "k", "v"));
    assertEquals(List.of("0 SET"), idle.got);
  }

  @Test
  void onlyTheListenersThatWantEffectsGetThem() {
    Propagation p = new Propagation();
    Recorder wanting = new Recorder();
    wanting.wants = true;
    Recorder idle = new Recorder();
    p.addListener(wanting);
    p.addListener(idle);
    p.enterUnit();
    p.emit(0, cmd("INCR", "a"));
    p.emit(1, cmd("DEL", "b"));
    p.exitUnit();
    assertEquals(List.of("-1 MULTI", "0 INCR", "1 DEL", "-1 EXEC"), wanting.got);
    assertTrue(idle.got.isEmpty());
  }

  @Test
  void suppressionWinsOverListeners() {
    Propagation p = new Propagation();
    Recorder wanting = new Recorder();
    wanting.wants = true;
    p.addListener(wanting);
    p.suppress();
    assertFalse(p.hasListeners());
    p.emit(0, cmd("SET", "k", "v"));
    p.resume();
    assertTrue(wanting.got.isEmpty());
  }
}
