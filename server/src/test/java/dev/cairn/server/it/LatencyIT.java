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
    jedis.configSet("latency-monitor-threshold", "80");
    // only the sleep may count: an ordinary command slowed down by a loaded machine is forgotten here
    jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET");
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

    String graph = new String((byte[]) jedis.sendCommand(() -> "LATENCY".getBytes(), "GRAPH", "command"));
    assertTrue(graph.startsWith("command - high " + event.get(2) + " ms, low " + event.get(2) + " ms (all time high "
        + event.get(3) + " ms)\n" + "-".repeat(80) + "\n#\n"), graph);
    String doctor = new String((byte[]) jedis.sendCommand(() -> "LATENCY".getBytes(), "DOCTOR"));
    assertTrue(doctor.contains("- command: 1 spikes"), doctor);

    assertEquals(1L, jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET", "command", "nosuch"));
    assertEquals("-ERR No samples available for event 'command'\r\n",
        raw().command("LATENCY", "GRAPH", "command").readReply());
    assertEquals(0, ((List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "LATEST")).size());
  }

  @Test
  void nothingIsRecordedWhenTheMonitorIsOff() {
    jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.02");
    assertEquals(0, ((List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "LATEST")).size());
  }

  @Test
  void histogramCountsCallsPerCommand() throws Exception {
    RawClient r = raw();
    r.command("CONFIG", "RESETSTAT").readReply();
    r.command("SET", "a", "b").readReply();
    r.command("SET", "c", "d").readReply();
    r.command("CONFIG", "GET", "hz").readReply();
    String set = r.command("LATENCY", "HISTOGRAM", "set", "nosuch").readReply();
    // {set: {calls: 2, histogram_usec: {bucket: cumulative count, ...}}}, the last count being all calls
    assertTrue(set.matches("\\*2\r\n\\$3\r\nset\r\n\\*4\r\n\\$5\r\ncalls\r\n:2\r\n\\$14\r\nhistogram_usec\r\n"
        + "\\*\\d+\r\n(:\\d+\r\n:[12]\r\n)*:\\d+\r\n:2\r\n"), set);
    String config = r.command("LATENCY", "HISTOGRAM", "config").readReply();
    assertTrue(config.contains("$10\r\nconfig|get\r\n") && config.contains("$16\r\nconfig|resetstat\r\n"), config);
    assertEquals("*0\r\n", r.command("LATENCY", "HISTOGRAM", "nosuch").readReply());
  }

  @Test
  void help() throws Exception {
    assertTrue(raw().command("LATENCY", "HELP").readReply().startsWith("*17\r\n+LATENCY <subcommand>"));
  }
}
