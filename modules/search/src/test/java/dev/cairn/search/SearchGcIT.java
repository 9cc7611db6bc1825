package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sdk.WithCairn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Garbage after deletions. RediSearch leaves a deleted document's entries in its inverted, numeric and tag indexes
 * (queries skip them) until its GC collects them; Cairn removes text, tag and numeric entries when the document goes,
 * so the only garbage is a vector field's deleted vectors, masked out of searches until the store is compacted, which
 * _FT.DEBUG GC_FORCEINVOKE does (and FT.INFO's gc_stats and INFO's search_gc count).
 */
@WithCairn(jars = "target/cairn-search.jar", config = {"dir", "target", "save", ""})
class SearchGcIT extends SearchITBase {
  private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

  /** The sizes FT.INFO and _FT.DEBUG give of an index's text, numeric and tag entries. */
  private List<Object> sizes(String index) {
    Map<String, Object> info = j.ftInfo(index);
    List<Object> out = new ArrayList<>();
    for (String f : List.of("num_docs", "num_terms", "num_records", "total_inverted_index_blocks")) {
      out.add(f + "=" + stringify(info.get(f)));
    }
    out.add(cmd("_FT.DEBUG", "DUMP_TERMS", index));
    for (String w : WORDS) {
      Object postings = cmd("_FT.DEBUG", "DUMP_TERMS", index).toString().contains(w)
          ? ((List<?>) cmd("_FT.DEBUG", "DUMP_INVIDX", index, w)).size() : 0;
      out.add(w + ":" + postings);
    }
    List<?> num = (List<?>) cmd("_FT.DEBUG", "NUMIDX_SUMMARY", index, "n");
    out.add(num.subList(2, 4)); // numEntries
    out.add(cmd("_FT.DEBUG", "INFO_TAGIDX", index, "g"));
    List<Object> tagSizes = new ArrayList<>();
    for (Object v : (List<?>) cmd("_FT.DEBUG", "DUMP_TAGIDX", index, "g")) {
      tagSizes.add(((List<?>) v).get(0) + ":" + ((List<?>) ((List<?>) v).get(1)).size());
    }
    out.add(tagSizes);
    return out;
  }

  private double gcStat(String index, String name) {
    List<?> gc = (List<?>) stringify(j.ftInfo(index).get("gc_stats"));
    return Double.parseDouble(String.valueOf(gc.get(gc.indexOf(name) + 1)));
  }

  @Test
  void deletedDocumentsLeaveNoEntriesBehind() {
    long seed = System.nanoTime();
    System.out.println("SearchGcIT seed " + seed);
    Random rnd = new Random(seed);
    cmd("FT.CREATE", "a", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT", "n", "NUMERIC", "g", "TAG");
    for (int i = 0; i < 300; i++) {
      StringBuilder t = new StringBuilder();
      for (int k = 0; k < 1 + rnd.nextInt(5); k++) {
        t.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
      }
      j.hset("d:" + i, Map.of("t", t.toString(), "n", Integer.toString(rnd.nextInt(50)), "g", "v" + rnd.nextInt(7)));
    }
    for (int i = 0; i < 300; i++) { // deletions, rewrites that drop words and fields, expiry
      switch (rnd.nextInt(4)) {
        case 0 -> j.del("d:" + i);
        case 1 -> j.hset("d:" + i, Map.of("t", WORDS[rnd.nextInt(WORDS.length)], "g", "w" + rnd.nextInt(3)));
        case 2 -> j.hdel("d:" + i, "n");
        default -> { }
      }
    }
    // an index built now over the same keys holds exactly the survivors' entries: so must the one that saw deletions
    cmd("FT.CREATE", "b", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT", "n", "NUMERIC", "g", "TAG");
    assertEquals(sizes("b"), sizes("a"), "seed " + seed);
    assertEquals("DONE", cmd("_FT.DEBUG", "GC_FORCEINVOKE", "a"));
    assertEquals(sizes("b"), sizes("a"), "seed " + seed);
    assertEquals(0.0, gcStat("a", "bytes_collected")); // nothing was left to collect
    // every document gone: every index empty
    for (int i = 0; i < 300; i++) {
      j.del("d:" + i);
    }
    List<Object> empty = sizes("a");
    assertEquals(List.of("num_docs=0", "num_terms=0", "num_records=0", "total_inverted_index_blocks=0", List.of()),
        empty.subList(0, 5));
    assertEquals(List.of("numEntries", 0L), empty.get(13));
    assertEquals(List.of("num_values", 0L), empty.get(14));
  }

  @Test
  void gcForceInvokeCollectsDeletedVectors() {
    for (String algo : List.of("FLAT", "HNSW")) {
      j.flushAll();
      cmd("FT.CREATE", "v", "PREFIX", "1", "p:", "SCHEMA", "v", "VECTOR", algo, "6", "TYPE", "FLOAT32", "DIM", "2",
          "DISTANCE_METRIC", "L2");
      for (int i = 0; i < 100; i++) {
        cmd("HSET", "p:" + i, "v", SearchVectorIT.f32(i, 0));
      }
      for (int i = 0; i < 100; i += 5) {
        j.del("p:" + i);
      }
      for (int i = 1; i < 100; i += 5) {
        cmd("HSET", "p:" + i, "v", SearchVectorIT.f32(i, 1)); // replaced: the old vector is garbage too
      }
      assertEquals(120L, SearchHnswIT.vecsim(j, "v", "v", "INDEX_SIZE"), algo); // dead vectors still stored
      assertEquals(80L, SearchHnswIT.vecsim(j, "v", "v", "INDEX_LABEL_COUNT"), algo);
      assertEquals(0.0, gcStat("v", "bytes_collected"), algo);
      assertEquals(0.0, gcStat("v", "total_cycles"), algo);
      long before = (Long) SearchHnswIT.vecsim(j, "v", "v", "MEMORY");
      assertEquals("DONE", cmd("_FT.DEBUG", "GC_FORCEINVOKE", "v"));
      assertEquals(80L, SearchHnswIT.vecsim(j, "v", "v", "INDEX_SIZE"), algo);
      assertTrue((Long) SearchHnswIT.vecsim(j, "v", "v", "MEMORY") < before, algo);
      assertTrue(gcStat("v", "bytes_collected") > 0, algo);
      assertEquals(1.0, gcStat("v", "total_cycles"), algo);
      String info = (String) cmd("INFO", "search_gc");
      assertTrue(info.contains("search_total_cycles:1"), info);
      assertTrue(!info.contains("search_bytes_collected:0\r"), info);
      // the live vectors are all still found, the deleted ones are not
      List<?> r = (List<?>) cmd("FT.SEARCH", "v", "*=>[KNN 4 @v $q]", "PARAMS", "2", "q", SearchVectorIT.f32(9, 0),
          "NOCONTENT", "DIALECT", "2"); // p:10 is gone, p:11 moved to (11, 1): distance 5, behind p:7's 4
      assertEquals(List.of(4L, "p:9", "p:8", "p:7", "p:11"), r, algo);
      assertEquals("DONE", cmd("_FT.DEBUG", "GC_FORCEINVOKE", "v")); // nothing more to collect
      assertEquals(1.0, gcStat("v", "total_cycles"), algo);
      cmd("FT.DROPINDEX", "v");
    }
  }
}
