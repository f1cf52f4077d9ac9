package dev.landfall.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.cloud.bigquery.QueryParameterValue;
import dev.landfall.config.LandfallConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run did, read back from the tables: per source lake rows → typed / rejected /
 * duplicates, rejects by reason, the top customers and one customer's monthly spend. Printed
 * for people and written as {@code summary.json} for machines, from the same numbers.
 */
final class RunReport {
  /** Per source: lake_rows, typed, rejected, duplicates (absent when the service has no routines). */
  final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
  final Map<String, Map<String, Long>> rejectsByReason = new LinkedHashMap<>();
  Queries.Table topCustomers;
  Queries.Table monthlySpend;
  String loadId;
  String snapshotDate;
  List<String> missing;

  static RunReport collect(
      Queries queries,
      LandfallConfig config,
      Map<String, String> typedTables,
      String loadId,
      String snapshotDate,
      List<String> missing) {
    RunReport report = new RunReport();
    report.loadId = loadId;
    report.snapshotDate = snapshotDate;
    report.missing = missing;
    Map<String, QueryParameterValue> byLoad =
        loadId == null ? Map.of() : Map.of("load_id", QueryParameterValue.string(loadId));
    String loadFilter = loadId == null ? "" : " AND load_id = @load_id";
    for (String source : config.sources().keySet()) {
      Map<String, Long> counts = new LinkedHashMap<>();
      counts.put(
          "lake_rows",
          count(queries, "SELECT COUNT(*) FROM `" + config.lakeDataset() + "`.raw_records WHERE source = '"
              + source + "'" + loadFilter, byLoad));
      String dataset = config.datasets().get(source);
      String typed = typedTables.get(source);
      if (dataset != null && typed != null && queries.tableExists(dataset, typed)) {
        counts.put("typed", countIn(queries, dataset, typed, loadFilter, byLoad));
        counts.put("rejected", countIn(queries, dataset, "rejects", loadFilter, byLoad));
        counts.put("duplicates", countIn(queries, dataset, "duplicates", loadFilter, byLoad));
        report.rejectsByReason.put(source, reasons(queries, dataset, loadFilter, byLoad));
      }
      report.counts.put(source, counts);
    }
    String analytics = config.analyticsDataset();
    if (snapshotDate != null) {
      report.topCustomers =
          queries.query(
              "SELECT value_rank, customer_id, first_name, last_name, lifetime_value, threshold_value,"
                  + " population FROM `" + analytics + "`.top_customers_snapshots"
                  + " WHERE snapshot_date = DATE '" + snapshotDate + "' ORDER BY value_rank, customer_id");
      if (!report.topCustomers.rows().isEmpty() && queries.routineExists(analytics, "customer_monthly_spend")) {
        String customer = report.topCustomers.rows().get(0).get(1);
        report.monthlySpend =
            queries.query(
                "SELECT customer_id, year, month, total_spend, avg_monthly_spend_to_date FROM `"
                    + analytics + "`.customer_monthly_spend(@customer_id) ORDER BY year, month",
                Map.of("customer_id", QueryParameterValue.string(customer)));
      }
    }
    return report;
  }

  private static long countIn(
      Queries queries, String dataset, String table, String loadFilter, Map<String, QueryParameterValue> byLoad) {
    if (!queries.tableExists(dataset, table)) {
      return 0;
    }
    return count(queries, "SELECT COUNT(*) FROM `" + dataset + "`." + table + " WHERE TRUE" + loadFilter, byLoad);
  }

  private static Map<String, Long> reasons(
      Queries queries, String dataset, String loadFilter, Map<String, QueryParameterValue> byLoad) {
    Map<String, Long> reasons = new LinkedHashMap<>();
    if (!queries.tableExists(dataset, "rejects")) {
      return reasons;
    }
    for (List<String> row :
        queries
            .query(
                "SELECT reason_code, COUNT(*) AS n FROM `" + dataset + "`.rejects WHERE TRUE" + loadFilter
                    + " GROUP BY reason_code ORDER BY n DESC, reason_code",
                byLoad)
            .rows()) {
      reasons.put(row.get(0), Long.parseLong(row.get(1)));
    }
    return reasons;
  }

  private static long count(Queries queries, String sql, Map<String, QueryParameterValue> parameters) {
    return Long.parseLong(queries.query(sql, parameters).rows().get(0).get(0));
  }

  void writeSummaryJson(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("load_id", loadId);
    json.put("snapshot_date", snapshotDate);
    json.put("sources", counts);
    json.put("rejects_by_reason", rejectsByReason);
    json.put("top_customers", topCustomers == null ? List.of() : topCustomers.asMaps());
    json.put("not_deployed", missing);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
  }

  void print(PrintStream out) {
    out.println();
    out.println("Per source (lake rows = typed + rejected + duplicates):");
    out.printf("  %-14s %10s %10s %10s %10s%n", "source", "lake rows", "typed", "rejected", "duplicates");
    counts.forEach(
        (source, c) ->
            out.printf(
                "  %-14s %10d %10s %10s %10s%n",
                source,
                c.get("lake_rows"),
                orDash(c.get("typed")),
                orDash(c.get("rejected")),
                orDash(c.get("duplicates"))));
    rejectsByReason.forEach(
        (source, reasons) -> {
          if (!reasons.isEmpty()) {
            out.println("Rejects of " + source + " by reason: " + reasons);
          }
        });
    if (topCustomers != null) {
      out.println();
      out.println("Top 5 % customers by lifetime value, as of " + snapshotDate + ":");
      printTable(out, topCustomers);
    }
    if (monthlySpend != null) {
      out.println();
      out.println("Monthly spend of the top customer:");
      printTable(out, monthlySpend);
    }
    if (!missing.isEmpty()) {
      out.println();
      out.println("Not deployed yet (skipped):");
      missing.forEach(m -> out.println("  - " + m));
    }
  }

  private static String orDash(Long value) {
    return value == null ? "-" : value.toString();
  }

  private static void printTable(PrintStream out, Queries.Table table) {
    List<Integer> widths = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      int width = table.columns().get(i).length();
      for (List<String> row : table.rows()) {
        width = Math.max(width, String.valueOf(row.get(i)).length());
      }
      widths.add(width);
    }
    StringBuilder header = new StringBuilder("  ");
    for (int i = 0; i < widths.size(); i++) {
      header.append(String.format("%-" + widths.get(i) + "s  ", table.columns().get(i)));
    }
    out.println(header.toString().stripTrailing());
    for (List<String> row : table.rows()) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < widths.size(); i++) {
        line.append(String.format("%-" + widths.get(i) + "s  ", row.get(i) == null ? "" : row.get(i)));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
