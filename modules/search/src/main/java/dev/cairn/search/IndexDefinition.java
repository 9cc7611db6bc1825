package dev.cairn.search;

import dev.cairn.api.reply.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What FT.CREATE declared: the key prefixes, options and the schema, parsed with RediSearch's rules and error texts.
 * The arguments are kept (with FT.ALTER's additions) so the definition can be written again (FT.INFO, persistence).
 */
final class IndexDefinition {
  final String name;
  /** FT.CREATE's arguments after the name, with FT.ALTER's fields appended: the definition as it can be replayed. */
  final List<String> args = new ArrayList<>();
  final List<String> prefixes = new ArrayList<>();
  final Map<String, FieldSpec> fields = new LinkedHashMap<>(); // by attribute name
  Set<String> stopwords = new HashSet<>(Analyzer.DEFAULT_STOPWORDS);
  boolean customStopwords;
  String language = "english";
  double defaultScore = 1;
  /** SCORE_FIELD, LANGUAGE_FIELD, PAYLOAD_FIELD: null unless given (or set by FT.ADD), as RediSearch 2.10's rule. */
  String scoreField;
  String languageField;
  String payloadField;
  String filter;
  boolean skipInitialScan;
  boolean noOffsets;
  boolean noHl;
  boolean noFields;
  boolean noFreqs;
  boolean maxTextFields;
  long temporarySeconds = -1;
  int textFields;
  boolean hasPhonetic;
  /** ON JSON: documents are JSON values, field identifiers JSONPaths. */
  boolean onJson;
  /** Some field is a VECTOR: a hash's values of those fields are read as bytes (blobs are not text). */
  boolean hasVectors;

  IndexDefinition(String name) {
    this.name = name;
  }

  static RedisException err(String text) {
    return RedisException.line(text);
  }

  /** FT.CREATE's arguments after the index name. */
  /**
   * JSON paths a document is read at besides the schema's: SCORE_FIELD, LANGUAGE_FIELD and PAYLOAD_FIELD given as
   * paths, and the {@code @$...} paths of the FILTER expression.
   */
  List<String> extraJsonPaths() {
    List<String> out = new java.util.ArrayList<>();
    for (String f : new String[] {scoreField, languageField, payloadField}) {
      if (f != null && f.startsWith("$")) {
        out.add(f);
      }
    }
    if (filter != null) {
      out.addAll(Filter.paths(filter));
    }
    return out;
  }

  static IndexDefinition parse(String name, List<String> a) {
    IndexDefinition d = new IndexDefinition(name);
    d.args.addAll(a);
    int i = 0;
    while (i < a.size()) {
      String w = a.get(i).toUpperCase(Locale.ROOT);
      switch (w) {
        case "ON" -> {
          need(a, i, 1, "ON");
          String on = a.get(i + 1).toUpperCase(Locale.ROOT);
          if (on.equals("JSON")) {
            d.onJson = true;
          } else if (!on.equals("HASH")) {
            throw err("Invalid `ON` arguments: expected HASH or JSON");
          }
          i += 2;
        }
        case "PREFIX" -> {
          need(a, i, 1, "PREFIX");
          int n = parseCount(a.get(i + 1), "Bad arguments for PREFIX: ");
          if (i + 2 + n > a.size()) {
            throw err("Bad arguments for PREFIX: Expected an argument, but none provided");
          }
          for (int k = 0; k < n; k++) {
            d.prefixes.add(a.get(i + 2 + k));
          }
          i += 2 + n;
        }
        case "FILTER" -> {
          need(a, i, 1, "FILTER");
          d.filter = a.get(i + 1);
          Filter.parse(d.filter); // syntax checked now
          i += 2;
        }
        case "LANGUAGE" -> {
          need(a, i, 1, "LANGUAGE");
          d.language = Analyzer.language(a.get(i + 1));
          if (d.language == null) {
            throw err("Invalid language");
          }
          i += 2;
        }
        case "LANGUAGE_FIELD" -> {
          need(a, i, 1, "LANGUAGE_FIELD");
          d.languageField = a.get(i + 1);
          i += 2;
        }
        case "SCORE" -> {
          need(a, i, 1, "SCORE");
          try {
            d.defaultScore = Double.parseDouble(a.get(i + 1));
          } catch (NumberFormatException e) {
            throw err("Invalid score");
          }
          if (d.defaultScore < 0 || d.defaultScore > 1) {
            throw err("Invalid score");
          }
          i += 2;
        }
        case "SCORE_FIELD" -> {
          need(a, i, 1, "SCORE_FIELD");
          d.scoreField = a.get(i + 1);
          i += 2;
        }
        case "PAYLOAD_FIELD" -> {
          need(a, i, 1, "PAYLOAD_FIELD");
          d.payloadField = a.get(i + 1);
          i += 2;
        }
        case "TEMPORARY" -> {
          need(a, i, 1, "TEMPORARY");
          d.temporarySeconds = parseCount(a.get(i + 1), "Bad arguments for TEMPORARY: ");
          i += 2;
        }
        case "STOPWORDS" -> {
          need(a, i, 1, "STOPWORDS");
          int n = parseCount(a.get(i + 1), "Bad arguments for STOPWORDS: ");
          if (i + 2 + n > a.size()) {
            throw err("Bad arguments for STOPWORDS: Expected an argument, but none provided");
          }
          d.stopwords = new HashSet<>();
          d.customStopwords = true;
          for (int k = 0; k < n; k++) {
            d.stopwords.add(a.get(i + 2 + k).toLowerCase(Locale.ROOT));
          }
          i += 2 + n;
        }
        case "MAXTEXTFIELDS" -> { d.maxTextFields = true; i++; }
        case "NOOFFSETS" -> { d.noOffsets = true; i++; }
        case "NOHL" -> { d.noHl = true; i++; }
        case "NOFIELDS" -> { d.noFields = true; i++; }
        case "NOFREQS" -> { d.noFreqs = true; i++; }
        case "SKIPINITIALSCAN" -> { d.skipInitialScan = true; i++; }
        case "SCHEMA" -> {
          if (i + 1 >= a.size()) {
            throw err("Fields arguments are missing");
          }
          d.addFields(a.subList(i + 1, a.size()), false);
          i = a.size();
        }
        default -> throw err("Unknown argument `" + a.get(i) + "`");
      }
    }
    if (d.fields.isEmpty()) {
      throw err("No schema found");
    }
    if (d.prefixes.isEmpty()) {
      d.prefixes.add("");
    }
    return d;
  }

  private static void need(List<String> a, int i, int n, String what) {
    if (i + n >= a.size()) {
      throw err("Bad arguments for " + what + ": Expected an argument, but none provided");
    }
  }

  private static int parseCount(String s, String prefix) {
    try {
      int n = Integer.parseInt(s);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw err(prefix + "Value is not an integer");
    }
  }

  /** Parses a SCHEMA list (FT.CREATE's, or FT.ALTER SCHEMA ADD's) and adds its fields. */
  void addFields(List<String> a, boolean alter) {
    Map<String, FieldSpec> added = new LinkedHashMap<>();
    int text = textFields;
    int i = 0;
    while (i < a.size()) {
      String id = a.get(i++);
      String attr = id;
      if (i < a.size() && a.get(i).equalsIgnoreCase("AS")) {
        if (i + 1 >= a.size()) {
          throw err("Field `" + id + "` does not have a type");
        }
        attr = a.get(i + 1);
        i += 2;
      }
      if (i >= a.size()) {
        throw err("Field `" + id + "` does not have a type");
      }
      String t = a.get(i++).toUpperCase(Locale.ROOT);
      FieldSpec f;
      switch (t) {
        case "TEXT" -> f = new FieldSpec(id, attr, FieldSpec.Type.TEXT);
        case "TAG" -> f = new FieldSpec(id, attr, FieldSpec.Type.TAG);
        case "NUMERIC" -> f = new FieldSpec(id, attr, FieldSpec.Type.NUMERIC);
        case "GEO" -> f = new FieldSpec(id, attr, FieldSpec.Type.GEO);
        case "VECTOR" -> {
          f = new FieldSpec(id, attr, FieldSpec.Type.VECTOR);
          f.vector = VectorParams.parse(a, i);
          i += f.vector.consumed;
          hasVectors = true;
        }
        case "GEOSHAPE" -> {
          f = new FieldSpec(id, attr, FieldSpec.Type.GEOSHAPE);
          if (i < a.size() && (a.get(i).equalsIgnoreCase("FLAT") || a.get(i).equalsIgnoreCase("SPHERICAL"))) {
            f.flatShape = a.get(i++).equalsIgnoreCase("FLAT");
          }
        }
        default -> throw err("Invalid field type for field `" + id + "`");
      }
      if (fields.containsKey(attr) || added.containsKey(attr)) {
        throw err("Duplicate field in schema - " + attr);
      }
      while (i < a.size()) {
        String o = a.get(i).toUpperCase(Locale.ROOT);
        if (o.equals("SORTABLE")) {
          f.sortable = true;
          if (i + 1 < a.size() && a.get(i + 1).equalsIgnoreCase("UNF")) {
            f.unf = true;
            i++;
          }
        } else if (o.equals("NOINDEX")) {
          f.noIndex = true;
        } else if (o.equals("INDEXEMPTY") || o.equals("INDEXMISSING")) {
          // accepted; empty values index as nothing
        } else if (f.type == FieldSpec.Type.TEXT && o.equals("WEIGHT")) {
          if (i + 1 >= a.size()) {
            throw err("Bad arguments for WEIGHT: Expected an argument, but none provided");
          }
          try {
            f.weight = Double.parseDouble(a.get(++i));
          } catch (NumberFormatException e) {
            throw err("Bad arguments for WEIGHT: Could not convert argument to expected type");
          }
        } else if (f.type == FieldSpec.Type.TEXT && o.equals("NOSTEM")) {
          f.noStem = true;
        } else if (f.type == FieldSpec.Type.TEXT && o.equals("PHONETIC")) {
          if (i + 1 >= a.size()) {
            throw err("Bad arguments for PHONETIC: Expected an argument, but none provided");
          }
          String m = a.get(++i).toLowerCase(Locale.ROOT);
          if (!m.equals("dm:en") && !m.equals("dm:fr") && !m.equals("dm:pt") && !m.equals("dm:es")) {
            throw err("Matcher Format: <2 chars algorithm>:<2 chars language>. Support algorithms: double "
                + "metaphone (dm). Supported languages: English (en), French (fr), Portuguese (pt) and Spanish (es)");
          }
          f.phonetic = true;
          hasPhonetic = true;
        } else if (f.type != FieldSpec.Type.NUMERIC && o.equals("WITHSUFFIXTRIE")) {
          f.withSuffixTrie = true;
        } else if (f.type == FieldSpec.Type.TAG && o.equals("SEPARATOR")) {
          if (i + 1 >= a.size()) {
            throw err("Bad arguments for SEPARATOR: Expected an argument, but none provided");
          }
          String sep = a.get(++i);
          if (sep.length() != 1) {
            throw err("Tag separator must be a single character. Got `" + sep + "`");
          }
          f.separator = sep.charAt(0);
        } else if (f.type == FieldSpec.Type.TAG && o.equals("CASESENSITIVE")) {
          f.caseSensitive = true;
        } else {
          break;
        }
        i++;
      }
      if (f.type == FieldSpec.Type.TEXT) {
        if (text >= 128) {
          throw err("Schema is limited to 128 TEXT fields");
        }
        f.textBit = text++;
      }
      added.put(attr, f);
    }
    if (added.isEmpty()) {
      throw err(alter ? "No fields provided" : "Fields arguments are missing");
    }
    fields.putAll(added);
    textFields = text;
  }

  /**
   * FT.ADD's way to start reading {@code __score}/{@code __language}/{@code __payload} (RediSearch sets the rule's
   * field the first time FT.ADD writes one); kept in the replayable arguments, before SCHEMA.
   */
  void useField(String option, String field) {
    switch (option) {
      case "SCORE_FIELD" -> {
        if (scoreField != null) {
          return;
        }
        scoreField = field;
      }
      case "LANGUAGE_FIELD" -> {
        if (languageField != null) {
          return;
        }
        languageField = field;
      }
      default -> {
        if (payloadField != null) {
          return;
        }
        payloadField = field;
      }
    }
    args.add(0, field);
    args.add(0, option);
  }

  FieldSpec field(String attribute) {
    FieldSpec f = fields.get(attribute);
    if (f != null) {
      return f;
    }
    for (FieldSpec g : fields.values()) { // a hash field name works too
      if (g.identifier.equals(attribute)) {
        return g;
      }
    }
    return null;
  }

  FieldSpec byIdentifier(String identifier) {
    for (FieldSpec g : fields.values()) {
      if (g.identifier.equals(identifier)) {
        return g;
      }
    }
    return null;
  }

  private byte[][] prefixBytes;

  /** Whether {@code key} starts with one of the prefixes (called for every keyspace event: no allocation). */
  boolean matchesPrefix(byte[] key) {
    byte[][] pbs = prefixBytes;
    if (pbs == null) {
      pbs = new byte[prefixes.size()][];
      for (int i = 0; i < pbs.length; i++) {
        pbs[i] = prefixes.get(i).getBytes(StandardCharsets.UTF_8);
      }
      prefixBytes = pbs;
    }
    for (byte[] pb : pbs) {
      if (key.length >= pb.length && java.util.Arrays.equals(key, 0, pb.length, pb, 0, pb.length)) {
        return true;
      }
    }
    return false;
  }
}
