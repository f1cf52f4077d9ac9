package dev.landfall.sqlgate;

import com.google.zetasql.Analyzer;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.Parser;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SqlException;
import com.google.zetasql.Type;
import com.google.zetasql.ZetaSQLType.TypeKind;
import com.google.zetasql.parser.ASTNode;
import com.google.zetasql.parser.ASTNodes.ASTBeginEndBlock;
import com.google.zetasql.parser.ASTNodes.ASTBreakContinueStatement;
import com.google.zetasql.parser.ASTNodes.ASTCreateProcedureStatement;
import com.google.zetasql.parser.ASTNodes.ASTElseifClause;
import com.google.zetasql.parser.ASTNodes.ASTExceptionHandler;
import com.google.zetasql.parser.ASTNodes.ASTIdentifier;
import com.google.zetasql.parser.ASTNodes.ASTIfStatement;
import com.google.zetasql.parser.ASTNodes.ASTLoopStatement;
import com.google.zetasql.parser.ASTNodes.ASTRaiseStatement;
import com.google.zetasql.parser.ASTNodes.ASTReturnStatement;
import com.google.zetasql.parser.ASTNodes.ASTScript;
import com.google.zetasql.parser.ASTNodes.ASTAssignmentFromStruct;
import com.google.zetasql.parser.ASTNodes.ASTSingleAssignment;
import com.google.zetasql.parser.ASTNodes.ASTStatement;
import com.google.zetasql.parser.ASTNodes.ASTStatementList;
import com.google.zetasql.parser.ASTNodes.ASTVariableDeclaration;
import com.google.zetasql.parser.ASTNodes.ASTWhileStatement;
import com.google.zetasql.resolvedast.ResolvedColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedColumnDefinition;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedColumnRef;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedComputedColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateProcedureStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableAsSelectStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableFunctionStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateTableStmtBase;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCreateViewStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedExpr;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedFunctionCall;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedOutputColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedQueryStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;
import com.google.zetasql.resolvedast.ResolvedCreateStatementEnums.CreateScope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dialect gate: parses (level 1) and analyzes (level 2) every SQL the project deploys or runs
 * with ZetaSQL configured as BigQuery, against a catalog built from the project's own DDL.
 *
 * <p>Order: the routines' DDL in deploy order, retried like the deployer retries (a view on a
 * view) until a pass makes no progress; then each procedure body, the scheduled scripts and the
 * fixtures against the complete catalog. A procedure body, a scheduled script or a fixture is
 * walked as a script: DECLARE registers a variable (its type from the declaration or its
 * default), CREATE TEMP TABLE adds a table, and every statement, condition, SET and RAISE
 * expression is analyzed with them in scope. Statements inside a procedure's body are analyzed as
 * BigQuery runs them, not only when the procedure is created (BigQuery itself checks little then).
 */
final class SqlGate {

  private static final Pattern AT = Pattern.compile("\\[at (\\d+):(\\d+)]");

  final LanguageOptions language = BigQueryDialect.languageOptions();
  final AnalyzerOptions options = BigQueryDialect.analyzerOptions();
  final ProjectCatalog catalog;
  final List<Finding> findings = new ArrayList<>();
  final List<AnalyzedStatement> analyzed = new ArrayList<>();
  /** Fixture expect_error statements that fail analysis, as they are meant to. */
  final List<Finding> expectedErrors = new ArrayList<>();
  int statementsParsed;
  /** Procedure name -> its body's statements, in order, for the cost model. */
  final Map<String, List<AnalyzedStatement>> procedureBodies = new LinkedHashMap<>();
  /** Temp tables by name (the last definition), for the cost model's widths. */
  final Map<String, ProjectCatalog.Relation> tempTables = new LinkedHashMap<>();
  /** Procedures the scheduled scripts call. */
  final List<String> scheduledProcedures = new ArrayList<>();

  private final String project;

  SqlGate(String project) {
    this.project = project;
    this.catalog = new ProjectCatalog(project, language);
  }

