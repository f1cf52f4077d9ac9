package dev.landfall.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.landfall.report.RunReport.RejectReason;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.report.RunReport.TopCustomer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code summary.json}: the {@link RunReport} for machines. {@code sources} keeps the shape the
 * contract names (per source: lake_rows, typed, rejected, duplicates, erased); {@code
 * run.erasures} lists the erasure requests whose lines the run marked (never the customer). Counts are JSON numbers;
 * amounts are decimal strings as in the CSV exports, because most JSON readers would turn a NUMERIC
 * with 9 decimals into a rounded double.
 */
public final class SummaryJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SummaryJson() {}

  public static void write(Path file, RunReport report) throws IOException {
    MAPPER.writeValue(file.toFile(), tree(report));
  }

  static Map<String, Object> tree(RunReport report) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("load_id", report.loadId());
    json.put("snapshot_date", report.snapshotDate());
    json.put("currency", report.currency());
    Map<String, Object> sources = new LinkedHashMap<>();
    Map<String, Object> reasons = new LinkedHashMap<>();
    Map<String, Object> rejectExamples = new LinkedHashMap<>();
    for (SourceSummary source : report.sources()) {
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("lake_rows", source.lakeRows());
      if (source.hasRoutines()) {
        counts.put("typed", source.typed());
        counts.put("rejected", source.rejected());
        counts.put("duplicates", source.duplicates());
        counts.put("erased", source.erased());
        counts.put("status", source.verdict());
        Map<String, Object> counted = new LinkedHashMap<>();
        Map<String, Object> examples = new LinkedHashMap<>();
        for (RejectReason reason : source.rejects()) {
          counted.put(reason.reasonCode(), reason.count());
          examples.put(
              reason.reasonCode(),
              reason.examples().stream()
                  .map(
                      e ->
                          ordered(
                              "source_file",
                              e.sourceFile(),
                              "source_offset",
                              e.sourceOffset(),
                              "reason",
                              e.reason()))
                  .toList());
        }
        reasons.put(source.source(), counted);
        rejectExamples.put(source.source(), examples);
      }
      sources.put(source.source(), counts);
    }
    json.put("sources", sources);
    json.put("rejects_by_reason", reasons);
    json.put("reject_examples", rejectExamples);
    json.put(
        "monthly_spend_total",
        report.monthlyTotals().stream()
            .map(m -> ordered("month", m.label(), "total_spend", amount(m.totalSpend())))
            .toList());
    if (report.customerSpend() != null) {
      Map<String, Object> customer = new LinkedHashMap<>();
      customer.put("customer_id", report.customerSpend().customerId());
      customer.put(
          "months",
          report.customerSpend().months().stream()
              .map(
                  m ->
                      ordered(
                          "month",
                          m.label(),
                          "total_spend",
                          amount(m.totalSpend()),
                          "avg_monthly_spend_to_date",
                          amount(m.avgMonthlySpendToDate())))
              .toList());
      json.put("customer_monthly_spend", customer);
    }
    if (report.top() != null) {
      Map<String, Object> top = new LinkedHashMap<>();
      top.put("as_of", report.top().asOf());
      top.put("from_snapshot", report.top().fromSnapshot());
      top.put("threshold_value", amount(report.top().thresholdValue()));
      top.put("population", report.top().population());
      top.put("customers", report.top().customers().stream().map(SummaryJson::customer).toList());
      json.put("top_customers", top);
    }
    if (report.change() != null) {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("latest", report.change().latest());
      change.put("previous", report.change().previous());
      change.put(
          "entered", report.change().entered().stream().map(TopCustomer::customerId).toList());
      change.put("left", report.change().left().stream().map(TopCustomer::customerId).toList());
      change.put("stayed", report.change().stayed());
      json.put("snapshot_change", change);
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("files", report.facts().files());
    run.put("bytes", report.facts().bytes());
    run.put("records", report.facts().records());
    run.put("parse_errors", report.facts().parseErrors());
    run.put("blank_lines", report.facts().blankLines());
    run.put("records_per_second", report.facts().recordsPerSecond());
    run.put("step_seconds", report.facts().stepSeconds());
    run.put("unmatched_files", report.facts().unmatchedFiles());
    run.put(
        "erasures",
        report.erasures().stream()
            .map(
                e ->
                    ordered(
                        "request_id",
                        e.requestId(),
                        "requested_at",
                        e.requestedAt(),
                        "lines",
                        e.lines(),
                        "pseudonymised_lines",
                        e.pseudonymisedLines()))
            .toList());
    json.put("run", run);
    json.put("not_deployed", report.notDeployed());
    return json;
  }

  /** A JSON object with keys in the order given (Map.of's order changes from run to run). */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static String amount(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private static Object customer(TopCustomer customer) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("value_rank", customer.valueRank());
    c.put("customer_id", customer.customerId());
    c.put("name", customer.name());
    c.put("lifetime_value", amount(customer.lifetimeValue()));
    return c;
  }
}
