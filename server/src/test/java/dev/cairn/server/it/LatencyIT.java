package dev.cairn.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LatencyIT extends ServerTestBase {
  @AfterEach
  void restore() {
    jedis.configSet("latency-monitor-threshold", "0");
    jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET");
  }

  @Test
  void slowCommandIsRecorded() throws Exception {
    jedis.configSet("latency-monitor-threshold", "50");
    jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.1");
    List<?> latest = (List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "LATEST");
    assertEquals(1, latest.size());
    List<?> event = (List<?>) latest.get(0);
    assertEquals("command", new String((byte[]) event.get(0)));
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs((Long) event.get(1) - now) <= 2);
    assertTrue((Long) event.get(2) >= 100, event.toString());
    assertEquals(event.get(2), event.get(3));

    List<?> history = (List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "HISTORY", "command");
    assertEquals(1, history.size());
    assertEquals(2, ((List<?>) history.get(0)).size());
    assertEquals(0, ((List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "HISTORY", "nosuch")).size());

    assertEquals(1L, jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET", "command", "nosuch"));
    assertEquals(0, ((List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "LATEST")).size());
  }

  @Test
  void nothingIsRecordedWhenTheMonitorIsOff() {
    jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.02");
    assertEquals(0, ((List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "LATEST")).size());
  }

  @Test
  void help() throws Exception {
    assertTrue(raw().command("LATENCY", "HELP").readReply().startsWith("*10\r\n+LATENCY <subcommand>"));
  }
}
