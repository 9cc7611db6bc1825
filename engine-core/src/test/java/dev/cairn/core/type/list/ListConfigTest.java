package dev.cairn.core.type.list;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.config.Config;
import dev.cairn.core.config.ServerParams;
import org.junit.jupiter.api.Test;

/** The list parameters reach the list code, under their names and the old ziplist alias. */
class ListConfigTest {
  @Test
  void parametersAndAlias() throws Exception {
    Config c = new Config();
    new ServerParams(c);
    assertEquals(-2, ListConfig.fill());
    assertEquals("-2", c.find("list-max-listpack-size").get());
    c.set("list-max-ziplist-size", "128");
    assertEquals(128, ListConfig.fill());
    assertEquals("128", c.find("list-max-listpack-size").get());
    c.set("list-compress-depth", "2");
    assertEquals(2, ListConfig.compressDepth());
    new ServerParams(new Config()); // a new server starts from the defaults
    assertEquals(-2, ListConfig.fill());
    assertEquals(0, ListConfig.compressDepth());
  }
}
