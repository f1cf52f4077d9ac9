package dev.landfall.sqlgate;

import com.google.zetasql.Type;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.ZetaSQLType.TypeKind;
import dev.landfall.config.LandfallConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dialect gate for the SQL the Java code sends at run time (recorded by QueryRecorder while
 * the tests ran): each distinct query is parsed (level 1) and analyzed (level 2) with ZetaSQL as
 * BigQuery, against the catalog built from our DDL, one job one script scope.
 *
 * <p>A statement naming an object the catalog does not have (INFORMATION_SCHEMA, a test's own
 * table, a table the command creates itself) is parse-only: the local engine ran it against the
 * same DDL, so a misspelt table would already have failed there; what ZetaSQL adds is BigQuery's
 * grammar and types. Queries sent only by test code are parsed and reported but do not fail the
 * gate (their DuckDB-isms never reach BigQuery).
 */
final class ExecutedSqlGate {

  /** What the gate found in one query. */
  record Result(ExecutedSql.Query query, Finding finding) {
    @Override
    public String toString() {
      return query.where() + ": " + query.firstLine() + ": [" + finding.check() + "] "
          + finding.message();
    }
  }

  /** ZetaSQL's messages for a name the catalog lacks: parse-only, not a finding. */
  private static final List<String> NOT_IN_CATALOG =
      List.of("Table not found", "Table-valued function not found", "Procedure not found",
          "Function not found: ", "Unrecognized name: INFORMATION_SCHEMA");

  final ExecutedSql executed;
  final SqlGate gate;
  final List<Result> findings = new ArrayList<>();
  final List<Result> testFindings = new ArrayList<>();
  final List<ExecutedSql.Query> truncated = new ArrayList<>();
  /** Objects outside the catalog that made statements parse-only, with how many. */
  final Map<String, Integer> outsideCatalog = new TreeMap<>();
  int parsed;
  int analyzed;
  int parseOnly;
  final double seconds;

  private ExecutedSqlGate(ExecutedSql executed, SqlGate gate, List<SqlSource> routines) {
    long start = System.nanoTime();
    this.executed = executed;
    this.gate = gate;
    declareParameters(executed, gate);
    List<SqlSource> sources = new ArrayList<>();
    Map<String, ExecutedSql.Query> byFile = new LinkedHashMap<>();
    for (ExecutedSql.Query q : executed.queries) {
      if (q.truncated()) {
        truncated.add(q);
        continue;
      }
      String file = "executed#" + byFile.size();
      byFile.put(file, q);
      sources.add(new SqlSource(file, 1, q.sql(), SqlSource.Origin.EXECUTED, false));
      if (!"false".equals(q.useLegacySql())) {
        // The REST API runs legacy SQL unless a query job says useLegacySql: false.
        addFinding(q, new Finding("legacy", file, 1, q.sql(),
            "the job does not set useLegacySql=false: BigQuery's REST API would run it as legacy"
                + " SQL (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationQuery)"));
      }
    }
    int before = gate.findings.size();
    gate.check(routines, List.of(), sources);
    Map<String, List<Finding>> perFile = new TreeMap<>();
    for (Finding f : gate.findings.subList(before, gate.findings.size())) {
      if (f.file().startsWith("src/main/")) {
        // The deployer's own DDL, which it sends as is.
        findings.add(new Result(new ExecutedSql.Query(f.statement(), f.file(), false, "false"), f));
      }
      if (byFile.containsKey(f.file())) {
        perFile.computeIfAbsent(f.file(), k -> new ArrayList<>()).add(f);
      }
    }
    for (var e : byFile.entrySet()) {
      List<Finding> fs = perFile.getOrDefault(e.getKey(), List.of());
      if (fs.stream().anyMatch(f -> f.check().equals("parse"))) {
        fs.forEach(f -> addFinding(e.getValue(), f));
        continue;
      }
      parsed++;
      List<Finding> real = fs.stream().filter(f -> !notInCatalog(f)).toList();
      fs.stream().filter(ExecutedSqlGate::notInCatalog)
          .forEach(f -> outsideCatalog.merge(f.message().replaceAll(" \\[line.*", ""), 1, Integer::sum));
      real.forEach(f -> addFinding(e.getValue(), f));
      if (fs.isEmpty()) {
        analyzed++;
      } else if (real.isEmpty()) {
        parseOnly++;
      }
    }
    this.seconds = (System.nanoTime() - start) / 1e9;
  }

  /**
   * The routines' DDL and the deployer's own tables (deploy_history, deploy_lock) build the
   * catalog; the recorded queries are checked against it.
   */
  static ExecutedSqlGate run(Path root, ExecutedSql executed) {
    LandfallConfig config = SqlSources.config(root);
    List<SqlSource> ddl = new ArrayList<>(SqlSources.routines(root, config));
    ddl.addAll(SqlSources.deployerTables(root, config));
    return new ExecutedSqlGate(executed, new SqlGate(config.projectId()), ddl);
  }

