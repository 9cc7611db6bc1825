package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The legacy commands RediSearch 2.10 still registers (FT.ADD, FT.SAFEADD, FT.DEL, FT.DROP, FT.SYNADD and the
 * replica-of IFX/IFNX forms), with 2.10's replies and errors, and languages other than English.
 */
@WithCairn(jars = "target/cairn-search.jar", config = {"dir", "target", "save", ""})
class SearchLegacyIT extends SearchITBase {
  @BeforeEach
  void setUp() {
    cmd("CONFIG", "RESETSTAT");
  }

  private long calls(String command) {
    for (String l : j.info("commandstats").split("\r\n")) {
      if (l.startsWith("cmdstat_" + command + ":calls=")) {
        return Long.parseLong(l.substring(l.indexOf('=') + 1, l.indexOf(',')));
      }
    }
    return 0;
  }

  @Test
  void ftAddWritesTheHash() {
    cmd("FT.CREATE", "idx", "SCHEMA", "title", "TEXT", "n", "NUMERIC");
    assertEquals("OK", cmd("FT.ADD", "idx", "doc1", "1.0", "FIELDS", "title", "hello world", "n", "3"));
    assertEquals(List.of("title", "hello world", "n", "3"), cmd("HGETALL", "doc1"), "score 1: no __score field");
    assertEquals(1L, calls("hset"), "written with HSET (which is what propagates)");
    assertEquals(List.of(1L, "doc1"), cmd("FT.SEARCH", "idx", "hello", "NOCONTENT"));
    assertEquals("Document already exists", err("FT.ADD", "idx", "doc1", "1", "FIELDS", "title", "again"));
    // REPLACE: the old hash is deleted first; PARTIAL keeps the other fields and writes __score
    assertEquals("OK", cmd("FT.ADD", "idx", "doc1", "0.5", "REPLACE", "LANGUAGE", "english", "PAYLOAD", "pl",
        "FIELDS", "title", "bye"));
    assertEquals(List.of("title", "bye", "__score", "0.5", "__language", "english", "__payload", "pl"),
        cmd("HGETALL", "doc1"));
    assertEquals("OK", cmd("FT.ADD", "idx", "doc1", "1", "REPLACE", "PARTIAL", "FIELDS", "n", "7"));
    assertEquals(List.of("title", "bye", "__score", "1", "__language", "english", "__payload", "pl", "n", "7"),
        cmd("HGETALL", "doc1"));
    assertEquals(List.of(1L, "doc1"), cmd("FT.SEARCH", "idx", "@n:[7 7]", "NOCONTENT"));
    // FT.ADD with a score, a language and a payload made the index read those fields (RediSearch's rule)
    Object info = cmd("FT.INFO", "idx");
    String def = ((List<?>) info).get(5).toString();
    assertTrue(def.contains("language_field, __language") && def.contains("score_field, __score")
        && def.contains("payload_field, __payload"), def);
    assertEquals(List.of(0L), cmd("FT.SEARCH", "idx", "hello", "NOCONTENT"));
    // IF: a condition on the existing document; false answers NOADD and changes nothing
    assertEquals("NOADD", cmd("FT.ADD", "idx", "doc1", "1", "REPLACE", "PARTIAL", "IF", "@n == 8", "FIELDS", "n",
        "9"));
    assertEquals("OK", cmd("FT.ADD", "idx", "doc1", "1", "REPLACE", "PARTIAL", "IF", "@n == 7", "FIELDS", "n", "9"));
    assertEquals("9", cmd("HGET", "doc1", "n"));
    assertEquals("Document does not exist", err("FT.ADD", "idx", "doc2", "1", "REPLACE", "NOCREATE", "FIELDS",
        "title", "x"));
    assertEquals("OK", cmd("FT.SAFEADD", "idx", "doc2", "1", "FIELDS", "title", "safe"));
    assertEquals(List.of(1L, "doc2"), cmd("FT.SEARCH", "idx", "safe", "NOCONTENT"));
    // errors, in RediSearch 2.10's order and words
    assertEquals("Could not parse document score", err("FT.ADD", "idx", "d", "x", "FIELDS", "a", "b"));
    assertEquals("Score must be between 0 and 1", err("FT.ADD", "idx", "d", "2", "FIELDS", "a", "b"));
    assertEquals("No field list found", err("FT.ADD", "idx", "d", "1"));
    assertEquals("Fields must be specified in FIELD VALUE pairs", err("FT.ADD", "idx", "d", "1", "FIELDS", "a"));
    assertEquals("Unknown keyword `FOO` provided", err("FT.ADD", "idx", "d", "1", "FOO", "FIELDS", "a", "b"));
    assertEquals("Unsupported language", err("FT.ADD", "idx", "d", "1", "LANGUAGE", "klingon", "FIELDS", "a", "b"));
    assertEquals("Unknown index name", err("FT.ADD", "nope", "d", "1", "FIELDS", "a", "b"));
    cmd("SET", "str", "x");
    assertEquals("Invalid Redis key", err("FT.ADD", "idx", "str", "1", "FIELDS", "a", "b"));
  }

