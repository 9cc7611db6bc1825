package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.sdk.CairnExtension;
import dev.cairn.sdk.ExternalProgram;
import dev.cairn.sdk.WithCairn;
import dev.cairn.server.embedded.EmbeddedCairn;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * redis-py's JSON and search clients (r.json() and r.ft() in Debian's python3-redis 4.3: index definitions on hashes
 * and JSON, queries with sorting, filters, scores and returned fields, FT.INFO and FT.AGGREGATE parsing, FT.EXPLAIN,
 * FT.DROPINDEX) against the search and JSON jars, running {@code src/test/clients/json_search_check.py}. Skips,
 * saying how to get it, where redis-py is missing.
 */
@ExtendWith(CairnExtension.class)
@WithCairn(jars = {"target/cairn-search.jar", "../json/target/cairn-json.jar"}, config = {"dir", "target", "save", ""})
class SearchRedisPyIT {
  @Test
  void redisPyJsonAndSearchClients(EmbeddedCairn cairn) throws Exception {
    Optional<String> python = ExternalProgram.pythonWith("from redis.commands.search.query import Query");
    assumeTrue(python.isPresent(), "redis-py is not installed (apt-get install -y python3-redis)");
    ExternalProgram r = ExternalProgram.run(
        List.of(python.get(), "src/test/clients/json_search_check.py", Integer.toString(cairn.port())), 120);
    assertEquals(0, r.exit(), r.output());
  }
}