  /** Runs the whole gate on the repository at {@code root}. */
  static SqlGate run(Path root) {
    var config = SqlSources.config(root);
    SqlGate gate = new SqlGate(config.projectId());
    List<SqlSource> routines = SqlSources.routines(root, config);
    List<SqlSource> scheduled = SqlSources.scheduled(root, config);
    List<SqlSource> fixtures = SqlSources.fixtures(root, config);
    gate.check(routines, scheduled, fixtures);
    return gate;
  }

  void check(List<SqlSource> routines, List<SqlSource> scheduled, List<SqlSource> fixtures) {
    Map<SqlSource, ASTScript> parsed = new LinkedHashMap<>();
    for (List<SqlSource> group : List.of(routines, scheduled, fixtures)) {
      for (SqlSource source : group) {
        ASTScript script = parse(source);
        if (script != null) {
          parsed.put(source, script);
        }
      }
    }
    // Level 2, phase 1: the DDL, retried until no more progress (dependencies in any order).
    List<SqlSource> todo = new ArrayList<>(routines.stream().filter(parsed::containsKey).toList());
    Map<SqlSource, Finding> failures = new LinkedHashMap<>();
    List<Runnable> bodies = new ArrayList<>();
    boolean progress = true;
    while (!todo.isEmpty() && progress) {
      progress = false;
      failures.clear();
      List<SqlSource> still = new ArrayList<>();
      for (SqlSource source : todo) {
        Finding f = defineAll(source, parsed.get(source), bodies);
        if (f == null) {
          progress = true;
        } else {
          failures.put(source, f);
          still.add(source);
        }
      }
      todo = still;
    }
    findings.addAll(failures.values());
    // Phase 2: scheduled scripts first (they name the procedures that are scheduled), bodies,
    // fixtures.
    for (SqlSource source : scheduled) {
      if (parsed.containsKey(source)) {
        Scope scope = new Scope(source, source.label(), true);
        walk(parsed.get(source).getStatementListNode(), scope);
      }
    }
    bodies.forEach(Runnable::run);
    Scope previous = null;
    for (SqlSource source : fixtures) {
      if (parsed.containsKey(source)) {
        Scope scope = new Scope(source, source.file(), false);
        if (previous != null
            && source.origin() == SqlSource.Origin.FIXTURE
            && previous.source.file().equals(source.file())) {
          // A fixture's steps run one after the other: tables one creates, the next reads.
          scope.temps.putAll(previous.temps);
        }
        walk(parsed.get(source).getStatementListNode(), scope);
        scope.changed();
        previous = scope;
      }
    }
  }

  /** Level 1: the whole source parses as a BigQuery script. */
  ASTScript parse(SqlSource source) {
    try {
      ASTScript script = Parser.parseScript(source.sql(), language);
      statementsParsed += countStatements(script.getStatementListNode());
      return script;
    } catch (SqlException e) {
      findings.add(finding("parse", source, 1, source.sql(), e.getMessage()));
      return null;
    }
  }

  private int countStatements(ASTStatementList list) {
    int n = 0;
    for (ASTStatement s : list.getStatementList()) {
      n++;
      for (ASTStatementList child : children(s)) {
        n += countStatements(child);
      }
      if (s instanceof ASTCreateProcedureStatement p && p.getBody() != null) {
        n += countStatements(p.getBody().getStatementListNode());
      }
    }
    return n;
  }

  /** Analyzes a routine file's statements and adds what they create; null when all pass. */
  private Finding defineAll(SqlSource source, ASTScript script, List<Runnable> bodies) {
    Text text = new Text(source.sql());
    for (ASTStatement s : script.getStatementListNode().getStatementList()) {
      String sql = text.of(s);
      int line = text.lineOf(s);
      ResolvedStatement resolved;
      try {
        resolved = Analyzer.analyzeStatement(sql, options, baseCatalog());
      } catch (SqlException e) {
        return finding("analyze", source, line, sql, e.getMessage());
      }
      define(source, resolved);
      analyzed.add(
          new AnalyzedStatement(
              source.file(), source.fileLine(line), sql, source.file(), false, false, resolved,
              List.of()));
      if (resolved instanceof ResolvedCreateProcedureStmt proc
          && s instanceof ASTCreateProcedureStatement ast) {
        String name = objectName(proc.getNamePath());
        bodies.add(
            () -> {
              Scope scope = new Scope(source, name, scheduledProcedures.contains(name));
              for (int i = 0; i < proc.getArgumentNameList().size(); i++) {
                scope.variables.put(
                    proc.getArgumentNameList().get(i),
                    proc.getSignature().getFunctionArgumentList().get(i).getType());
              }
              scope.body = new ArrayList<>();
              procedureBodies.put(name, scope.body);
              walk(ast.getBody().getStatementListNode(), scope);
            });
      }
    }
    return null;
  }

