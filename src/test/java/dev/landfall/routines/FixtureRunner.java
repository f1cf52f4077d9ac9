package dev.landfall.routines;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.DeployException;
import dev.landfall.deploy.Deployer;
import dev.landfall.hash.Sha256;
import dev.landfall.testing.CanonicalValues;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one SQL fixture ({@code routines/<service>/tests/<name>.yaml}) against BigQuery, from empty
 * tables (in datasets of its own, or in a deployment shared by the fixtures that change no object;
 * see {@link #run}), and runs the steps in order. The format is described in engine/README.md.
 */
public final class FixtureRunner {

  /** Set to keep each fixture's datasets after the run (their names are printed), for debugging. */
  static final String KEEP_DATASETS_ENV = "LANDFALL_KEEP_FIXTURE_DATASETS";

  static final String DEFAULT_LOAD_ID = "load-1";
  static final String DEFAULT_INGESTION_TIMESTAMP = "2026-11-01T00:00:00Z";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Set<String> STEP_KINDS =
      Set.of("insert", "sql", "expect", "expect_error", "concurrently");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final BigQuery bigQuery;
  private final String projectId;
  private final LandfallConfig baseConfig;
  private final Path routinesDir;

  public FixtureRunner(
      BigQuery bigQuery, String projectId, LandfallConfig baseConfig, Path routinesDir) {
    this.bigQuery = bigQuery;
    this.projectId = projectId;
    this.baseConfig = baseConfig;
    this.routinesDir = routinesDir;
  }

  /**
   * Runs the fixture file; throws {@link AssertionError} with the failing step on failure. A
   * fixture that creates, alters or drops an object (a migration, a rebuild's copy, a replaced
   * procedure) gets datasets of its own, deployed for it and dropped after it. Every other fixture
   * runs in one deployment shared by the class, emptied before each (every table's rows deleted):
   * the same state as a fresh deploy, without deploying 36 objects per fixture.
   */
  public void run(Path fixtureFile, String name) {
    JsonNode fixture = readFixture(fixtureFile, name);
    if (changesObjects(fixture)) {
      runPrivately(fixture, name);
      return;
    }
    SharedDeployment deployment = SharedDeployment.get(this);
    long start = System.nanoTime();
    deployment.empty(name);
    runSteps(fixture, name, deployment.config, start);
  }

  /** Drops the shared deployment's datasets (after the last fixture). */
  public static void dropSharedDeployment() {
    SharedDeployment.drop();
  }

  private void runPrivately(JsonNode fixture, String name) {
    String suffix = newSuffix();
    LandfallConfig config = baseConfig.withDatasetSuffix(suffix);
    Deployer deployer = quietDeployer(config);
    long start = System.nanoTime();
    try {
      deploy(deployer, name);
      runSteps(fixture, name, config, start);
    } finally {
      if (System.getenv(KEEP_DATASETS_ENV) != null) {
        System.err.println(name + ": kept datasets " + config.datasets().values());
      } else {
        try {
          deployer.dropDatasets();
        } catch (BigQueryException e) {
          System.err.println(name + ": could not drop datasets: " + e.getMessage());
        }
      }
      System.err.printf(
          Locale.ROOT, "fixture %s: %.1fs in all%n", name, (System.nanoTime() - start) / 1e9);
    }
  }

  private void runSteps(JsonNode fixture, String name, LandfallConfig config, long start) {
    long stepsStart = System.nanoTime();
    Run run = new Run(name, config);
    run.steps(fixture.get("steps"));
    run.assertMonthlyTotalsFollowTransactions();
    System.err.printf(
        Locale.ROOT,
        "fixture %s: set up in %.1fs, ran %d steps in %.1fs%n",
        name,
        (stepsStart - start) / 1e9,
        fixture.get("steps").size(),
        (System.nanoTime() - stepsStart) / 1e9);
  }

  /** DDL outside temp tables in any step: the fixture changes the deployed objects. */
  static final Pattern CHANGES_OBJECTS =
      Pattern.compile(
          "(?i)\\b(?:ALTER|DROP)\\s+(?:TABLE|VIEW|SCHEMA|PROCEDURE|FUNCTION|MATERIALIZED)"
              + "|\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TABLE|VIEW|SCHEMA|PROCEDURE|FUNCTION"
              + "|MATERIALIZED|AGGREGATE|TABLE\\s+FUNCTION)\\b");

  static boolean changesObjects(JsonNode fixture) {
    return CHANGES_OBJECTS.matcher(fixture.get("steps").toString()).find();
  }

  private static String newSuffix() {
    return String.format(
        Locale.ROOT, "fx%03d_%06x", SEQUENCE.incrementAndGet(), (int) (Math.random() * 0xFFFFFF));
  }

  private Deployer quietDeployer(LandfallConfig config) {
    return new Deployer(
        bigQuery,
        projectId,
        config,
        new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
  }

  private Deployer.Result deploy(Deployer deployer, String name) {
    try {
      return deployer.deploy(routinesDir);
    } catch (DeployException e) {
      throw new AssertionError(name + ": deploying routines/ failed:\n" + e.getMessage(), e);
    }
  }

  /**
   * The deployment the fixtures that change no object share: deployed by the first of them, its
   * tables emptied before each. Tables that hold rows right after the deploy (the deployer's own
   * bookkeeping) are left as they are; a table a fixture created is dropped.
   */
  private static final class SharedDeployment {
    private static SharedDeployment instance;

    final LandfallConfig config;
    private final BigQuery bigQuery;
    private final String projectId;
    private final Deployer deployer;
    /** The deployed tables to empty, as `dataset.table`. */
    private final List<String> tables = new ArrayList<>();
    /** Every table and view the deploy created, as `dataset.name`. */
    private final Set<String> deployedObjects = new HashSet<>();

    private SharedDeployment(FixtureRunner runner) {
      this.config = runner.baseConfig.withDatasetSuffix(newSuffix());
      this.bigQuery = runner.bigQuery;
      this.projectId = runner.projectId;
      this.deployer = runner.quietDeployer(config);
      long start = System.nanoTime();
      runner.deploy(deployer, "shared fixture deployment");
      Set<String> seeded = new HashSet<>();
      for (Table object : objects()) {
        String id = id(object);
        deployedObjects.add(id);
        if (object.getDefinition().getType() != TableDefinition.Type.TABLE) {
          continue;
        }
        if (count("shared fixture deployment", "SELECT COUNT(*) FROM `" + id + "`") > 0) {
          seeded.add(id);
        } else {
          tables.add(id);
        }
      }
      tables.sort(null);
      System.err.printf(
          Locale.ROOT,
          "fixtures: shared deployment %s deployed in %.1fs (%d tables emptied before each fixture,"
              + " %d left as deployed: %s)%n",
          config.datasets().values(),
          (System.nanoTime() - start) / 1e9,
          tables.size(),
          seeded.size(),
          seeded);
    }

    static synchronized SharedDeployment get(FixtureRunner runner) {
      if (instance == null) {
        instance = new SharedDeployment(runner);
      }
      return instance;
    }

    static synchronized void drop() {
      if (instance == null) {
        return;
      }
      if (System.getenv(KEEP_DATASETS_ENV) != null) {
        System.err.println("fixtures: kept shared datasets " + instance.config.datasets().values());
      } else {
        try {
          instance.deployer.dropDatasets();
        } catch (BigQueryException e) {
          System.err.println("fixtures: could not drop the shared datasets: " + e.getMessage());
        }
      }
      instance = null;
    }

    /** Every table and view in the deployment's datasets. */
    private List<Table> objects() {
      List<Table> out = new ArrayList<>();
      for (String dataset : config.datasets().values()) {
        bigQuery.listTables(DatasetId.of(projectId, dataset)).iterateAll().forEach(out::add);
      }
      return out;
    }

    private static String id(Table object) {
      return object.getTableId().getDataset() + "." + object.getTableId().getTable();
    }

    /** The one INT64 a query returns. */
    private long count(String name, String sql) {
      return query(name, sql).iterateAll().iterator().next().get(0).getLongValue();
    }

    private TableResult query(String name, String sql) {
      try {
        return bigQuery.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
      } catch (BigQueryException e) {
        throw new AssertionError(name + ": preparing the shared deployment failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(name + ": interrupted", e);
      }
    }

    /** Deletes every row of the deployed tables (one script), and drops tables a fixture added. */
    void empty(String name) {
      for (Table object : objects()) {
        if (!deployedObjects.contains(id(object))) {
          bigQuery.delete(object.getTableId());
        }
      }
      StringBuilder script = new StringBuilder();
      // And a check that it worked: a fixture must never see another's rows.
      StringBuilder left = new StringBuilder("SELECT 0");
      for (String table : tables) {
        script.append("DELETE FROM `").append(table).append("` WHERE TRUE;\n");
        left.append(" + (SELECT COUNT(*) FROM `").append(table).append("`)");
      }
      query(name, script.toString());
      long rows = count(name, left.toString());
      if (rows != 0) {
        throw new AssertionError(name + ": the shared deployment still holds " + rows + " rows after emptying");
      }
    }
  }

  private static JsonNode readFixture(Path file, String name) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new AssertionError(name + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new AssertionError(name + ": expected a mapping with 'description' and 'steps'");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("description") && !key.equals("steps")) {
        throw new AssertionError(
            name + ": unknown key '" + key + "' (allowed: description, steps)");
      }
    }
    if (!root.hasNonNull("description") || root.get("description").asText().isBlank()) {
      throw new AssertionError(name + ": 'description' is required: say what the fixture proves");
    }
    JsonNode steps = root.get("steps");
    if (steps == null || !steps.isArray() || steps.isEmpty()) {
      throw new AssertionError(name + ": 'steps' must be a non-empty list");
    }
    return root;
  }

  /** The state of one fixture run. */
  private final class Run {
    private final String name;
    private final LandfallConfig config;
    private final Map<String, String> variables;

    /** Lake rows inserted per (source_file, load_id): [rows, parse errors], for landed_files. */
    private final Map<List<String>, long[]> landedCounts = new HashMap<>();

    /** The source of each source_file inserted into lake.raw_records, for landed_files. */
    private final Map<String, String> sourceByFile = new HashMap<>();

    Run(String name, LandfallConfig config) {
      this.name = name;
      this.config = config;
      this.variables = config.sqlVariables();
    }

    void steps(JsonNode steps) {
      int number = 0;
      for (JsonNode step : steps) {
        number++;
        if (!step.isObject() || step.size() != 1) {
          throw new AssertionError(
              name + " step " + number + ": a step is a mapping with one key of " + STEP_KINDS);
        }
        String kind = step.fieldNames().next();
        JsonNode body = step.get(kind);
        String where = name + " step " + number + " (" + kind + ")";
        switch (kind) {
          case "insert" -> insert(where, body);
          case "sql" -> sql(where, body);
          case "expect" -> expect(where, body);
          case "expect_error" -> expectError(where, body);
          case "concurrently" -> concurrently(where, body);
          default ->
              throw new AssertionError(
                  where + ": unknown step kind '" + kind + "' (allowed: " + STEP_KINDS + ")");
        }
      }
    }

    /**
     * After every fixture: transactions.customer_monthly_totals equals transactions summed by
     * customer and month (the view customer_monthly_totals_differences is empty), whatever the
     * steps did (unpack, re-keying, erasure, a rebuild that recounted). A fixture that writes
     * transactions directly must recount, as an operator would.
     */
    void assertMonthlyTotalsFollowTransactions() {
      String sql =
          substitute(
              name + " (monthly totals check)",
              "SELECT * FROM `${transactions_dataset}.customer_monthly_totals_differences`"
                  + " ORDER BY side, customer_id, month_start");
      List<String> differences = new ArrayList<>();
      try {
        for (FieldValueList row : query(sql).iterateAll()) {
          List<String> cells = new ArrayList<>();
          row.forEach(cell -> cells.add(cell.isNull() ? "NULL" : cell.getStringValue()));
          differences.add(String.join(", ", cells));
        }
      } catch (BigQueryException | JobException e) {
        throw new AssertionError(name + ": the monthly totals check failed: " + e.getMessage(), e);
      }
      if (!differences.isEmpty()) {
        throw new AssertionError(
            name
                + ": transactions.customer_monthly_totals differs from transactions summed by"
                + " customer and month (side, customer_id, month_start, total_amount, count, first,"
                + " last):\n  "
                + String.join("\n  ", differences));
      }
    }

    private void sql(String where, JsonNode body) {
      if (!body.isTextual()) {
        throw new AssertionError(where + ": 'sql' must be a string of SQL");
      }
      String sql = substitute(where, body.asText());
      try {
        query(sql);
      } catch (BigQueryException | JobException e) {
        throw new AssertionError(where + ": failed: " + e.getMessage() + "\n  sql: " + sql, e);
      }
    }

    /**
     * {@code concurrently: {sql: [A, B, ...], may_fail_with: TEXT}}: starts every statement at the
     * same moment, each in its own thread and job. Each must succeed or fail with TEXT in its
     * message, and at least one must succeed. (The local engine runs one job at a time, so this
     * shows the outcome of two overlapping calls as far as it can: queued one after the other.)
     */
    private void concurrently(String where, JsonNode body) {
      checkKeys(where, body, Set.of("sql", "may_fail_with"));
      JsonNode statements = body.get("sql");
      if (statements == null || !statements.isArray() || statements.size() < 2) {
        throw new AssertionError(where + ": 'sql' must be a list of at least two statements");
      }
      String mayFailWith = requiredText(where, body, "may_fail_with");
      List<String> sqls = new ArrayList<>();
      statements.forEach(statement -> sqls.add(substitute(where, statement.asText())));
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService threads =
          Executors.newFixedThreadPool(sqls.size());
      List<Future<String>> outcomes = new ArrayList<>();
      try {
        for (String sql : sqls) {
          outcomes.add(
              threads.submit(
                  () -> {
                    start.await();
                    try {
                      query(sql);
                      return null;
                    } catch (BigQueryException | JobException e) {
                      return String.valueOf(e.getMessage());
                    }
                  }));
        }
        start.countDown();
        int succeeded = 0;
        for (int i = 0; i < outcomes.size(); i++) {
          String error;
          try {
            error = outcomes.get(i).get(10, TimeUnit.MINUTES);
          } catch (Exception e) {
            throw new AssertionError(where + ": statement " + (i + 1) + " did not finish", e);
          }
          if (error == null) {
            succeeded++;
          } else if (!error.contains(mayFailWith)) {
            throw new AssertionError(
                where
                    + ": statement "
                    + (i + 1)
                    + " failed without '"
                    + mayFailWith
                    + "':\n  "
                    + error
                    + "\n  sql: "
                    + sqls.get(i));
          }
        }
        if (succeeded == 0) {
          throw new AssertionError(where + ": every statement failed; at least one must succeed");
        }
      } finally {
        threads.shutdownNow();
      }
    }

    private void expectError(String where, JsonNode body) {
      checkKeys(where, body, Set.of("sql", "contains"));
      String sql = substitute(where, requiredText(where, body, "sql"));
      String contains = requiredText(where, body, "contains");
      try {
        query(sql);
      } catch (BigQueryException | JobException e) {
        String message = String.valueOf(e.getMessage());
        if (!message.contains(contains)) {
          throw new AssertionError(
              where
                  + ": failed as expected, but the message does not contain '"
                  + contains
                  + "':\n  "
                  + message
                  + "\n  sql: "
                  + sql,
              e);
        }
        return;
      }
      throw new AssertionError(
          where
              + ": expected an error containing '"
              + contains
              + "', but it succeeded\n  sql: "
              + sql);
    }

    private void expect(String where, JsonNode body) {
      checkKeys(where, body, Set.of("query", "rows", "count"));
      String sql = substitute(where, requiredText(where, body, "query"));
      JsonNode rowsNode = body.get("rows");
      JsonNode countNode = body.get("count");
      if (rowsNode == null && countNode == null) {
        throw new AssertionError(where + ": give 'rows' (a list of lists) or 'count'");
      }
      TableResult result;
      try {
        result = query(sql);
      } catch (BigQueryException | JobException e) {
        throw new AssertionError(
            where + ": query failed: " + e.getMessage() + "\n  query: " + sql, e);
      }
      List<String> columns = CanonicalValues.columns(result);
      List<List<String>> actual = CanonicalValues.rows(result);
      if (countNode != null) {
        if (!countNode.canConvertToLong()) {
          throw new AssertionError(where + ": 'count' must be a whole number");
        }
        long want = countNode.asLong();
        if (actual.size() != want) {
          throw new AssertionError(
              where
                  + ": expected "
                  + want
                  + " rows, got "
                  + actual.size()
                  + "\n  query: "
                  + sql
                  + "\n"
                  + RowTable.render(columns, null, actual));
        }
      }
      if (rowsNode != null) {
        List<List<String>> expected = expectedRows(where, rowsNode, result);
        if (!expected.equals(actual)) {
          throw new AssertionError(
              where
                  + ": rows differ ("
                  + expected.size()
                  + " expected, "
                  + actual.size()
                  + " actual)\n  query: "
                  + sql
                  + "\n"
                  + RowTable.render(columns, expected, actual));
        }
      }
    }

    /** Expected rows, each cell canonicalised as the type of its result column. */
    private List<List<String>> expectedRows(String where, JsonNode rowsNode, TableResult result) {
      if (!rowsNode.isArray()) {
        throw new AssertionError(where + ": 'rows' must be a list of lists");
      }
      List<Field> fields = result.getSchema() == null ? List.of() : result.getSchema().getFields();
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode row : rowsNode) {
        if (!row.isArray()) {
          throw new AssertionError(where + ": each expected row must be a list, got: " + row);
        }
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
          Field field = i < fields.size() ? fields.get(i) : null;
          cells.add(expectedCell(row.get(i), field));
        }
        rows.add(cells);
      }
      return rows;
    }

    private String expectedCell(JsonNode cell, Field field) {
      if (cell == null || cell.isNull()) {
        return null;
      }
      if (cell.isArray()) {
        Field element =
            field == null ? null : field.toBuilder().setMode(Field.Mode.NULLABLE).build();
        List<String> items = new ArrayList<>();
        cell.forEach(item -> items.add(String.valueOf(expectedCell(item, element))));
        return "[" + String.join(", ", items) + "]";
      }
      String text = cell.isBigDecimal() ? cell.decimalValue().toPlainString() : cell.asText();
      if (!cell.isValueNode()) {
        text = cell.toString();
      }
      StandardSQLTypeName type = field == null ? null : field.getType().getStandardType();
      return CanonicalValues.canonical(type, text);
    }

    private void insert(String where, JsonNode body) {
      checkKeys(where, body, Set.of("table", "defaults", "rows"));
      String logical = requiredText(where, body, "table");
      String[] parts = logical.split("\\.");
      if (parts.length != 2 || !LandfallConfig.DATASET_KEYS.contains(parts[0])) {
        throw new AssertionError(
            where
                + ": table must be <dataset>.<table> with dataset one of "
                + LandfallConfig.DATASET_KEYS
                + ", got '"
                + logical
                + "'");
      }
      String dataset = config.dataset(parts[0]);
      Table table = bigQuery.getTable(TableId.of(projectId, dataset, parts[1]));
      if (table == null) {
        throw new AssertionError(where + ": table " + logical + " does not exist after deploy");
      }
      Schema schema = table.getDefinition().getSchema();
      JsonNode defaults = body.get("defaults");
      if (defaults != null && !defaults.isObject()) {
        throw new AssertionError(where + ": 'defaults' must be a mapping");
      }
      JsonNode rowsNode = body.get("rows");
      if (rowsNode == null || !rowsNode.isArray()) {
        throw new AssertionError(where + ": 'rows' must be a list of mappings");
      }
      List<Map<String, JsonNode>> rows = new ArrayList<>();
      int index = 0;
      for (JsonNode rowNode : rowsNode) {
        if (!rowNode.isObject()) {
          throw new AssertionError(where + ": row " + (index + 1) + " must be a mapping");
        }
        Map<String, JsonNode> row = new LinkedHashMap<>();
        rowNode.fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue()));
        if (defaults != null) {
          defaults.fields().forEachRemaining(e -> row.putIfAbsent(e.getKey(), e.getValue()));
        }
        if (logical.equals("lake.raw_records")) {
          fillRawRecord(where, row, index);
        } else if (logical.equals("lake.landed_files")) {
          fillLandedFile(where, row);
        }
        rows.add(row);
        index++;
      }
      if (rows.isEmpty()) {
        return;
      }
      InsertStatement statement = InsertStatement.build(where, dataset, parts[1], schema, rows);
      try {
        query(statement.sql(), statement.parameters());
      } catch (BigQueryException | JobException e) {
        throw new AssertionError(
            where + ": insert into " + logical + " failed: " + e.getMessage(), e);
      }
    }

    /**
     * Fills what a landing run would: record_hash (SHA-256 of source + data_string), source_offset
     * (row index x 100), source_file (fixture/source.csv), load_id, ingestion_timestamp and
     * parse_error (NULL). A mapping given as data_string is written as its JSON.
     */
    private void fillRawRecord(String where, Map<String, JsonNode> row, int index) {
      JsonNode source = row.get("source");
      if (source == null || source.isNull()) {
        throw new AssertionError(
            where + ": row " + (index + 1) + " of lake.raw_records needs a" + " source");
      }
      JsonNode data = row.get("data_string");
      if (data == null || data.isNull()) {
        throw new AssertionError(
            where + ": row " + (index + 1) + " of lake.raw_records needs a" + " data_string");
      }
      if (data.isObject()) {
        data = JSON.getNodeFactory().textNode(data.toString());
        row.put("data_string", data);
      }
      var nodes = JSON.getNodeFactory();
      row.putIfAbsent("record_hash", nodes.textNode(Sha256.hex(source.asText() + data.asText())));
      row.putIfAbsent("source_offset", nodes.numberNode(index * 100L));
      row.putIfAbsent("source_file", nodes.textNode("fixture/" + source.asText() + ".csv"));
      row.putIfAbsent("load_id", nodes.textNode(DEFAULT_LOAD_ID));
      row.putIfAbsent("ingestion_timestamp", nodes.textNode(DEFAULT_INGESTION_TIMESTAMP));
      row.putIfAbsent("parse_error", nodes.nullNode());
      sourceByFile.putIfAbsent(row.get("source_file").asText(), source.asText());
      long[] counts =
          landedCounts.computeIfAbsent(
              List.of(row.get("source_file").asText(), row.get("load_id").asText()),
              k -> new long[2]);
      counts[0]++;
      if (!row.get("parse_error").isNull()) {
        counts[1]++;
      }
    }

    /**
     * Fills a ledger row: source_file (fixture/source.csv), source (that of the lake rows of the
     * same source_file), load_id, landed_at (the default ingestion timestamp), records_landed and
     * parse_errors (counted from the lake rows this fixture inserted for that file and load),
     * file_size_bytes 0, content_sha256 (SHA-256 of the source_file), header and blank_lines
     * NULL/0.
     */
    private void fillLandedFile(String where, Map<String, JsonNode> row) {
      var nodes = JSON.getNodeFactory();
      JsonNode source = row.get("source");
      if ((source == null || source.isNull()) && !row.containsKey("source_file")) {
        throw new AssertionError(where + ": a lake.landed_files row needs source or source_file");
      }
      if (!row.containsKey("source_file")) {
        row.put("source_file", nodes.textNode("fixture/" + source.asText() + ".csv"));
      }
      if (source == null || source.isNull()) {
        String file = row.get("source_file").asText();
        String known = sourceByFile.get(file);
        if (known == null) {
          throw new AssertionError(
              where
                  + ": give the source of "
                  + file
                  + " (no lake.raw_records row of this fixture names that file)");
        }
        row.put("source", nodes.textNode(known));
      }
      row.putIfAbsent("load_id", nodes.textNode(DEFAULT_LOAD_ID));
      row.putIfAbsent("landed_at", nodes.textNode(DEFAULT_INGESTION_TIMESTAMP));
      long[] counts =
          landedCounts.getOrDefault(
              List.of(row.get("source_file").asText(), row.get("load_id").asText()), new long[2]);
      row.putIfAbsent("records_landed", nodes.numberNode(counts[0]));
      row.putIfAbsent("parse_errors", nodes.numberNode(counts[1]));
      row.putIfAbsent("file_size_bytes", nodes.numberNode(0L));
      row.putIfAbsent("content_sha256", nodes.textNode(Sha256.hex(row.get("source_file").asText())));
      row.putIfAbsent("header", nodes.nullNode());
      row.putIfAbsent("blank_lines", nodes.numberNode(0L));
    }

    private String substitute(String where, String text) {
      Matcher m = PLACEHOLDER.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = variables.get(m.group(1).strip());
        if (value == null) {
          throw new AssertionError(
              where
                  + ": unknown placeholder ${"
                  + m.group(1)
                  + "} (known: "
                  + String.join(", ", variables.keySet())
                  + ")");
        }
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      return out.toString();
    }

    private TableResult query(String sql) throws JobException {
      return query(sql, Map.of());
    }

    private TableResult query(String sql, Map<String, QueryParameterValue> parameters)
        throws JobException {
      QueryJobConfiguration.Builder job =
          QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false);
      parameters.forEach(job::addNamedParameter);
      try {
        return bigQuery.query(job.build());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(name + ": interrupted", e);
      }
    }
  }

  private static void checkKeys(String where, JsonNode body, Set<String> allowed) {
    if (body == null || !body.isObject()) {
      throw new AssertionError(where + ": expected a mapping with keys " + allowed);
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new AssertionError(where + ": unknown key '" + key + "' (allowed: " + allowed + ")");
      }
    }
  }

  private static String requiredText(String where, JsonNode body, String key) {
    JsonNode value = body.get(key);
    if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
      throw new AssertionError(where + ": '" + key + "' is required");
    }
    return value.asText();
  }
}