  /** For tests: the given queries against the given DDL. */
  static ExecutedSqlGate run(String project, List<SqlSource> routines, ExecutedSql executed) {
    return new ExecutedSqlGate(executed, new SqlGate(project), routines);
  }

  /**
   * Query parameters ({@code @name}) get the type the jobs sent for them. The analyzer options are
   * shared by all queries, so a name sent with two types, or with a STRUCT, is left undeclared:
   * it takes the type its use implies.
   */
  private static void declareParameters(ExecutedSql executed, SqlGate gate) {
    Map<String, Type> types = new LinkedHashMap<>();
    java.util.Set<String> conflicting = new java.util.HashSet<>();
    for (ExecutedSql.Query q : executed.queries) {
      for (var p : q.parameters().entrySet()) {
        Type t = type(p.getValue());
        Type known = types.get(p.getKey());
        if (t == null || (known != null && !known.equivalent(t))) {
          conflicting.add(p.getKey());
        } else {
          types.put(p.getKey(), t);
        }
      }
    }
    types.forEach((name, t) -> {
      if (!conflicting.contains(name)) {
        gate.options.addQueryParameter(name, t);
      }
    });
    gate.options.setAllowUndeclaredParameters(true);
  }

  /** A REST QueryParameterType as a ZetaSQL type; null for a STRUCT or an unknown type. */
  private static Type type(com.fasterxml.jackson.databind.JsonNode parameterType) {
    String name = parameterType.path("type").asText();
    if (name.equals("ARRAY")) {
      Type element = type(parameterType.path("arrayType"));
      return element == null ? null : TypeFactory.createArrayType(element);
    }
    TypeKind kind =
        switch (name) {
          case "STRING" -> TypeKind.TYPE_STRING;
          case "INT64", "INTEGER" -> TypeKind.TYPE_INT64;
          case "FLOAT64", "FLOAT" -> TypeKind.TYPE_DOUBLE;
          case "BOOL", "BOOLEAN" -> TypeKind.TYPE_BOOL;
          case "BYTES" -> TypeKind.TYPE_BYTES;
          case "NUMERIC" -> TypeKind.TYPE_NUMERIC;
          case "BIGNUMERIC" -> TypeKind.TYPE_BIGNUMERIC;
          case "DATE" -> TypeKind.TYPE_DATE;
          case "DATETIME" -> TypeKind.TYPE_DATETIME;
          case "TIME" -> TypeKind.TYPE_TIME;
          case "TIMESTAMP" -> TypeKind.TYPE_TIMESTAMP;
          case "JSON" -> TypeKind.TYPE_JSON;
          default -> null;
        };
    return kind == null ? null : TypeFactory.createSimpleType(kind);
  }

  private void addFinding(ExecutedSql.Query q, Finding f) {
    (q.fromTests() ? testFindings : findings).add(new Result(q, f));
  }

  private static boolean notInCatalog(Finding f) {
    return f.check().equals("analyze")
        && NOT_IN_CATALOG.stream().anyMatch(m -> f.message().startsWith(m));
  }

  /** Findings no allow-list entry covers; an entry covers {@code file} = the sending class. */
  List<Result> open(AllowList allowList) {
    return findings.stream().filter(r -> allowList.match(asAllowable(r)) == null).toList();
  }

  /** Allow-list entries for executed SQL (file = a class) that match no finding. */
  List<AllowList.Entry> stale(AllowList allowList) {
    return allowList.entries.stream()
        .filter(AllowList.Entry::executed)
        .filter(e -> findings.stream().noneMatch(r -> e.matches(asAllowable(r))))
        .toList();
  }

  private static Finding asAllowable(Result r) {
    return new Finding(r.finding().check(), r.query().origin(), 1, r.query().sql(),
        r.finding().message());
  }

  String summary() {
    long products = executed.queries.stream().filter(q -> !q.fromTests()).count();
    return String.format(
        Locale.ROOT,
        "executed-sql gate: %d recorded, %d distinct (%d sent by product classes, %d by test code)"
            + " from %d classes; %d parsed, %d analyzed, %d parse-only (objects outside the"
            + " catalog), %d too long to record; %d findings in product SQL, %d in test SQL"
            + " (not gated), in %.1fs",
        executed.recorded, executed.queries.size(), products, executed.queries.size() - products,
        executed.origins().size(), parsed, analyzed, parseOnly, truncated.size(), findings.size(),
        testFindings.size(), seconds);
  }

  /** The objects outside the catalog, most frequent first. */
  String outsideCatalogReport() {
    StringBuilder out = new StringBuilder("parse-only, objects outside the catalog:\n");
    outsideCatalog.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(e -> out.append(String.format(Locale.ROOT, "  %5d  %s%n", e.getValue(), e.getKey())));
    return out.toString();
  }

  /** Per sending class: distinct queries. */
  String byOrigin() {
    Map<String, Integer> counts = new TreeMap<>();
    executed.queries.forEach(q -> counts.merge(q.origin(), 1, Integer::sum));
    StringBuilder out = new StringBuilder();
    counts.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %5d  %s%n", v, k)));
    return out.toString();
  }
}