  @Test
  void ftDelAndDrop() {
    cmd("FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT");
    cmd("HSET", "d:1", "title", "one");
    cmd("HSET", "d:2", "title", "two");
    cmd("HSET", "other", "title", "x");
    assertEquals(1L, cmd("FT.DEL", "idx", "d:1"));
    assertEquals(0L, cmd("FT.DEL", "idx", "d:1"));
    assertEquals(1L, cmd("FT.DEL", "idx", "other", "DD"), "2.x deletes the key whatever index it is in");
    assertEquals(3L, calls("del"), "each FT.DEL runs DEL");
    assertEquals("Unknown Index name", err("FT.DEL", "nope", "d:2"));
    assertEquals("OK", cmd("FT.DROP", "idx", "KEEPDOCS"));
    assertEquals(1L, cmd("EXISTS", "d:2"));
    cmd("FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT");
    assertEquals("OK", cmd("FT.DROP", "idx"));
    assertEquals(0L, cmd("EXISTS", "d:2"), "FT.DROP deletes the documents");
    assertEquals("Unknown Index name", err("FT.DROP", "idx"));
  }

  @Test
  void idempotentForms() {
    assertEquals("OK", cmd("FT._CREATEIFNX", "idx", "SCHEMA", "t", "TEXT"));
    assertEquals("OK", cmd("FT._CREATEIFNX", "idx", "SCHEMA", "t", "TEXT"));
    assertEquals("Index already exists", err("FT.CREATE", "idx", "SCHEMA", "t", "TEXT"));
    assertEquals("OK", cmd("FT._ALTERIFNX", "idx", "SCHEMA", "ADD", "n", "NUMERIC"));
    assertEquals("OK", cmd("FT._ALTERIFNX", "idx", "SCHEMA", "ADD", "n", "NUMERIC"));
    assertEquals("Duplicate field in schema - n", err("FT.ALTER", "idx", "SCHEMA", "ADD", "n", "NUMERIC"));
    assertEquals("OK", cmd("FT._ALIASADDIFNX", "al", "idx"));
    assertEquals("OK", cmd("FT._ALIASADDIFNX", "al", "idx"));
    assertEquals("OK", cmd("FT._ALIASDELIFX", "al"));
    assertEquals("OK", cmd("FT._ALIASDELIFX", "al"));
    assertEquals("OK", cmd("FT._DROPINDEXIFX", "idx"));
    assertEquals("OK", cmd("FT._DROPINDEXIFX", "idx"));
    assertEquals("OK", cmd("FT._DROPIFX", "idx"));
    assertEquals(List.of(), cmd("FT._LIST"));
    assertEquals("No longer suppoted, use FT.SYNUPDATE", err("FT.SYNADD", "idx", "a", "b"));
  }

  @Test
  void languages() {
    cmd("FT.CREATE", "de", "LANGUAGE", "german", "PREFIX", "1", "de:", "SCHEMA", "t", "TEXT");
    cmd("FT.CREATE", "en", "PREFIX", "1", "en:", "LANGUAGE_FIELD", "__language", "SCHEMA", "t", "TEXT");
    cmd("HSET", "de:1", "t", "Katzen");
    cmd("HSET", "en:1", "t", "Katzen");
    cmd("HSET", "en:2", "t", "Katze", "__language", "german");
    assertEquals(List.of(1L, "de:1"), cmd("FT.SEARCH", "de", "katze", "NOCONTENT"), "German Snowball: katz");
    assertEquals(List.of(1L, "en:1"), cmd("FT.SEARCH", "en", "katzen", "NOCONTENT"), "English keeps katzen");
    List<?> both = (List<?>) cmd("FT.SEARCH", "en", "katzen", "LANGUAGE", "german", "NOCONTENT");
    assertEquals(2L, both.get(0), "the query stemmed in German finds the German document's stem: " + both);
    assertEquals(List.of(1L, "en:2"), cmd("FT.SEARCH", "en", "katze", "NOCONTENT"),
        "the English query stem katz meets the German document's; the English katzen has no such stem");
    assertEquals("Invalid language", err("FT.CREATE", "x", "LANGUAGE", "klingon", "SCHEMA", "t", "TEXT"));
    assertEquals("No such language", err("FT.SEARCH", "en", "x", "LANGUAGE", "klingon"));
    for (String lang : List.of("arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish",
        "french", "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali",
        "norwegian", "portuguese", "romanian", "russian", "serbian", "spanish", "swedish", "tamil", "turkish",
        "yiddish", "chinese")) {
      assertEquals("OK", cmd("FT.CREATE", "l-" + lang, "LANGUAGE", lang, "SCHEMA", "t", "TEXT"), lang);
    }
    assertTrue(((List<?>) cmd("FT._LIST")).size() >= 31);
  }
}
