package dev.cairn.core.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AofManifestTest {
  private static AofManifest parse(String s) throws AofManifest.ManifestException {
    return AofManifest.parse(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String error(String s) {
    return assertThrows(AofManifest.ManifestException.class, () -> parse(s)).getMessage();
  }

  @Test
  void parsesAndFormatsBaseHistoryIncr() throws Exception {
    AofManifest m = parse("# comment\nfile a.2.base.rdb seq 2 type b\nfile a.1.base.rdb seq 1 type h\n"
        + "file a.3.incr.aof seq 3 type i newkey newvalue\nfile a.5.incr.aof seq 5 type i\n");
    assertEquals("a.2.base.rdb", m.base().name());
    assertEquals(1, m.history().size());
    assertEquals(2, m.incrs().size());
    assertEquals(5, m.incrSeq);
    assertEquals(2, m.baseSeq);
    assertEquals("file a.2.base.rdb seq 2 type b\nfile a.1.base.rdb seq 1 type h\nfile a.3.incr.aof seq 3 type i\n"
        + "file a.5.incr.aof seq 5 type i\n", new String(m.format(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void rewriteMovesOldFilesToHistoryInRedisOrder() throws Exception {
    AofManifest m = parse("file a.5.base.rdb seq 5 type b\nfile a.1.incr.aof seq 1 type i\n");
    m.newIncr("a");
    m.newBase("a", true);
    m.markIncrsAsHistory(true);
    assertEquals("file a.6.base.rdb seq 6 type b\nfile a.1.incr.aof seq 1 type h\nfile a.5.base.rdb seq 5 type h\n"
        + "file a.2.incr.aof seq 2 type i\n", new String(m.format(), StandardCharsets.ISO_8859_1));
    m.newBase("a", false);
    m.markIncrsAsHistory(false);
    assertEquals("file a.7.base.aof seq 7 type b\nfile a.2.incr.aof seq 2 type h\nfile a.6.base.rdb seq 6 type h\n"
        + "file a.1.incr.aof seq 1 type h\nfile a.5.base.rdb seq 5 type h\n",
        new String(m.format(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void namesWithSpacesAreQuotedAndReadBack() throws Exception {
    AofManifest m = new AofManifest();
    m.newBase(" file seq \n\n.aof ", true);
    String text = new String(m.format(), StandardCharsets.ISO_8859_1);
    assertEquals("file \" file seq \\n\\n.aof .1.base.rdb\" seq 1 type b\n", text);
    assertEquals(" file seq \n\n.aof .1.base.rdb", parse(text).base().name());
  }

  @Test
  void rejectsWhatRedisRejects() {
    assertEquals("Found an empty AOF manifest", error(""));
    assertEquals("Invalid AOF manifest file format", error("\n"));
    assertEquals("Invalid AOF manifest file format", error("file a seq 1 type\n"));
    assertEquals("Invalid AOF manifest file format", error("filx a seq 1 type b\n"));
    assertEquals("Invalid AOF manifest file format", error("file a seq 1 type i newkey\n"));
    assertEquals("Unknown AOF file type", error("file a seq 1 type x\n"));
    assertEquals("Found duplicate base file information", error("file a seq 1 type b\nfile b seq 2 type b\n"));
    assertEquals("Found a non-monotonic sequence number", error("file a seq 2 type i\nfile b seq 1 type i\n"));
    assertEquals("File can't be a path, just a filename", error("file d/a seq 1 type i\n"));
    assertEquals("The AOF manifest file contains too long line", error("file a seq 1 type i"));
    assertEquals("The AOF manifest file contains too long line", error("file " + "x".repeat(1100) + " seq 1 type i\n"));
  }
}
