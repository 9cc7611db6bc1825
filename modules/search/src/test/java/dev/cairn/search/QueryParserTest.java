package dev.cairn.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.api.reply.RedisException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The query language's parse trees, through FT.EXPLAIN's printing, and its syntax errors. */
class QueryParserTest {
  private final SearchIndex idx = new SearchIndex(IndexDefinition.parse("i", List.of("SCHEMA", "title", "TEXT",
      "body", "TEXT", "NOSTEM", "price", "NUMERIC", "tags", "TAG")));

  private String explain(String q, Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    QueryParser.parse(q, idx.def, params).explain(sb, 0, idx);
    return sb.toString();
  }

  private String explain(String q) {
    return explain(q, Map.of());
  }

  @Test
  void precedenceAndGroups() {
    assertEquals("UNION {\n  INTERSECT {\n    hello\n    world\n  }\n  INTERSECT {\n    foo\n    bar\n  }\n}\n",
        explain("hello world | foo bar"));
    assertEquals("INTERSECT {\n  hello\n  UNION {\n    world\n    foo\n  }\n}\n", explain("hello (world|foo)"));
    assertEquals("INTERSECT {\n  hello\n  NOT{\n    world\n  }\n}\n", explain("hello -world"));
    assertEquals("INTERSECT {\n  hello\n  OPTIONAL{\n    world\n  }\n}\n", explain("hello ~world"));
  }

  @Test
  void dialectOneBindsOrTighter() {
    StringBuilder sb = new StringBuilder();
    QueryParser.parse("hello world | foo bar", idx.def, Map.of(), 1).explain(sb, 0, idx);
    assertEquals("INTERSECT {\n  hello\n  UNION {\n    world\n    foo\n  }\n  bar\n}\n", sb.toString());
    sb.setLength(0);
    QueryParser.parse("(foo bar)|(hello world) @price:[100 200]|@price:[500 +inf]", idx.def, Map.of(), 1)
        .explain(sb, 0, idx);
    assertEquals("INTERSECT {\n  UNION {\n    INTERSECT {\n      foo\n      bar\n    }\n    INTERSECT {\n"
        + "      hello\n      world\n    }\n  }\n  UNION {\n    NUMERIC {100.000000 <= @price <= 200.000000}\n"
        + "    NUMERIC {500.000000 <= @price <= inf}\n  }\n}\n", sb.toString());
  }

  @Test
  void stemmedTermsShowTheirExpansion() {
    assertEquals("UNION {\n  running\n  +run(expanded)\n}\n", explain("running"));
  }

  @Test
  void fieldsNumericTagsAndPatterns() {
    assertEquals("@title:hello\n", explain("@title:hello"));
    assertEquals("@title|body:INTERSECT {\n  @title|body:hello\n  @title|body:world\n}\n",
        explain("@title|body:(hello world)"));
    assertEquals("NUMERIC {10.000000 < @price <= inf}\n", explain("@price:[(10 +inf]"));
    assertEquals("NUMERIC {-inf <= @price < 5.500000}\n", explain("@price:[-inf (5.5]"));
    assertEquals("TAG:@tags {\n  foo bar\n  baz*\n}\n", explain("@tags:{ foo bar | baz* }"));
    assertEquals("PREFIX{hel*}\n", explain("hel*"));
    assertEquals("SUFFIX{*llo}\n", explain("*llo"));
    assertEquals("INFIX{*ell*}\n", explain("*ell*"));
    assertEquals("WILDCARD{h?llo}\n", explain("w'h?llo'"));
    assertEquals("FUZZY{hello}\n", explain("%%hello%%"));
    assertEquals("EXACT {\n  hello\n  world\n}\n", explain("\"hello the world\""));
    assertEquals("<WILDCARD>\n", explain("*"));
    assertEquals("@title:hello\n", explain("@title:$w", Map.of("w", "Hello")));
    assertEquals("NUMERIC {1.000000 <= @price <= 2.000000}\n", explain("@price:[$a $b]", Map.of("a", "1", "b", "2")));
  }

  @Test
  void errors() {
    assertEquals("Syntax error at offset 6 near ", assertThrows(RedisException.class,
        () -> explain("(hello")).getMessage());
    assertEquals("Unknown field at offset 1 near nope", assertThrows(RedisException.class,
        () -> explain("@nope:x")).getMessage());
    assertEquals("Syntax error at offset 0 near \"open", assertThrows(RedisException.class,
        () -> explain("\"open")).getMessage());
    assertEquals("No such parameter `x`", assertThrows(RedisException.class, () -> explain("$x")).getMessage());
  }
}
