package dev.cairn.graph;

import dev.cairn.graph.Plan.Expr;
import dev.cairn.graph.Plan.NodePat;
import dev.cairn.graph.Plan.Op;
import dev.cairn.graph.Plan.PathPat;
import dev.cairn.graph.Plan.RelPat;
import dev.cairn.graph.cypher.CypherLexer;
import dev.cairn.graph.cypher.CypherParser;
import dev.cairn.graph.cypher.CypherParser.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.misc.Interval;

/**
 * Parses a query with the ANTLR grammar and compiles it, clause by clause, into {@link Op}s, tracking which
 * variables are in scope so that an undefined variable is a compile-time error, as in RedisGraph.
 */
final class Compiler {
  private final Map<String, Integer> scope = new HashMap<>();
  /** What a variable in scope is known to hold: node, rel, rels (variable length), path; absent when unknown. */
  private final Map<String, String> kinds = new HashMap<>();
  private final ExprCompiler ec = new ExprCompiler(this);
  /** GRAPH.EXPLAIN's lines per operator (top first, one per line), computed against the graph. */
  private final Map<Op, java.util.function.Function<Graph, String>> labels = new java.util.IdentityHashMap<>();
  private boolean writes;
  private boolean engineOnly;
  private int anon;
  private String source;

  /** A map literal, kept as a record so that the matcher can use its entries for index lookups. */
  record MapExpr(Map<String, Expr> entries) implements Expr {
    @Override
    public Object eval(Ctx c, Map<String, Object> r) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Expr> e : entries.entrySet()) {
        out.put(e.getKey(), e.getValue().eval(c, r));
      }
      return out;
    }
  }

  static Plan.Query compile(String query) {
    return new Compiler().compileQuery(query);
  }

  static ScriptContext parse(String query) {
    CypherLexer lexer = new CypherLexer(CharStreams.fromString(query));
    CypherParser parser = new CypherParser(new CommonTokenStream(lexer));
    BaseErrorListener fail = new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object symbol, int line, int col, String msg,
          RecognitionException e) {
        throw CypherException.syntax("Invalid input at line " + line + ", column " + (col + 1) + ": " + msg);
      }
    };
    lexer.removeErrorListeners();
    lexer.addErrorListener(fail);
    parser.removeErrorListeners();
    parser.addErrorListener(fail);
    return parser.script();
  }

  private Plan.Query compileQuery(String query) {
    source = query;
    StatementContext st = parse(query).statement();
    if (st.indexCommand() != null) {
      Op op = IndexOps.compile(st.indexCommand());
      labels.put(op, g -> st.indexCommand().getChild(0).getText().equalsIgnoreCase("create") ? "Create Index"
          : "Drop Index");
      return new Plan.Query(List.of(List.of(op)), false, List.of(), true, "index", labels, false);
    }
    return regular(st.regularQuery(), true);
  }

  Plan.Query regular(RegularQueryContext rq, boolean top) {
    List<List<Op>> branches = new ArrayList<>();
    List<String> columns = null;
    Boolean all = null;
    Map<String, Integer> outer = new HashMap<>(scope);
    List<SingleQueryContext> singles = new ArrayList<>();
    singles.add(rq.singleQuery());
    for (UnionContext u : rq.union()) {
      singles.add(u.singleQuery());
      boolean isAll = u.ALL() != null;
      if (all != null && all != isAll) {
        throw CypherException.semantic("Invalid combination of UNION and UNION ALL.");
      }
      all = isAll;
    }
    for (SingleQueryContext sq : singles) {
      scope.clear();
      scope.putAll(outer);
      List<String> cols = new ArrayList<>();
      branches.add(single(sq, cols, top));
      if (columns != null && !columns.equals(cols)) {
        throw CypherException.semantic("All sub queries in a UNION must have the same column names.");
      }
      columns = cols;
    }
    return new Plan.Query(branches, all != null && all, columns, writes, null, labels, engineOnly);
  }

  void require(String name) {
    if (!scope.containsKey(name)) {
      throw CypherException.semantic("'" + name + "' not defined");
    }
  }

  void push(String name) {
    scope.merge(name, 1, Integer::sum);
  }

  void pop(String name) {
    scope.computeIfPresent(name, (k, v) -> v == 1 ? null : v - 1);
  }

  /** A procedure that changes state beside the graph keeps the query on the engine thread. */
  void markEngineOnly() {
    engineOnly = true;
  }

  /** A write procedure makes the query a write (RO_QUERY refuses it; it propagates). */
  void markWrite() {
    writes = true;
  }

  boolean inScope(String name) {
    return scope.containsKey(name);
  }

  private String text(ParserRuleContext x) {
    return source.substring(x.start.getStartIndex(), x.stop.getStopIndex() + 1);
  }

  ExprCompiler exprCompiler() {
    return ec;
  }

  Expr expr(ExpressionContext x) {
    return ec.expr(x);
  }

  private List<Op> single(SingleQueryContext sq, List<String> columns, boolean top) {
    List<Op> ops = new ArrayList<>();
    List<ClauseContext> clauses = sq.clause();
    for (int i = 0; i < clauses.size(); i++) {
      ClauseContext cl = clauses.get(i);
      boolean last = i == clauses.size() - 1;
      if (cl.returnClause() != null) {
        if (!last) {
          throw CypherException.syntax("RETURN can only be used at the end of the query.");
        }
        ops.add(label(projection(cl.returnClause().projectionBody(), null, columns, true),
            "Results\n" + projectionLabel(cl.returnClause().projectionBody(), null)));
      } else if (cl.withClause() != null) {
        if (last && top) { // an EXISTS subquery may end anywhere: it only asks whether rows come out
          throw CypherException.syntax("Query cannot conclude with WITH (must be a RETURN clause, an update clause,"
              + " a procedure call or a non-returning subquery)");
        }
        ops.add(label(projection(cl.withClause().projectionBody(), cl.withClause().where(), null, false),
            projectionLabel(cl.withClause().projectionBody(), cl.withClause().where())));
      } else if (cl.matchClause() != null) {
        if (last && top) {
          throw CypherException.syntax("Query cannot conclude with MATCH (must be a RETURN clause, an update clause,"
              + " a procedure call or a non-returning subquery)");
        }
        ops.add(match(cl.matchClause()));
        labels.put(ops.get(ops.size() - 1), matchLabel(cl.matchClause(), lastMatch, lastHints));
      } else if (cl.unwindClause() != null) {
        if (last && top) {
          throw CypherException.syntax("Query cannot conclude with UNWIND (must be a RETURN clause, an update"
              + " clause, a procedure call or a non-returning subquery)");
        }
        ops.add(label(unwind(cl.unwindClause()), "Unwind"));
      } else if (cl.callClause() != null) {
        ops.add(label(Procedures.compile(this, cl.callClause(), last && i == 0, columns),
            "ProcedureCall | " + cl.callClause().procedureName().getText()));
      } else {
        ops.add(label(updating(cl), updateLabel(cl)));
      }
    }
    return ops;
  }

  Op updating(ClauseContext cl) {
    writes = true;
    if (cl.createClause() != null) {
      return Updates.create(this, patterns(cl.createClause().pattern(), true));
    } else if (cl.mergeClause() != null) {
      return Updates.merge(this, cl.mergeClause());
    } else if (cl.deleteClause() != null) {
      List<Expr> targets = new ArrayList<>();
      for (ExpressionContext e : cl.deleteClause().expression()) {
        targets.add(expr(e));
      }
      return Updates.delete(targets); // DETACH or not: see Updates.delete
    } else if (cl.setClause() != null) {
      return Updates.set(this, cl.setClause().setItem());
    } else if (cl.removeClause() != null) {
      return Updates.remove(this, cl.removeClause().removeItem());
    } else if (cl.foreachClause() != null) {
      ForeachClauseContext f = cl.foreachClause();
      Expr list = expr(f.expression());
      String var = ExprCompiler.symbol(f.variable().symbolicName());
      push(var);
      List<Op> body = new ArrayList<>();
      try {
        for (ClauseContext inner : f.clause()) {
          if (inner.createClause() == null && inner.mergeClause() == null && inner.deleteClause() == null
              && inner.setClause() == null && inner.removeClause() == null && inner.foreachClause() == null) {
            throw CypherException.syntax("Error: Only updating clauses may reside in FOREACH");
          }
          body.add(updating(inner));
        }
      } finally {
        pop(var);
      }
      return Updates.foreach(list, var, body);
    }
    throw CypherException.syntax("Unexpected clause " + cl.getText());
  }

  private Op label(Op op, String text) {
    labels.put(op, g -> text);
    return op;
  }

  private static String updateLabel(ClauseContext cl) {
    if (cl.createClause() != null) {
      return "Create";
    } else if (cl.mergeClause() != null) {
      return "Merge";
    } else if (cl.deleteClause() != null) {
      return "Delete";
    } else if (cl.foreachClause() != null) {
      return "Foreach";
    }
    return "Update";
  }

  private static String projectionLabel(ProjectionBodyContext b, WhereContext where) {
    StringBuilder sb = new StringBuilder();
    if (where != null) {
      sb.append("Filter\n");
    }
    if (b.limit() != null) {
      sb.append("Limit\n");
    }
    if (b.skip() != null) {
      sb.append("Skip\n");
    }
    if (b.order() != null) {
      sb.append("Sort\n");
    }
    if (b.DISTINCT() != null) {
      sb.append("Distinct\n");
    }
    boolean agg = b.projectionItems().getText().matches("(?is).*\\b(count|sum|avg|min|max|collect|stdev|stdevp"
        + "|percentilecont|percentiledisc)\\s*\\(.*");
    return sb.append(agg ? "Aggregate" : "Project").toString();
  }

  private List<PathPat> lastMatch;
  private Map<String, List<IndexHints.Hint>> lastHints = Map.of();

  /** RedisGraph-style scan and traverse lines; an index scan when the graph has an index the pattern can use. */
  private static java.util.function.Function<Graph, String> matchLabel(MatchClauseContext m, List<PathPat> parts,
      Map<String, List<IndexHints.Hint>> hints) {
    boolean filter = m.where() != null;
    boolean optional = m.OPTIONAL() != null;
    return g -> {
      List<String> lines = new ArrayList<>();
      if (optional) {
        lines.add("Optional");
      }
      if (filter) {
        lines.add("Filter");
      }
      List<String> part = new ArrayList<>();
      for (PathPat p : parts) {
        List<String> pl = new ArrayList<>();
        NodePat first = p.nodes().get(0);
        String scan = first.labels().isEmpty() ? "All Node Scan" : "Node By Label Scan";
        int start = g == null ? 0 : Matcher.start(g, p, hints);
        if (start == 2) {
          scan = "Node By Index Scan";
        }
        pl.add(start == 1 ? "Edge By Index Scan | " + edgeText(p) : scan + " | " + nodeText(first));
        for (int i = start == 1 ? 1 : 0; i < p.rels().size(); i++) {
          RelPat r = p.rels().get(i);
          String arrow = (r.dir() < 0 ? "<-" : "-") + "[" + (r.anonymous() ? "" : r.var())
              + (r.types().isEmpty() ? "" : ":" + String.join("|", r.types())) + (r.varLength() ? "*" : "") + "]"
              + (r.dir() > 0 ? "->" : "-");
          pl.add(0, (r.varLength() ? "Conditional Variable Length Traverse | " : "Conditional Traverse | ")
              + nodeText(p.nodes().get(i)) + arrow + nodeText(p.nodes().get(i + 1)));
        }
        if (p.shortest() != 0) {
          pl.add(0, p.shortest() == 1 ? "ShortestPath" : "AllShortestPaths");
        }
        part.addAll(0, pl);
        if (parts.size() > 1 && p != parts.get(0)) {
          part.add(0, "Cartesian Product");
        }
      }
      lines.addAll(part);
      return String.join("\n", lines);
    };
  }

  private static String edgeText(PathPat p) {
    RelPat r = p.rels().get(0);
    return nodeText(p.nodes().get(0)) + (r.dir() < 0 ? "<-" : "-") + "[" + (r.anonymous() ? "" : r.var()) + ":"
        + r.types().get(0) + "]" + (r.dir() > 0 ? "->" : "-") + nodeText(p.nodes().get(1));
  }

  private static String nodeText(NodePat n) {
    return "(" + (n.anonymous() ? "" : n.var()) + (n.labels().isEmpty() ? "" : ":" + String.join(":", n.labels()))
        + ")";
  }

  // ---- MATCH / UNWIND

  private Op match(MatchClauseContext m) {
    boolean optional = m.OPTIONAL() != null;
    Set<String> before = new LinkedHashSet<>(scope.keySet());
    List<PathPat> parts = patterns(m.pattern(), false);
    lastMatch = parts;
    Set<String> added = new LinkedHashSet<>();
    for (PathPat p : parts) {
      declarePattern(p, added);
    }
    added.removeAll(before);
    Expr where = m.where() == null ? null : expr(m.where().expression());
    Map<String, List<IndexHints.Hint>> hints = m.where() == null ? Map.of()
        : IndexHints.extract(this, m.where().expression(), added);
    lastHints = hints;
    List<String> introduced = new ArrayList<>(added);
    return (c, in) -> {
      List<Map<String, Object>> out = new ArrayList<>();
      Matcher matcher = new Matcher(c);
      matcher.hints = hints;
      for (Map<String, Object> row : in) {
        c.tick();
        int n = out.size();
        matcher.match(parts, row, r -> {
          if (where == null || Boolean.TRUE.equals(ExprCompiler.bool(where.eval(c, r)))) {
            out.add(r);
          }
        });
        if (optional && out.size() == n) {
          Map<String, Object> r = new HashMap<>(row);
          for (String v : introduced) {
            r.put(v, null);
          }
          out.add(r);
        }
      }
      return out;
    };
  }

  private Op unwind(UnwindClauseContext u) {
    Expr list = expr(u.expression());
    String var = ExprCompiler.symbol(u.variable().symbolicName());
    if (inScope(var)) {
      throw CypherException.semantic("Variable `" + var + "` already declared");
    }
    push(var);
    return (c, in) -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> row : in) {
        Object v = list.eval(c, row);
        if (v == null) {
          continue;
        }
        for (Object item : v instanceof List<?> l ? l : List.of(v)) {
          c.tick();
          Map<String, Object> r = new HashMap<>(row);
          r.put(var, item);
          out.add(r);
        }
      }
      return out;
    };
  }

  // ---- patterns

  List<PathPat> patterns(PatternContext p, boolean create) {
    List<PathPat> out = new ArrayList<>();
    for (PatternPartContext part : p.patternPart()) {
      out.add(patternPart(part, create));
    }
    return out;
  }

  PathPat patternPart(PatternPartContext part, boolean create) {
    String pathVar = part.variable() == null ? null : ExprCompiler.symbol(part.variable().symbolicName());
    AnonymousPatternPartContext a = part.anonymousPatternPart();
    int shortest = 0;
    PatternElementContext el;
    if (a.shortestPathPattern() != null) {
      shortest = a.shortestPathPattern().SHORTESTPATH() != null ? 1 : 2;
      el = a.shortestPathPattern().patternElement();
    } else {
      el = a.patternElement();
    }
    while (el.nodePattern() == null) {
      el = el.patternElement();
    }
    PathPat p = patternFromChain(el.nodePattern(), el.patternElementChain(), pathVar, false);
    return shortest == 0 ? p : new PathPat(p.pathVar(), p.nodes(), p.rels(), shortest);
  }

  /** Builds a path pattern; a pattern predicate may not introduce variables. */
  PathPat patternFromChain(NodePatternContext first, List<PatternElementChainContext> chain, String pathVar,
      boolean predicate) {
    List<NodePat> nodes = new ArrayList<>();
    List<RelPat> rels = new ArrayList<>();
    nodes.add(node(first, predicate));
    for (PatternElementChainContext c : chain) {
      rels.add(rel(c.relationshipPattern(), predicate));
      nodes.add(node(c.nodePattern(), predicate));
    }
    Map<String, String> local = new HashMap<>();
    for (NodePat n : nodes) {
      if (!n.anonymous()) {
        kindOf(local, n.var(), "node", false);
      }
    }
    for (RelPat r : rels) {
      if (!r.anonymous()) {
        kindOf(local, r.var(), r.varLength() ? "rels" : "rel", true);
      }
    }
    if (pathVar != null) {
      kindOf(local, pathVar, "path", true);
    }
    return new PathPat(pathVar, nodes, rels, 0);
  }

  private NodePat node(NodePatternContext n, boolean predicate) {
    String var = n.variable() == null ? null : ExprCompiler.symbol(n.variable().symbolicName());
    if (var != null && predicate && !inScope(var)) {
      throw CypherException.semantic("'" + var + "' not defined");
    }
    List<String> labels = n.nodeLabels() == null ? List.of() : ExprCompiler.labels(n.nodeLabels());
    Expr props = properties(n.properties());
    return new NodePat(var == null ? "\0anon" + anon++ : var, var == null, labels, props);
  }

  private Expr properties(PropertiesContext p) {
    if (p == null) {
      return null;
    }
    return p.mapLiteral() != null ? ec.map(p.mapLiteral()) : ec.parameter(p.parameter());
  }

  private RelPat rel(RelationshipPatternContext r, boolean predicate) {
    boolean left = r.LT() != null;
    boolean right = r.GT() != null;
    int dir = left == right ? 0 : right ? 1 : -1;
    RelationshipDetailContext d = r.relationshipDetail();
    String var = null;
    List<String> types = List.of();
    Expr props = null;
    boolean varLength = false;
    int min = 1;
    int max = 1;
    if (d != null) {
      var = d.variable() == null ? null : ExprCompiler.symbol(d.variable().symbolicName());
      if (var != null && predicate && !inScope(var)) {
        throw CypherException.semantic("'" + var + "' not defined");
      }
      if (d.relationshipTypes() != null) {
        types = new ArrayList<>();
        for (RelTypeNameContext t : d.relationshipTypes().relTypeName()) {
          types.add(ExprCompiler.name(t.schemaName()));
        }
      }
      props = properties(d.properties());
      RangeLiteralContext range = d.rangeLiteral();
      if (range != null) {
        varLength = true;
        List<IntegerLiteralContext> ints = range.integerLiteral();
        boolean dots = range.RANGE() != null;
        if (!dots) {
          min = ints.isEmpty() ? 1 : (int) ExprCompiler.parseInteger(ints.get(0).getText());
          max = ints.isEmpty() ? Integer.MAX_VALUE : min;
        } else {
          int at = 0;
          // '*1..3', '*..3', '*1..', '*..'
          boolean lowFirst = ints.size() == 2 || (ints.size() == 1 && range.getChild(1) instanceof
              IntegerLiteralContext);
          min = lowFirst ? (int) ExprCompiler.parseInteger(ints.get(at++).getText()) : 1;
          max = at < ints.size() ? (int) ExprCompiler.parseInteger(ints.get(at).getText()) : Integer.MAX_VALUE;
        }
      }
    }
    return new RelPat(var == null ? "\0anon" + anon++ : var, var == null, types, dir, varLength, min, max, props);
  }

  /** Checks a variable's use against what it already is (in scope, or earlier in the same pattern). */
  private void kindOf(Map<String, String> local, String var, String kind, boolean unique) {
    String known = local.containsKey(var) ? local.get(var) : kinds.get(var);
    if (known != null && !known.equals(kind) && !(known.equals("list") && kind.equals("rels"))) {
      throw CypherException.syntax("Type mismatch: variable '" + var + "' is a " + known + ", not a " + kind);
    }
    if (unique && local.containsKey(var)) {
      throw CypherException.syntax("Variable '" + var + "' is bound twice in one pattern");
    }
    local.put(var, kind);
  }

  /** Puts the pattern's named variables in scope, recording the new ones in {@code added}. */
  void declarePattern(PathPat p, Set<String> added) {
    for (NodePat n : p.nodes()) {
      if (!n.anonymous() && inScope(n.var())) {
        conflict(n.var(), "node");
      }
      if (!n.anonymous() && !inScope(n.var())) {
        push(n.var());
        kinds.put(n.var(), "node");
        added.add(n.var());
      }
    }
    for (RelPat r : p.rels()) {
      if (!r.anonymous() && inScope(r.var())) {
        conflict(r.var(), "rel");
      }
      if (!r.anonymous() && !inScope(r.var())) {
        push(r.var());
        kinds.put(r.var(), r.varLength() ? "rels" : "rel");
        added.add(r.var());
      }
    }
    if (p.pathVar() != null) {
      if (inScope(p.pathVar())) {
        throw CypherException.syntax("Variable `" + p.pathVar() + "` already declared");
      }
      push(p.pathVar());
      kinds.put(p.pathVar(), "path");
      added.add(p.pathVar());
    }
  }

  /** "value" for a literal boolean, number, string or map, "list" for a list literal; else null (null included). */
  private static String valueLiteral(org.antlr.v4.runtime.tree.ParseTree t) {
    while (t.getChildCount() == 1 && !(t instanceof CypherParser.LiteralContext)) {
      t = t.getChild(0);
    }
    if (!(t instanceof CypherParser.LiteralContext) || t instanceof CypherParser.NullLitContext) {
      return null;
    }
    return t instanceof CypherParser.ListLitContext ? "list" : "value";
  }

  /** A variable known to hold one kind of entity used in a pattern as another (openCypher's VariableTypeConflict). */
  private void conflict(String var, String as) {
    String known = kinds.get(var);
    if (known == null || known.startsWith(as) || (as.equals("rel") && (known.equals("rels") || known.equals("list")))) {
      return;
    }
    String what = known.equals("node") ? "node" : known.equals("path") ? "path"
        : known.equals("value") || known.equals("list") ? "value" : "relationship";
    String other = as.equals("node") ? "node" : "relationship";
    throw CypherException.syntax("The alias '" + var + "' was specified for both a " + what + " and a " + other
        + ".");
  }

  Expr existsSubquery(ExistsSubqueryContext ex) {
    if (ex.regularQuery() != null) {
      Map<String, Integer> saved = new HashMap<>(scope);
      boolean savedWrites = writes;
      Plan.Query q = regular(ex.regularQuery(), false);
      scope.clear();
      scope.putAll(saved);
      if (q.writes()) {
        throw CypherException.semantic("An EXISTS subquery cannot contain updating clauses");
      }
      writes = savedWrites;
      return (c, r) -> !Executor.runBranches(c, q, List.of(new HashMap<>(r)), false).isEmpty();
    }
    List<PathPat> parts = patterns(ex.pattern(), false);
    Set<String> added = new LinkedHashSet<>();
    for (PathPat p : parts) {
      declarePattern(p, added);
    }
    try {
      Expr where = ex.where() == null ? null : expr(ex.where().expression());
      return (c, r) -> {
        boolean[] found = {false};
        try {
          new Matcher(c).match(parts, r, m -> {
            if (where == null || Boolean.TRUE.equals(where.eval(c, m))) {
              found[0] = true;
              throw ExprCompiler.Found.INSTANCE;
            }
          });
        } catch (ExprCompiler.Found f) {
          // first match is enough
        }
        return found[0];
      };
    } finally {
      added.forEach(this::pop);
    }
  }

  // ---- WITH / RETURN

  private record Item(String name, Expr expr, boolean aggregating) {}

  private Op projection(ProjectionBodyContext body, WhereContext where, List<String> columns, boolean isReturn) {
    List<Item> items = new ArrayList<>();
    List<Functions.Aggregate> aggs = new ArrayList<>();
    ProjectionItemsContext pis = body.projectionItems();
    if (pis.MULT() != null) {
      List<String> vars = new ArrayList<>();
      for (String v : scope.keySet()) {
        if (!v.startsWith("\0")) {
          vars.add(v);
        }
      }
      if (vars.isEmpty() && isReturn) {
        throw CypherException.semantic("RETURN * is not allowed when there are no variables in scope");
      }
      java.util.Collections.sort(vars);
      for (String v : vars) {
        items.add(new Item(v, (c, r) -> r.get(v), false));
      }
    }
    Map<String, String> itemTexts = new HashMap<>();
    Set<String> names = new LinkedHashSet<>();
    for (Item it : items) {
      names.add(it.name());
    }
    for (ProjectionItemContext pi : pis.projectionItem()) {
      int before = aggs.size();
      ec.aggregates = aggs;
      Expr e;
      try {
        e = expr(pi.expression());
      } finally {
        ec.aggregates = null;
      }
      String name;
      if (pi.variable() != null) {
        name = ExprCompiler.symbol(pi.variable().symbolicName());
      } else {
        name = text(pi.expression());
        if (!isReturn) {
          String t = pi.expression().getText();
          if (t.matches("[\\p{L}_][\\p{L}_0-9]*")) {
            name = t;
          } else if (t.matches("`[^`]*`")) {
            name = t.substring(1, t.length() - 1);
          } else {
            throw CypherException.semantic("Expression in WITH must be aliased (use AS)");
          }
        }
      }
      if (!names.add(name)) {
        throw CypherException.semantic("Error: Multiple result columns with the same name are not supported.");
      }
      items.add(new Item(name, e, aggs.size() > before));
      itemTexts.putIfAbsent(pi.expression().getText(), name);
    }
    boolean distinct = body.DISTINCT() != null;
    boolean aggregating = !aggs.isEmpty();
    // ORDER BY and WHERE see the projected names, and the earlier variables when nothing aggregates
    Map<String, Integer> saved = new HashMap<>(scope);
    if (aggregating || distinct) {
      scope.clear();
    }
    for (String n : names) {
      push(n);
    }
    List<Expr> sortKeys = new ArrayList<>();
    List<Boolean> descending = new ArrayList<>();
    if (body.order() != null) {
      for (SortItemContext si : body.order().sortItem()) {
        String same = itemTexts.get(si.expression().getText());
        if (same != null) {
          // ORDER BY repeats a projected expression (e.g. an aggregate): sort on the projected value
          sortKeys.add((c, r) -> r.get(same));
          descending.add(si.DESC() != null || si.DESCENDING() != null);
          continue;
        }
        ec.aggregates = aggregating ? aggs : null;
        try {
          sortKeys.add(expr(si.expression()));
        } catch (CypherException ex) {
          if ((aggregating || distinct) && ex.getMessage().endsWith("not defined")) {
            throw CypherException.semantic("In a WITH/RETURN with DISTINCT or an aggregation, it is not possible"
                + " to access variables declared before the WITH/RETURN");
          }
          throw ex;
        } finally {
          ec.aggregates = null;
        }
        descending.add(si.DESC() != null || si.DESCENDING() != null);
      }
    }
    Expr filter = where == null ? null : expr(where.expression());
    Expr skip = body.skip() == null ? null : constantExpr(body.skip().expression(), "SKIP");
    Expr limit = body.limit() == null ? null : constantExpr(body.limit().expression(), "LIMIT");
    scope.clear();
    if (isReturn) {
      scope.putAll(saved);
    }
    Map<String, String> newKinds = new HashMap<>();
    for (ProjectionItemContext pi : pis.projectionItem()) {
      String src = pi.expression().getText();
      String name = pi.variable() == null ? src : ExprCompiler.symbol(pi.variable().symbolicName());
      if (kinds.containsKey(src)) {
        newKinds.put(name, kinds.get(src));
      } else if (valueLiteral(pi.expression()) != null) {
        // not an entity: a pattern cannot bind it (VariableTypeConflict); a list may be a var-length's relationships
        newKinds.put(name, valueLiteral(pi.expression()));
      }
    }
    if (pis.MULT() != null) {
      for (String n : names) {
        if (kinds.containsKey(n) && !newKinds.containsKey(n)) {
          newKinds.put(n, kinds.get(n));
        }
      }
    }
    if (!isReturn) {
      kinds.clear();
    }
    kinds.putAll(newKinds);
    for (String n : names) {
      scope.put(n, 1);
      if (!newKinds.containsKey(n)) {
        kinds.remove(n);
      }
    }
    if (columns != null) {
      columns.addAll(names);
    }
    List<String> cols = new ArrayList<>(names);
    return (c, in) -> {
      List<Map<String, Object>[]> rows = new ArrayList<>(); // [projected, context for ORDER BY / WHERE]
      if (!aggregating) {
        for (Map<String, Object> r : in) {
          c.tick();
          Map<String, Object> p = new LinkedHashMap<>();
          for (Item it : items) {
            p.put(it.name(), it.expr().eval(c, r));
          }
          rows.add(pair(p, r));
        }
      } else {
        Map<Values.Key, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Map<String, Object> r : in) {
          c.tick();
          List<Object> key = new ArrayList<>();
          for (Item it : items) {
            if (!it.aggregating()) {
              key.add(it.expr().eval(c, r));
            }
          }
          groups.computeIfAbsent(new Values.Key(key), k -> new ArrayList<>()).add(r);
        }
        boolean grouped = items.stream().anyMatch(it -> !it.aggregating());
        if (groups.isEmpty() && !grouped) {
          groups.put(new Values.Key(List.of()), new ArrayList<>());
        }
        for (List<Map<String, Object>> g : groups.values()) {
          c.tick();
          Map<String, Object> rep = new HashMap<>(g.isEmpty() ? Map.of() : g.get(0));
          for (Functions.Aggregate a : aggs) {
            rep.put(a.slot, a.fold(c, g));
          }
          Map<String, Object> p = new LinkedHashMap<>();
          for (Item it : items) {
            p.put(it.name(), it.expr().eval(c, rep));
          }
          rows.add(pair(p, rep));
        }
      }
      if (distinct) {
        Set<Values.Key> seen = new java.util.HashSet<>();
        rows.removeIf(pr -> !seen.add(new Values.Key(new ArrayList<>(pr[0].values()))));
      }
      if (!sortKeys.isEmpty()) {
        List<Object[]> keyed = new ArrayList<>();
        for (Map<String, Object>[] pr : rows) {
          Map<String, Object> ctx = merged(pr);
          Object[] k = new Object[sortKeys.size() + 1];
          for (int i = 0; i < sortKeys.size(); i++) {
            k[i] = sortKeys.get(i).eval(c, ctx);
          }
          k[sortKeys.size()] = pr;
          keyed.add(k);
        }
        keyed.sort((x, y) -> {
          c.tick();
          for (int i = 0; i < sortKeys.size(); i++) {
            int cmp = Values.orderCompare(x[i], y[i]);
            if (cmp != 0) {
              return descending.get(i) ? -cmp : cmp;
            }
          }
          return 0;
        });
        rows.clear();
        for (Object[] k : keyed) {
          @SuppressWarnings("unchecked")
          Map<String, Object>[] pr = (Map<String, Object>[]) k[sortKeys.size()];
          rows.add(pr);
        }
      }
      long from = skip == null ? 0 : (Long) skip.eval(c, Map.of());
      long count = limit == null ? Long.MAX_VALUE : (Long) limit.eval(c, Map.of());
      List<Map<String, Object>> out = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        c.tick();
        if (i < from || out.size() >= count) {
          continue;
        }
        Map<String, Object>[] pr = rows.get(i);
        if (filter != null && !Boolean.TRUE.equals(ExprCompiler.bool(filter.eval(c, merged(pr))))) {
          continue;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        for (String n : cols) {
          o.put(n, pr[0].get(n));
        }
        out.add(o);
      }
      return out;
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] pair(Map<String, Object> p, Map<String, Object> ctx) {
    return new Map[] {p, ctx};
  }

  private static Map<String, Object> merged(Map<String, Object>[] pr) {
    Map<String, Object> m = new HashMap<>(pr[1]);
    m.putAll(pr[0]);
    return m;
  }

  /** SKIP / LIMIT: a non-negative integer, from literals and parameters only. */
  private Expr constantExpr(ExpressionContext x, String what) {
    LiteralContext lit = ExprCompiler.soleLiteral(x);
    if (lit != null && !(lit instanceof NumberLitContext n && n.numberLiteral().integerLiteral() != null
        && !n.getText().startsWith("-"))) {
      throw CypherException.syntax(what + " specified value of invalid type, must be a positive integer");
    }
    if (x.getText().startsWith("-") && x.getText().substring(1).matches("[0-9]+")) {
      throw CypherException.syntax(what + " specified value of invalid type, must be a positive integer");
    }
    Map<String, Integer> saved = new HashMap<>(scope);
    scope.clear();
    Expr e;
    try {
      e = expr(x);
    } catch (CypherException ex) {
      throw CypherException.syntax("It is not allowed to refer to variables in " + what);
    } finally {
      scope.putAll(saved);
    }
    return (c, r) -> {
      Object v = e.eval(c, r);
      if (v instanceof Double d && d == Math.rint(d) && false) {
        return d.longValue();
      }
      if (!(v instanceof Long l) || l < 0) {
        throw CypherException.argument(what + " specified value of invalid type, must be a positive integer");
      }
      return l;
    };
  }

  void markWrites() {
    writes = true;
  }

  Set<String> scopeNames() {
    return scope.keySet();
  }
}
