package dev.cairn.graph;

import dev.cairn.graph.Plan.Expr;
import dev.cairn.graph.Plan.Op;
import dev.cairn.graph.cypher.CypherParser.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** CALL: the db.* procedures RedisGraph clients rely on, and procedures registered by tests. */
final class Procedures {
  private Procedures() {}

  /** A procedure: input names (null: any number), output column names and a function from arguments to rows. */
  record Proc(List<String> inputs, List<String> outputs, Body body) {}

  interface Body {
    List<Map<String, Object>> call(Ctx c, List<Object> args);
  }

  static final Map<String, Proc> REGISTRY = new ConcurrentHashMap<>();

  static {
    REGISTRY.put("db.labels", new Proc(List.of(), List.of("label"), (c, a) -> names(c.graph.labels, "label",
        c.graph, 0)));
    REGISTRY.put("db.relationshiptypes", new Proc(List.of(), List.of("relationshipType"),
        (c, a) -> names(c.graph.types, "relationshipType", c.graph, 1)));
    REGISTRY.put("db.propertykeys", new Proc(List.of(), List.of("propertyKey"),
        (c, a) -> names(c.graph.keys, "propertyKey", c.graph, 2)));
    REGISTRY.put("db.indexes", new Proc(List.of(), List.of("type", "label", "properties", "language", "stopwords",
        "entitytype", "status"), (c, a) -> IndexOps.list(c.graph)));
    REGISTRY.put("db.constraints", new Proc(List.of(), List.of("type", "label", "properties", "entitytype",
        "status"), (c, a) -> Constraints.list(c.graph)));
    REGISTRY.put("db.createconstraint", new Proc(List.of("type", "entity", "label", "properties"), List.of(),
        Constraints::createProc));
    Algorithms.register(REGISTRY);
    FullTextProcs.register(REGISTRY);
  }

  private static List<Map<String, Object>> names(Graph.Names names, String col, Graph g, int kind) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String n : names.all()) {
      Map<String, Object> r = new HashMap<>();
      r.put(col, n);
      out.add(r);
    }
    return out;
  }

  static Op compile(Compiler comp, CallClauseContext x, boolean standalone, List<String> columns) {
    StringBuilder nb = new StringBuilder();
    nb.append(ExprCompiler.symbol(x.procedureName().symbolicName()));
    for (ProcedureNamePartContext part : x.procedureName().procedureNamePart()) {
      nb.append('.').append(part.symbolicName() != null ? ExprCompiler.symbol(part.symbolicName())
          : part.reservedWord().getText());
    }
    String name = nb.toString();
    Proc p = REGISTRY.get(name.toLowerCase(Locale.ROOT));
    if (p == null) {
      throw new CypherException("ProcedureError", "Procedure `" + name + "` is not registered");
    }
    if (name.equalsIgnoreCase("db.createConstraint") || name.equalsIgnoreCase("db.idx.fulltext.createNodeIndex")
        || name.equalsIgnoreCase("db.idx.fulltext.drop")) {
      comp.markWrite();
    }
    if (name.toLowerCase(Locale.ROOT).startsWith("db.idx.fulltext.")) {
      comp.markEngineOnly(); // queryNodes brings the Lucene index up to date
    }
    List<Expr> args = new ArrayList<>();
    boolean implicitArgs = x.LPAREN() == null;
    if (!implicitArgs) {
      for (ExpressionContext e : x.expression()) {
        args.add(comp.expr(e));
      }
      if (p.inputs() != null && args.size() != p.inputs().size()) {
        throw CypherException.semantic("Procedure `" + name + "` requires " + p.inputs().size() + " arguments, got "
            + args.size());
      }
    } else if (!standalone && (p.inputs() == null || !p.inputs().isEmpty())) {
      throw CypherException.semantic("Procedure call inside a query does not support naming results implicitly");
    }
    List<String[]> yields = new ArrayList<>(); // {field, variable}
    if (x.yieldItems() != null) {
      for (YieldItemContext y : x.yieldItems().yieldItem()) {
        String var = ExprCompiler.symbol(y.variable().symbolicName());
        String field = y.symbolicName() == null ? var : ExprCompiler.symbol(y.symbolicName());
        if (!p.outputs().contains(field)) {
          throw CypherException.semantic("Procedure `" + name + "` does not yield field `" + field + "`");
        }
        if (comp.inScope(var)) {
          throw CypherException.semantic("Variable `" + var + "` already declared");
        }
        yields.add(new String[] {field, var});
      }
    } else if (standalone || x.MULT() != null) {
      for (String o : p.outputs()) {
        yields.add(new String[] {o, o});
      }
    } else if (!p.outputs().isEmpty()) {
      throw CypherException.semantic("Procedure call inside a query does not support naming results implicitly");
    }
    for (String[] y : yields) {
      comp.push(y[1]);
    }
    Expr where = x.yieldItems() != null && x.yieldItems().where() != null
        ? comp.expr(x.yieldItems().where().expression()) : null;
    if (standalone && columns != null) {
      yields.forEach(y -> columns.add(y[1]));
    }
    return (c, in) -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> row : in) {
        List<Object> vals = new ArrayList<>();
        if (implicitArgs) {
          for (String i : p.inputs() == null ? List.<String>of() : p.inputs()) {
            if (!c.params.containsKey(i)) {
              throw new CypherException("ParameterMissing", "Missing parameters");
            }
            vals.add(c.params.get(i));
          }
        } else {
          for (Expr e : args) {
            vals.add(e.eval(c, row));
          }
        }
        for (Map<String, Object> res : p.body().call(c, vals)) {
          Map<String, Object> r = standalone ? new LinkedHashMap<>() : new HashMap<>(row);
          for (String[] y : yields) {
            r.put(y[1], res.get(y[0]));
          }
          if (where == null || Boolean.TRUE.equals(where.eval(c, r))) {
            out.add(r);
          }
        }
      }
      return out;
    };
  }
}
