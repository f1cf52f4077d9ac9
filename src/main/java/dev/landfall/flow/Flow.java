package dev.landfall.flow;

import com.google.cloud.bigquery.QueryParameterValue;
import dev.landfall.config.LandfallConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps after landing, each skipped with a message when the objects it needs are not
 * deployed: a partial deployment shows what exists and says what is missing, never fakes it.
 */
final class Flow {
  private static final Logger LOG = LoggerFactory.getLogger(Flow.class);

  /** Services whose routines ship with landfall: their typed table and unpack procedure. */
  private static final Map<String, String> TYPED_TABLES =
      Map.of("customers", "customers_history", "transactions", "transactions");

  private final Queries queries;
  private final LandfallConfig config;
  private final List<String> missing = new ArrayList<>();

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
      LOG.info("CALL {}.unpack() took {} ms", dataset, (System.nanoTime() - started) / 1_000_000);
    }
  }

  /** Snapshots the top customers as of {@code asOf} (or the latest transaction date). */
  String snapshot(String asOf) {
    String analytics = config.analyticsDataset();
    if (!queries.routineExists(analytics, "snapshot_top_customers")) {
      note("analytics.snapshot_top_customers is not deployed: no snapshot");
      return null;
    }
    String date = asOf;
    if ("latest".equals(asOf)) {
      List<List<String>> rows =
          queries
              .query("SELECT MAX(transaction_date) FROM `" + config.transactionsDataset() + "`.transactions")
              .rows();
      date = rows.isEmpty() ? null : rows.get(0).get(0);
      if (date == null) {
        note("no transactions yet: no snapshot");
        return null;
      }
    }
    // Parsing first makes the literal safe to splice: only a valid date reaches the SQL.
    LocalDate validated = LocalDate.parse(date);
    queries.execute("CALL `" + analytics + "`.snapshot_top_customers(DATE '" + validated + "')");
    LOG.info("Snapshot of the top customers as of {}", validated);
    return validated.toString();
  }

  /** Writes every export of CONTRACT §5 that can be produced. */
  void export(Path out, String loadId) throws IOException {
    Files.createDirectories(out);
    for (Map.Entry<String, String[]> export : exports(loadId).entrySet()) {
      String[] objectAndSql = export.getValue();
      String[] object = objectAndSql[0].split("\\.");
      if (!queries.tableExists(object[0], object[1])) {
        note(export.getKey() + " skipped: " + objectAndSql[0] + " is not deployed");
        continue;
      }
      Map<String, QueryParameterValue> parameters =
          loadId == null ? Map.of() : Map.of("load_id", QueryParameterValue.string(loadId));
      CsvWriter.write(out.resolve(export.getKey()), queries.query(objectAndSql[1], parameters));
    }
  }

  /** File name → {the object it needs, its query}. */
  private Map<String, String[]> exports(String loadId) {
    String c = config.customersDataset();
    String t = config.transactionsDataset();
    String a = config.analyticsDataset();
    String l = config.lakeDataset();
    Map<String, String[]> exports = new LinkedHashMap<>();
    exports.put("monthly_spend.csv", new String[] {a + ".monthly_spend",
        "SELECT * FROM `" + a + "`.monthly_spend ORDER BY customer_id, year, month"});
    exports.put("customer_lifetime_value.csv", new String[] {a + ".customer_lifetime_value",
        "SELECT * FROM `" + a + "`.customer_lifetime_value ORDER BY value_rank, customer_id"});
    exports.put("top_customers.csv", new String[] {a + ".top_customers",
        "SELECT * FROM `" + a + "`.top_customers ORDER BY value_rank, customer_id"});
    exports.put("top_customers_snapshots.csv", new String[] {a + ".top_customers_snapshots",
        "SELECT * FROM `" + a + "`.top_customers_snapshots ORDER BY snapshot_date, value_rank, customer_id"});
    exports.put("customers_history.csv", new String[] {c + ".customers_history",
        "SELECT * FROM `" + c + "`.customers_history ORDER BY customer_id, valid_from"});
    exports.put("transactions.csv", new String[] {t + ".transactions",
        "SELECT * FROM `" + t + "`.transactions ORDER BY transaction_date, transaction_id"});
    exports.put("rejects.csv", new String[] {t + ".rejects", rejectsQuery()});
    exports.put("lake_records.csv", new String[] {l + ".raw_records",
        "SELECT source, source_file, source_offset, data_string, parse_error FROM `" + l + "`.raw_records"
            + (loadId == null ? "" : " WHERE load_id = @load_id")
            + " ORDER BY source, source_file, source_offset"});
    return exports;
  }

  private String rejectsQuery() {
    List<String> parts = new ArrayList<>();
    for (String service : TYPED_TABLES.keySet().stream().sorted().toList()) {
      String dataset = config.datasets().get(service);
      if (dataset != null && queries.tableExists(dataset, "rejects")) {
        parts.add(
            "SELECT '" + service + "' AS source, source_file, source_offset, reason_code, reason,"
                + " data_string, record_hash, ingestion_timestamp, rejected_at FROM `" + dataset + "`.rejects");
      }
    }
    return String.join(" UNION ALL ", parts) + " ORDER BY source, source_file, source_offset";
  }

  RunReport report(String loadId, String snapshotDate) {
    return RunReport.collect(queries, config, TYPED_TABLES, loadId, snapshotDate, missing);
  }

  private void note(String message) {
    missing.add(message);
    LOG.warn(message);
  }
}
