package dev.landfall.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.landfall.report.RunReport.RejectExample;
import dev.landfall.report.RunReport.RejectReason;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.report.RunReport.TopCustomer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code summary.json}: the {@link RunReport} for machines. {@code sources} keeps the shape the
 * contract names (per source: lake_rows, typed, rejected, duplicates); amounts are exact JSON
 * numbers (never floating-point rounded).
 */
public final class SummaryJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

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
    for (SourceSummary source : report.sources()) {
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("lake_rows", source.lakeRows());
      if (source.hasRoutines()) {
        counts.put("typed", source.typed());
        counts.put("rejected", source.rejected());
        counts.put("duplicates", source.duplicates());
        counts.put("status", source.isBalanced() ? "balanced" : source.status());
        List<Object> byReason = new ArrayList<>();
        for (RejectReason reason : source.rejects()) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("reason_code", reason.reasonCode());
          r.put("rows", reason.count());
          List<Object> examples = new ArrayList<>();
          for (RejectExample example : reason.examples()) {
            examples.add(Map.of("source_file", example.sourceFile(), "source_offset", example.sourceOffset(),
                "reason", example.reason()));
          }
          r.put("examples", examples);
          byReason.add(r);
        }
        reasons.put(source.source(), byReason);
      }
      sources.put(source.source(), counts);
    }
    json.put("sources", sources);
    json.put("rejects_by_reason", reasons);
    json.put("monthly_spend_total", report.monthlyTotals().stream()
        .map(m -> (Object) Map.of("month", m.label(), "total_spend", m.totalSpend())).toList());
    if (report.customerSpend() != null) {
      Map<String, Object> customer = new LinkedHashMap<>();
      customer.put("customer_id", report.customerSpend().customerId());
      customer.put("months", report.customerSpend().months().stream()
          .map(m -> (Object) Map.of("month", m.label(), "total_spend", m.totalSpend(),
              "avg_monthly_spend_to_date", m.avgMonthlySpendToDate()))
          .toList());
      json.put("customer_monthly_spend", customer);
    }
    if (report.top() != null) {
      Map<String, Object> top = new LinkedHashMap<>();
      top.put("as_of", report.top().asOf());
      top.put("from_snapshot", report.top().fromSnapshot());
      top.put("threshold_value", report.top().thresholdValue());
      top.put("population", report.top().population());
      top.put("customers", report.top().customers().stream().map(SummaryJson::customer).toList());
      json.put("top_customers", top);
    }
    if (report.change() != null) {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("latest", report.change().latest());
      change.put("previous", report.change().previous());
      change.put("entered", report.change().entered().stream().map(TopCustomer::customerId).toList());
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
    json.put("run", run);
    json.put("not_deployed", report.notDeployed());
    return json;
  }

  private static Object customer(TopCustomer customer) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("value_rank", customer.valueRank());
    c.put("customer_id", customer.customerId());
    c.put("name", customer.name());
    c.put("lifetime_value", customer.lifetimeValue());
    return c;
  }
}
