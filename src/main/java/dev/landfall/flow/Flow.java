package dev.landfall.flow;

import com.google.cloud.bigquery.QueryParameterValue;
import dev.landfall.config.LandfallConfig;
import dev.landfall.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps after landing, each skipped with a message when the objects it needs are not deployed:
 * a partial deployment shows what exists and says what is missing, never fakes it.
 *
 * <p>Each export query runs once ({@link #queryExports}); its result is written as CSV and is the
 * only input of the {@link RunReport}, so the report never disagrees with the files.
 */
final class Flow {
  private static final Logger LOG = LoggerFactory.getLogger(Flow.class);

  static final String MONTHLY_SPEND_CSV = "monthly_spend.csv";
  static final String LIFETIME_VALUE_CSV = "customer_lifetime_value.csv";
  static final String TOP_CUSTOMERS_CSV = "top_customers.csv";
  static final String SNAPSHOTS_CSV = "top_customers_snapshots.csv";
  static final String CUSTOMERS_HISTORY_CSV = "customers_history.csv";
  static final String TRANSACTIONS_CSV = "transactions.csv";
  static final String REJECTS_CSV = "rejects.csv";
  static final String LAKE_RECORDS_CSV = "lake_records.csv";
  static final String RECONCILIATION_CSV = "load_reconciliation.csv";
  static final String LANDED_FILES_CSV = "landed_files.csv";

  /** Services whose routines ship with landfall (rejects, reconciliation view, unpack). */
  private static final List<String> SHIPPED_SERVICES = List.of("customers", "transactions");

  private final Queries queries;
  private final LandfallConfig config;
  private final List<String> missing = new ArrayList<>();
  private final Map<String, Double> stepSeconds = new LinkedHashMap<>();

  Flow(Queries queries, LandfallConfig config) {
    this.queries = queries;
    this.config = config;
  }

  /** Calls {@code <service>.unpack()} for every configured source that has the procedure. */
  void unpack() {
    for (String source : config.sources().keySet()) {
      String dataset = config.datasets().get(source);
      if (dataset == null || !queries.routineExists(dataset, "unpack")) {
        note(source + ".unpack() is not deployed: " + source + " stays in the lake");
        continue;
      }
      long started = System.nanoTime();
      queries.execute("CALL `" + dataset + "`.unpack()");
      double seconds = timed("unpack " + source, started);
      LOG.info("CALL {}.unpack() took {} s", dataset, seconds);
    }
  }

  /** Snapshots the top customers as of {@code asOf} (or the latest transaction date). */
  String snapshot(String asOf) {
    long started = System.nanoTime();
    String analytics = config.analyticsDataset();
    if (!queries.routineExists(analytics, "snapshot_top_customers")) {
      note("analytics.snapshot_top_customers is not deployed: no snapshot");
      return null;
    }
    String date = asOf;
    if ("latest".equals(asOf)) {
      List<List<String>> rows =
          queries
              .query(
                  "SELECT MAX(transaction_date) FROM `"
                      + config.transactionsDataset()
                      + "`.transactions")
              .rows();
      date = rows.isEmpty() ? null : rows.get(0).get(0);
      if (date == null) {
        note("no transactions yet: no snapshot");
        return null;
      }
    }
    String snapshotted = callSnapshot(date);
    timed("snapshot", started);
    return snapshotted;
  }

  /**
   * When no snapshot precedes {@code date}, also snapshots the week before it, as the weekly
   * schedule would have, so a first run can already show who entered and who left the list.
   */
  void snapshotPreviousWeekIfNone(String date) {
    String analytics = config.analyticsDataset();
    if (date == null || !queries.tableExists(analytics, "top_customers_snapshots")) {
      return;
    }
    long started = System.nanoTime();
    LocalDate validated = LocalDate.parse(date);
    String sql =
        "SELECT COUNT(*) AS n FROM `"
            + analytics
            + "`.top_customers_snapshots WHERE snapshot_date < DATE '"
            + validated
            + "'";
    long earlier = Long.parseLong(queries.query(sql).rows().get(0).get(0));
    if (earlier == 0) {
      callSnapshot(validated.minusWeeks(1).toString());
      timed("snapshot previous week", started);
    }
  }

  private String callSnapshot(String date) {
    // Parsing first makes the literal safe to splice: only a valid date reaches the SQL.
    LocalDate validated = LocalDate.parse(date);
    queries.execute(
        "CALL `"
            + config.analyticsDataset()
            + "`.snapshot_top_customers(DATE '"
            + validated
            + "')");
    LOG.info("Snapshot of the top customers as of {}", validated);
    return validated.toString();
  }

  /**
   * Runs every export query of CONTRACT §5 whose objects are deployed, once each.
   *
   * @return export file name → result, in file order
   */
  Map<String, Queries.Table> queryExports(String loadId) {
    long started = System.nanoTime();
    Map<String, QueryParameterValue> parameters = new LinkedHashMap<>();
    boolean bounded = false;
    if (loadId != null) {
      parameters.put("load_id", QueryParameterValue.string(loadId));
      String[] window = loadWindow(loadId);
      if (window != null) {
        parameters.put("first_landed_at", QueryParameterValue.string(window[0]));
        parameters.put("last_landed_at", QueryParameterValue.string(window[1]));
        bounded = true;
      }
    }
    Map<String, Queries.Table> tables = new LinkedHashMap<>();
    for (Map.Entry<String, Export> entry : exports(loadId, bounded).entrySet()) {
      Export export = entry.getValue();
      String[] object = export.object().split("\\.");
      if (export.sql() == null || !queries.tableExists(object[0], object[1])) {
        note(entry.getKey() + " skipped: " + export.object() + " is not deployed");
        continue;
      }
      String sql = export.sql();
      Map<String, QueryParameterValue> used = new LinkedHashMap<>();
      parameters.forEach(
          (name, value) -> {
            if (sql.contains("@" + name)) {
              used.put(name, value);
            }
          });
      tables.put(entry.getKey(), queries.query(sql, used));
    }
    timed("export queries", started);
    return tables;
  }

  /**
   * One export: the object it needs (dataset.name, checked before running) and its query (null when
   * no service has the object).
   */
  private record Export(String object, String sql) {}

  /** Writes each export result as {@code <out>/<file name>}. */
  static void writeExports(Path out, Map<String, Queries.Table> tables) throws IOException {
    Files.createDirectories(out);
    for (Map.Entry<String, Queries.Table> table : tables.entrySet()) {
      CsvWriter.write(out.resolve(table.getKey()), table.getValue());
    }
  }

  /**
   * The first and last {@code landed_at} of a load in the ledger, as {@code TIMESTAMP()} text, or
   * null when the ledger has no row of it. A load's lake rows carry its start as their {@code
   * ingestion_timestamp} (= {@code landed_at}), so these bound the lake and ledger reads of its
   * exports by their partitioning column: BigQuery then reads only the load's day instead of the
   * whole lake.
   */
  private String[] loadWindow(String loadId) {
    String l = config.lakeDataset();
    if (!queries.tableExists(l, "landed_files")) {
      return null;
    }
    Queries.Table window =
        queries.query(
            "SELECT MIN(landed_at) AS first_landed_at, MAX(landed_at) AS last_landed_at FROM `"
                + l
                + "`.landed_files WHERE load_id = @load_id",
            Map.of("load_id", QueryParameterValue.string(loadId)));
    List<String> row = window.rows().isEmpty() ? null : window.rows().get(0);
    if (row == null || row.get(0) == null || row.get(1) == null) {
      return null;
    }
    return new String[] {timestampText(row.get(0)), timestampText(row.get(1))};
  }

  /** ISO-8601 UTC text (as {@link Queries} formats a TIMESTAMP) → {@code TIMESTAMP()} input. */
  static String timestampText(String iso) {
    return TIMESTAMP_TEXT.format(Instant.parse(iso)) + "+00";
  }

  private static final DateTimeFormatter TIMESTAMP_TEXT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  /** {@code column} (a partitioning TIMESTAMP) within the load's window from {@link #loadWindow}. */
  private static String withinLoadWindow(String column) {
    return " AND "
        + column
        + " >= TIMESTAMP(@first_landed_at) AND "
        + column
        + " <= TIMESTAMP(@last_landed_at)";
  }

  /** File name → its export, in file order. */
  private Map<String, Export> exports(String loadId, boolean bounded) {
    String c = config.customersDataset();
    String t = config.transactionsDataset();
    String a = config.analyticsDataset();
    String l = config.lakeDataset();
    String byLoad = loadId == null ? "" : " WHERE load_id = @load_id";
    // The partitioning column, bounded by the load's start: prunes the lake and the ledger.
    String lakeByLoad = byLoad + (bounded ? withinLoadWindow("ingestion_timestamp") : "");
    String ledgerByLoad = byLoad + (bounded ? withinLoadWindow("landed_at") : "");
    Map<String, Export> exports = new LinkedHashMap<>();
    exports.put(
        MONTHLY_SPEND_CSV,
        new Export(
            a + ".monthly_spend",
            "SELECT * FROM `" + a + "`.monthly_spend ORDER BY customer_id, year, month"));
    exports.put(
        LIFETIME_VALUE_CSV,
        new Export(
            a + ".customer_lifetime_value",
            "SELECT * FROM `" + a + "`.customer_lifetime_value ORDER BY value_rank, customer_id"));
    exports.put(
        TOP_CUSTOMERS_CSV,
        new Export(
            a + ".top_customers",
            "SELECT * FROM `" + a + "`.top_customers ORDER BY value_rank, customer_id"));
    exports.put(
        SNAPSHOTS_CSV,
        new Export(
            a + ".top_customers_snapshots",
            "SELECT * FROM `"
                + a
                + "`.top_customers_snapshots ORDER BY snapshot_date, value_rank, customer_id"));
    exports.put(
        CUSTOMERS_HISTORY_CSV,
        new Export(
            c + ".customers_history",
            "SELECT * FROM `" + c + "`.customers_history ORDER BY customer_id, valid_from"));
    exports.put(
        TRANSACTIONS_CSV,
        new Export(
            t + ".transactions",
            "SELECT * FROM `" + t + "`.transactions ORDER BY transaction_date, transaction_id"));
    exports.put(
        REJECTS_CSV,
        perService(
            "rejects",
            "SELECT '%1$s' AS source, source_file, source_offset, reason_code, reason, data_string,"
                + " record_hash, ingestion_timestamp, load_id, rejected_at FROM `%2$s`.rejects",
            " ORDER BY source, source_file, source_offset"));
    exports.put(
        LAKE_RECORDS_CSV,
        new Export(
            l + ".raw_records",
            "SELECT source, source_file, source_offset, data_string, parse_error FROM `"
                + l
                + "`.raw_records"
                + lakeByLoad
                + " ORDER BY source, source_file, source_offset"));
    exports.put(
        RECONCILIATION_CSV,
        perService(
            "load_reconciliation",
            "SELECT '%1$s' AS source, load_id, ingestion_timestamp, files, lake_rows, typed_rows,"
                + " rejected_rows, duplicate_rows, erased_rows, rows_awaiting_unpack, rows_without_ledger,"
                + " rows_not_in_lake, status FROM "
                // With a load: only its days of the lake (the view reads every day).
                + (bounded
                    ? "`%2$s`.load_reconciliation_between(DATE(TIMESTAMP(@first_landed_at)),"
                        + " DATE(TIMESTAMP(@last_landed_at)))"
                    : "`%2$s`.load_reconciliation"),
            " ORDER BY source, ingestion_timestamp, load_id"));
    exports.put(
        LANDED_FILES_CSV,
        new Export(
            l + ".landed_files",
            "SELECT source, source_file, file_size_bytes, content_sha256, load_id, landed_at,"
                + " records_landed, parse_errors, blank_lines FROM `"
                + l
                + "`.landed_files"
                + ledgerByLoad
                + " ORDER BY source, source_file"));
    return exports;
  }

  /**
   * One query over {@code <service>.<object>} of every shipped service that has it deployed, as a
   * UNION ALL of {@code select} (%1$s: service, %2$s: its dataset) with {@code orderBy}.
   */
  private Export perService(String object, String select, String orderBy) {
    Map<String, String> services = servicesWith(object);
    List<String> parts = new ArrayList<>();
    services.forEach((service, dataset) -> parts.add(String.format(select, service, dataset)));
    String needed =
        services.isEmpty()
            ? "<service>." + object
            : services.values().iterator().next() + "." + object;
    return new Export(needed, parts.isEmpty() ? null : String.join(" UNION ALL ", parts) + orderBy);
  }

  /** Shipped service → its dataset, for the services that have {@code object} deployed. */
  private Map<String, String> servicesWith(String object) {
    Map<String, String> services = new LinkedHashMap<>();
    for (String service : SHIPPED_SERVICES) {
      String dataset = config.datasets().get(service);
      if (dataset != null && queries.tableExists(dataset, object)) {
        services.put(service, dataset);
      }
    }
    return services;
  }

  /** The report of this run, built from {@code tables} (the export results) only. */
  RunReport report(
      Map<String, Queries.Table> tables,
      String loadId,
      String snapshotDate,
      String customerId,
      Map<String, Double> earlierSteps,
      List<String> unmatchedFiles) {
    Map<String, Double> steps = new LinkedHashMap<>(earlierSteps);
    steps.putAll(stepSeconds);
    return ReportBuilder.build(
        tables,
        loadId,
        snapshotDate,
        config.baseCurrency(),
        List.copyOf(config.sources().keySet()),
        tables.containsKey(RECONCILIATION_CSV)
            ? servicesWith("load_reconciliation").keySet()
            : Set.of(),
        customerId,
        steps,
        unmatchedFiles,
        erasureLog(tables),
        missing);
  }

  /**
   * The erasure log rows of the requests this run's lake rows name (markers carry the request id,
   * pseudonymised lines the keyed hash): when they were made. Read by request id and hash only,
   * never the key; empty when the run marked nothing. The log is readable only by the erasure
   * operators and the landing's service account on Google Cloud: for anyone else the report
   * shows the requests without their time, and says why.
   */
  private List<ReportBuilder.ErasureLogRow> erasureLog(Map<String, Queries.Table> tables) {
    Queries.Table lake = tables.get(LAKE_RECORDS_CSV);
    if (lake == null) {
      return List.of();
    }
    Set<String> requests = new java.util.TreeSet<>();
    Set<String> hashes = new java.util.TreeSet<>();
    int column = lake.columns().indexOf("data_string");
    for (List<String> row : lake.rows()) {
      String data = row.get(column);
      String request = data == null ? null : ReportBuilder.erasedBy(data);
      if (request != null) {
        requests.add(request);
      } else if (data != null && data.contains(PSEUDONYM_KEY)) {
        int at = data.indexOf(PSEUDONYM_KEY) + PSEUDONYM_KEY.length();
        hashes.add(data.substring(at, Math.min(data.length(), at + 64)));
      }
    }
    if (requests.isEmpty() && hashes.isEmpty()) {
      return List.of();
    }
    String privacy = config.privacyDataset();
    try {
      if (!queries.tableExists(privacy, "erasure_log")) {
        note(privacy + ".erasure_log is not deployed: erasures shown without their time");
        return List.of();
      }
      Queries.Table log =
          queries.query(
              "SELECT request_id, requested_at, customer_key_hash FROM `"
                  + privacy
                  + "`.erasure_log WHERE request_id IN UNNEST(@requests)"
                  + " OR customer_key_hash IN UNNEST(@hashes)",
              Map.of(
                  "requests", strings(requests),
                  "hashes", strings(hashes)));
      return log.rows().stream()
          .map(r -> new ReportBuilder.ErasureLogRow(r.get(0), r.get(1), r.get(2)))
          .toList();
    } catch (RuntimeException e) {
      note("the erasure log " + privacy + ".erasure_log is not readable here (" + e.getMessage()
          + "): erasures shown without their time");
      return List.of();
    }
  }

  private static final String PSEUDONYM_KEY = "\"customer_id\":\"erased:";

  private static QueryParameterValue strings(Set<String> values) {
    return QueryParameterValue.array(values.toArray(String[]::new), String.class);
  }

  private double timed(String step, long startedNanos) {
    double seconds = Math.round((System.nanoTime() - startedNanos) / 1e8) / 10.0;
    stepSeconds.merge(step, seconds, Double::sum);
    return seconds;
  }

  private void note(String message) {
    missing.add(message);
    LOG.warn(message);
  }
}