  private SimpleCatalog base;
  private int baseVersion = -1;

  /**
   * The deployed objects, registered with the ZetaSQL service once per change: an unregistered
   * catalog (with every built-in function) is serialized on every call, which is slow.
   */
  private SimpleCatalog baseCatalog() {
    if (base == null || baseVersion != catalog.version) {
      if (base != null) {
        base.unregister();
      }
      base = catalog.build(Map.of(), Map.of());
      base.register();
      baseVersion = catalog.version;
    }
    return base;
  }

  /** Registers what a DDL statement creates in the catalog. */
  private void define(SqlSource source, ResolvedStatement resolved) {
    if (resolved instanceof ResolvedCreateTableStmt table) {
      ProjectCatalog.Relation r =
          new ProjectCatalog.Relation(
              objectName(table.getNamePath()), columns(table.getColumnDefinitionList()), false);
      r.file = source.file();
      for (ResolvedExpr e : table.getPartitionByList()) {
        r.partitionColumn = firstColumn(e);
        r.partitionGranularity = granularity(e);
      }
      List<String> cluster = new ArrayList<>();
      for (ResolvedExpr e : table.getClusterByList()) {
        cluster.add(firstColumn(e));
      }
      r.clusterColumns = cluster;
      catalog.add(r);
    } else if (resolved instanceof ResolvedCreateViewStmt view) {
      ProjectCatalog.Relation r =
          new ProjectCatalog.Relation(
              objectName(view.getNamePath()), outputColumns(view.getOutputColumnList()), true);
      r.file = source.file();
      r.query = view.getQuery();
      r.outputColumnIds = view.getOutputColumnList().stream().map(c -> c.getColumn().getId()).toList();
      catalog.add(r);
    } else if (resolved instanceof ResolvedCreateTableFunctionStmt tvf) {
      String name = objectName(tvf.getNamePath());
      ProjectCatalog.Relation out =
          new ProjectCatalog.Relation(name, outputColumns(tvf.getOutputColumnList()), true);
      out.file = source.file();
      out.query = tvf.getQuery();
      out.outputColumnIds = tvf.getOutputColumnList().stream().map(c -> c.getColumn().getId()).toList();
      catalog.tableFunctions.put(
          ProjectCatalog.key(name),
          new ProjectCatalog.TableFunction(name, tvf.getSignature(), out, tvf.getArgumentNameList()));
    } else if (resolved instanceof ResolvedCreateProcedureStmt proc) {
      // A fresh signature: the resolved one carries an unset result type that the Java client
      // cannot deserialize back from a CALL.
      List<com.google.zetasql.FunctionArgumentType> args = new ArrayList<>();
      for (var arg : proc.getSignature().getFunctionArgumentList()) {
        args.add(new com.google.zetasql.FunctionArgumentType(arg.getType()));
      }
      catalog.procedures.put(
          ProjectCatalog.key(objectName(proc.getNamePath())),
          new com.google.zetasql.FunctionSignature(
              // (a procedure returns nothing; the client needs a concrete type here)
              new com.google.zetasql.FunctionArgumentType(
                  com.google.zetasql.TypeFactory.createSimpleType(TypeKind.TYPE_BOOL)),
              args,
              -1));
    }
  }

  /** A script's scope: its variables, temp tables and where it is. */
  private final class Scope {
    final SqlSource source;
    final String unit;
    final boolean scheduled;
    final Map<String, Type> variables = new LinkedHashMap<>();
    final Map<String, ProjectCatalog.Relation> temps = new LinkedHashMap<>();
    final Text text;
    boolean afterEarlyReturn;
    /** The enclosing IF conditions ("ELSE ..." inside an else branch). */
    final List<String> conditions = new ArrayList<>();
    List<AnalyzedStatement> body;
    private SimpleCatalog built;

    Scope(SqlSource source, String unit, boolean scheduled) {
      this.source = source;
      this.unit = unit;
      this.scheduled = scheduled;
      this.text = new Text(source.sql());
    }

    SimpleCatalog catalog() {
      if (temps.isEmpty() && variables.isEmpty()) {
        // Nothing of the script's own: the registered base catalog is the same, and cheaper.
        return baseCatalog();
      }
      if (built == null) {
        built = catalog.build(temps, variables);
        built.register();
      }
      return built;
    }

    void changed() {
      if (built != null) {
        built.unregister();
      }
      built = null;
    }
  }

  private void walk(ASTStatementList list, Scope scope) {
    if (list == null) {
      return;
    }
    for (ASTStatement s : list.getStatementList()) {
      statement(s, scope);
    }
  }

  private void statement(ASTStatement s, Scope scope) {
    if (s instanceof ASTBeginEndBlock block) {
      walk(block.getStatementListNode(), scope);
      if (block.getHandlerList() != null) {
        for (ASTExceptionHandler h : block.getHandlerList().getExceptionHandlerList()) {
          walk(h.getStatementList(), scope);
        }
      }
    } else if (s instanceof ASTVariableDeclaration d) {
      Type type = null;
      if (d.getType() != null) {
        type = typeOf(scope, s, d.getType());
      }
      if (d.getDefaultValue() != null) {
        Type value = expressionType(scope, s, scope.text.of(d.getDefaultValue()), d.getDefaultValue());
        if (type == null) {
          type = value;
        } else if (value != null && !assignable(value, type)) {
          findings.add(
              finding("analyze", scope.source, scope.text.lineOf(d.getDefaultValue()), scope.text.of(s),
                  "DECLARE default of type " + value.typeName() + " for a variable of type " + type.typeName()));
        }
      }
      for (ASTIdentifier id : d.getVariableList().getIdentifierList()) {
        scope.variables.put(id.getIdString(), type == null ? any() : type);
      }
      scope.changed();
    } else if (s instanceof ASTSingleAssignment a) {
      String name = a.getVariable().getIdString();
      Type target = scope.variables.get(name);
      Type value = expressionType(scope, s, scope.text.of(a.getExpression()), a.getExpression());
      if (target == null) {
        findings.add(finding("analyze", scope.source, scope.text.lineOf(s), scope.text.of(s),
            "SET of undeclared variable " + name));
      } else if (value != null && !assignable(value, target)) {
        findings.add(finding("analyze", scope.source, scope.text.lineOf(s), scope.text.of(s),
            "SET " + name + ": value of type " + value.typeName() + " for a variable of type " + target.typeName()));
      }
    } else if (s instanceof ASTAssignmentFromStruct a) {
      // SET (a, b) = (SELECT AS STRUCT ...): the struct's fields are assigned in order, each
      // with the coercions of a single SET (BigQuery scripting, "SET" statement).
      List<ASTIdentifier> names = a.getVariables().getIdentifierList();
      Type value = expressionType(scope, s, scope.text.of(a.getStructExpression()), a.getStructExpression());
      if (value != null && !value.isStruct()) {
        findings.add(finding("analyze", scope.source, scope.text.lineOf(s), scope.text.of(s),
            "SET (...) needs a STRUCT, got " + value.typeName()));
      } else if (value != null && value.asStruct().getFieldCount() != names.size()) {
        findings.add(finding("analyze", scope.source, scope.text.lineOf(s), scope.text.of(s),
            "SET of " + names.size() + " variables from a STRUCT of " + value.asStruct().getFieldCount() + " fields"));
      } else {
        for (int n = 0; n < names.size(); n++) {
          String name = names.get(n).getIdString();
          Type target = scope.variables.get(name);
          Type field = value == null ? null : value.asStruct().getField(n).getType();
          if (target == null) {
            findings.add(finding("analyze", scope.source, scope.text.lineOf(s), scope.text.of(s),
                "SET of undeclared variable " + name));
          } else if (field != null && !assignable(field, target)) {
            findings.add(finding("analyze", scope.source, scope.text.lineOf(s), scope.text.of(s),
                "SET " + name + ": value of type " + field.typeName() + " for a variable of type " + target.typeName()));
          }
        }
      }
    } else if (s instanceof ASTIfStatement i) {
      condition(scope, s, i.getCondition());
      boolean returns = returns(i.getThenList());
      String cond = oneLine(scope.text.of(i.getCondition()));
      scope.conditions.add(cond);
      walk(i.getThenList(), scope);
      scope.conditions.remove(scope.conditions.size() - 1);
      if (i.getElseifClauses() != null) {
        for (ASTElseifClause c : i.getElseifClauses().getElseifClauses()) {
          condition(scope, s, c.getCondition());
          scope.conditions.add("ELSE " + cond);
          walk(c.getBody(), scope);
          scope.conditions.remove(scope.conditions.size() - 1);
        }
      }
      scope.conditions.add("ELSE " + cond);
      walk(i.getElseList(), scope);
      scope.conditions.remove(scope.conditions.size() - 1);
      if (returns) {
        scope.afterEarlyReturn = true;
      }
    } else if (s instanceof ASTRaiseStatement r) {
      if (r.getMessage() != null) {
        Type t = expressionType(scope, s, scope.text.of(r.getMessage()), r.getMessage());
        if (t != null && !t.isString()) {
          findings.add(finding("analyze", scope.source, scope.text.lineOf(s), scope.text.of(s),
              "RAISE USING MESSAGE needs a STRING, got " + t.typeName()));
        }
      }
    } else if (s instanceof ASTWhileStatement w) {
      if (w.getCondition() != null) {
        condition(scope, s, w.getCondition());
      }
      walk(w.getBody(), scope);
    } else if (s instanceof ASTLoopStatement loop) {
      walk(loop.getBody(), scope);
    } else if (s instanceof ASTReturnStatement || s instanceof ASTBreakContinueStatement) {
      // control flow only
    } else {
      analyze(scope, s);
    }
  }

  private static String oneLine(String sql) {
    return sql.replaceAll("\\s+", " ").strip();
  }

  private static List<ASTStatementList> children(ASTStatement s) {
    List<ASTStatementList> out = new ArrayList<>();
    if (s instanceof ASTBeginEndBlock b) {
      out.add(b.getStatementListNode());
      if (b.getHandlerList() != null) {
        b.getHandlerList().getExceptionHandlerList().forEach(h -> out.add(h.getStatementList()));
      }
    } else if (s instanceof ASTIfStatement i) {
      out.add(i.getThenList());
      if (i.getElseifClauses() != null) {
        i.getElseifClauses().getElseifClauses().forEach(c -> out.add(c.getBody()));
      }
      out.add(i.getElseList());
    } else if (s instanceof ASTLoopStatement l) {
      out.add(l.getBody());
    }
    out.removeIf(x -> x == null);
    return out;
  }

  private static boolean returns(ASTStatementList list) {
    if (list == null) {
      return false;
    }
    for (ASTStatement s : list.getStatementList()) {
      if (s instanceof ASTReturnStatement) {
        return true;
      }
      for (ASTStatementList child : children(s)) {
        if (returns(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private void condition(Scope scope, ASTStatement s, ASTNode expr) {
    Type t = expressionType(scope, s, scope.text.of(expr), expr);
    if (t != null && !t.isBool()) {
      findings.add(finding("analyze", scope.source, scope.text.lineOf(expr), scope.text.of(s),
          "condition must be BOOL, got " + t.typeName()));
    }
  }

  /** A declared type, resolved against the base catalog (a type needs no script scope). */
  private Type typeOf(Scope scope, ASTStatement s, ASTNode type) {
    String sql = "SELECT CAST(NULL AS " + scope.text.of(type) + ")";
    try {
      ResolvedStatement r = Analyzer.analyzeStatement(sql, options, baseCatalog());
      return ((ResolvedQueryStmt) r).getOutputColumnList().get(0).getColumn().getType();
    } catch (SqlException e) {
      findings.add(finding("analyze", scope.source, scope.text.lineOf(type), scope.text.of(s), e.getMessage()));
      return null;
    }
  }

  /** Analyzes {@code SELECT (expr)} in the scope; null (and a finding) when it fails. */
  private Type expressionType(Scope scope, ASTStatement s, String expr, ASTNode at) {
    String sql = "SELECT (" + expr + ")";
    try {
      ResolvedStatement r = Analyzer.analyzeStatement(sql, options, scope.catalog());
      // Recorded like a statement: a SET or IF with a subquery reads tables, and is billed.
      AnalyzedStatement a =
          new AnalyzedStatement(
              scope.source.file(), scope.source.fileLine(scope.text.lineOf(s)), scope.text.of(s),
              scope.unit, scope.scheduled, scope.afterEarlyReturn, r, List.copyOf(scope.conditions));
      analyzed.add(a);
      if (scope.body != null) {
        scope.body.add(a);
      }
      return ((ResolvedQueryStmt) r).getOutputColumnList().get(0).getColumn().getType();
    } catch (SqlException e) {
      findings.add(
          finding("analyze", scope.source, scope.text.lineOf(at), scope.text.of(s), e.getMessage()));
      return null;
    }
  }

  private void analyze(Scope scope, ASTStatement s) {
    String sql = scope.text.of(s);
    int line = scope.text.lineOf(s);
    ResolvedStatement resolved;
    try {
      resolved = Analyzer.analyzeStatement(sql, options, scope.catalog());
    } catch (SqlException e) {
      Finding f = finding("analyze", scope.source, line, sql, e.getMessage());
      if (scope.source.expectsError()) {
        expectedErrors.add(f);
      } else {
        findings.add(f);
      }
      return;
    }
    AnalyzedStatement a =
        new AnalyzedStatement(
            scope.source.file(), scope.source.fileLine(line), sql, scope.unit, scope.scheduled,
            scope.afterEarlyReturn, resolved, List.copyOf(scope.conditions));
    analyzed.add(a);
    if (scope.body != null) {
      scope.body.add(a);
    }
    if (scope.source.origin() == SqlSource.Origin.SCHEDULED
        && resolved instanceof com.google.zetasql.resolvedast.ResolvedNodes.ResolvedCallStmt call) {
      String name = call.getProcedure().getFullName();
      String key = ProjectCatalog.key(name.startsWith(project + ".") ? name.substring(project.length() + 1) : name);
      if (!scheduledProcedures.contains(key)) {
        scheduledProcedures.add(key);
      }
    }
    if (resolved instanceof ResolvedCreateTableStmtBase create
        && (create.getCreateScope() == CreateScope.CREATE_TEMP
            || scope.source.origin() == SqlSource.Origin.FIXTURE)) {
      String name = objectName(create.getNamePath());
      List<ProjectCatalog.Column> cols =
          create instanceof ResolvedCreateTableAsSelectStmt ctas
              ? outputColumns(ctas.getOutputColumnList())
              : columns(create.getColumnDefinitionList());
      ProjectCatalog.Relation r = new ProjectCatalog.Relation(name, cols, false);
      r.file = scope.source.file();
      if (create instanceof ResolvedCreateTableAsSelectStmt ctas) {
        r.query = ctas.getQuery();
        r.outputColumnIds = ctas.getOutputColumnList().stream().map(c -> c.getColumn().getId()).toList();
      }
      scope.temps.put(ProjectCatalog.key(name), r);
      tempTables.put(ProjectCatalog.key(name), r);
      // Per file too: two procedures may each have a temp table of the same name (batch).
      tempTables.put(scope.source.file() + ":" + ProjectCatalog.key(name), r);
      scope.changed();
    }
  }

  /** BigQuery's implicit coercions for assignment (literal NULL has every type). */
  private static boolean assignable(Type from, Type to) {
    if (from.equivalent(to)) {
      return true;
    }
    TypeKind f = from.getKind();
    TypeKind t = to.getKind();
    if (f == TypeKind.TYPE_INT64) {
      return t == TypeKind.TYPE_NUMERIC || t == TypeKind.TYPE_BIGNUMERIC || t == TypeKind.TYPE_DOUBLE;
    }
    if (f == TypeKind.TYPE_NUMERIC) {
      return t == TypeKind.TYPE_BIGNUMERIC || t == TypeKind.TYPE_DOUBLE;
    }
    return false;
  }

  private static Type any() {
    return com.google.zetasql.TypeFactory.createSimpleType(TypeKind.TYPE_STRING);
  }

  private Finding finding(String check, SqlSource source, int lineInSql, String sql, String message) {
    int statementLine = source.fileLine(lineInSql);
    return new Finding(check, source.file(), errorLine(message, statementLine), sql,
        relocate(message, statementLine));
  }

  /** The file line of ZetaSQL's {@code [at L:C]}, relative to the statement's first line. */
  private static int errorLine(String message, int statementLine) {
    Matcher m = AT.matcher(String.valueOf(message));
    return m.find() ? statementLine + Integer.parseInt(m.group(1)) - 1 : statementLine;
  }

  private static String relocate(String message, int statementLine) {
    Matcher m = AT.matcher(String.valueOf(message));
    if (!m.find()) {
      return message;
    }
    int line = statementLine + Integer.parseInt(m.group(1)) - 1;
    return message.substring(0, m.start()) + "[line " + line + ", column " + m.group(2) + "]";
  }

  private String objectName(List<String> path) {
    String name = String.join(".", path);
    if (name.startsWith(project + ".")) {
      name = name.substring(project.length() + 1);
    }
    return name;
  }

  private static List<ProjectCatalog.Column> columns(List<ResolvedColumnDefinition> defs) {
    List<ProjectCatalog.Column> out = new ArrayList<>();
    for (ResolvedColumnDefinition d : defs) {
      out.add(new ProjectCatalog.Column(d.getName(), d.getType()));
    }
    return out;
  }

  private static List<ProjectCatalog.Column> outputColumns(List<ResolvedOutputColumn> cols) {
    List<ProjectCatalog.Column> out = new ArrayList<>();
    for (ResolvedOutputColumn c : cols) {
      out.add(new ProjectCatalog.Column(c.getName(), c.getColumn().getType()));
    }
    return out;
  }

  private static String firstColumn(ResolvedExpr e) {
    if (e instanceof ResolvedColumnRef ref) {
      return ref.getColumn().getName();
    }
    if (e instanceof ResolvedFunctionCall call) {
      for (ResolvedExpr arg : call.getArgumentList()) {
        String c = firstColumn(arg);
        if (c != null) {
          return c;
        }
      }
    }
    return null;
  }

  /** DAY, MONTH, YEAR or HOUR: how a PARTITION BY expression buckets its column. */
  private static String granularity(ResolvedExpr e) {
    if (e instanceof ResolvedFunctionCall call) {
      String fn = call.getFunction().getName().toUpperCase(Locale.ROOT);
      if (fn.endsWith("_TRUNC") && call.getArgumentList().size() > 1) {
        ResolvedExpr part = call.getArgumentList().get(1);
        if (part instanceof com.google.zetasql.resolvedast.ResolvedNodes.ResolvedLiteral lit) {
          return lit.getValue().toString().replaceAll("[^A-Z]", "");
        }
      }
    }
    return "DAY";
  }

  /** Byte-offset aware access to a source's text (ZetaSQL locations are UTF-8 byte offsets). */
  static final class Text {
    private final String sql;
    private final byte[] bytes;

    Text(String sql) {
      this.sql = sql;
      this.bytes = sql.getBytes(StandardCharsets.UTF_8);
    }

    String of(ASTNode node) {
      int start = node.getParseLocationRange().start();
      int end = node.getParseLocationRange().end();
      return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    int lineOf(ASTNode node) {
      int start = node.getParseLocationRange().start();
      int line = 1;
      for (int i = 0; i < start; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      return line;
    }
  }
}
