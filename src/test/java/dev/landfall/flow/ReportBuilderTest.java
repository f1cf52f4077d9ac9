package dev.landfall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.report.RunReport;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.report.RunReport.TopCustomer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ReportBuilder on small export tables shaped like the real ones: it only counts, sums and picks
 * rows of the run's load. (The browser test checks the same against real exports.)
 */
class ReportBuilderTest {
  private static final String LOAD = "load-2";

  @Test
  void sources_countTheRunsLoadOnlyAndKeepSourcesWithoutRoutines() {
    RunReport report = build(exports(), null);

    SourceSummary transactions = report.sources().get(1);
    assertEquals("transactions", transactions.source());
    assertEquals(3, transactions.lakeRows());
    assertEquals(
        List.of(1L, 2L, 0L),
        List.of(transactions.typed(), transactions.rejected(), transactions.duplicates()));
    assertEquals("balanced", transactions.status());
    SourceSummary clicks = report.sources().get(2);
    assertEquals("clicks", clicks.source());
    assertEquals(1, clicks.lakeRows());
    assertNull(clicks.typed());
    assertFalse(clicks.isBalanced());
  }

  @Test
  void erasures_nameTheRequestsOfTheRunsErasedLinesAndErasedRowsBalance() {
    String hash = "ab".repeat(32);
    Map<String, Queries.Table> exports = exports();
    exports.put(
        Flow.LAKE_RECORDS_CSV,
        table(
            List.of("source", "source_file", "source_offset", "data_string"),
            List.of(
                row("customers", "/in/c/a.csv", "0", "{\"_erased_by\":\"REQ-1\"}"),
                row("transactions", "/in/t/a.csv", "0", "{\"_erased_by\":\"REQ-1\"}"),
                row("transactions", "/in/t/a.csv", "9", "{\"_erased_by\":\"REQ-1\"}"),
                row("transactions", "/in/t/b.csv", "0",
                    "{\"transaction_id\":\"t9\",\"customer_id\":\"erased:" + hash + "\"}"),
                row("customers", "/in/c/a.csv", "5", "{\"customer_id\":\"c1\"}"))));
    exports.put(
        Flow.RECONCILIATION_CSV,
        table(
            List.of("source", "load_id", "lake_rows", "typed_rows", "rejected_rows", "duplicate_rows",
                "erased_rows", "status"),
            List.of(
                row("transactions", LOAD, "3", "1", "0", "0", "2", "balanced"),
                row("customers", LOAD, "2", "1", "0", "0", "1", "balanced"))));

    RunReport report =
        ReportBuilder.build(
            exports, LOAD, null, "GBP", List.of("customers", "transactions"),
            Set.of("customers", "transactions"), null, Map.of(), List.of(),
            List.of(
                new ReportBuilder.ErasureLogRow("REQ-1", "2026-11-02T10:00:00Z", "cd".repeat(32)),
                new ReportBuilder.ErasureLogRow("REQ-2", "2026-11-03T10:00:00Z", hash)),
            List.of());

    assertEquals(
        List.of(
            new RunReport.Erasure(
                "REQ-1", "2026-11-02T10:00:00Z", Map.of("customers", 1L, "transactions", 2L), Map.of()),
            new RunReport.Erasure(
                "REQ-2", "2026-11-03T10:00:00Z", Map.of(), Map.of("transactions", 1L))),
        report.erasures());
    for (SourceSummary source : report.sources().subList(0, 2)) {
      assertTrue(source.isBalanced(), source.source());
    }
    assertEquals(2L, report.sources().get(1).erased());
  }

  @Test
  void erasedBy_readsOnlyAWholeMarker() {
    assertEquals("REQ-1", ReportBuilder.erasedBy("{\"_erased_by\":\"REQ-1\"}"));
    assertEquals("a\"b", ReportBuilder.erasedBy("{\"_erased_by\":\"a\\\"b\"}"));
    assertNull(ReportBuilder.erasedBy("{\"_erased_by\":\"REQ-1\",\"name\":\"Ann\"}"));
    assertNull(ReportBuilder.erasedBy("{\"customer_id\":\"c1\"}"));
  }

  @Test
  void sources_keepTheViewsStatusWhenTheLakeRowsBalance() {
    Map<String, Queries.Table> exports = exports();
    exports.put(
        Flow.RECONCILIATION_CSV,
        table(
            List.of(
                "source",
                "load_id",
                "lake_rows",
                "typed_rows",
                "rejected_rows",
                "duplicate_rows",
                "rows_not_in_lake",
                "status"),
            List.of(
                row("transactions", LOAD, "3", "1", "2", "0", "4", "rows_dead_lettered"),
                row("customers", LOAD, "0", "0", "0", "0", "0", "balanced"))));

    SourceSummary transactions = build(exports, null).sources().get(1);

    assertTrue(transactions.isBalanced());
    assertEquals("rows_dead_lettered", transactions.status());
    assertEquals("rows_dead_lettered", transactions.verdict());
  }

  @Test
  void rejects_areGroupedByReasonMostFirstWithTheFirstRowsAsExamples() {
    Map<String, Queries.Table> exports = exports();
    List<List<String>> rejects = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rejects.add(
          row(
              "transactions",
              "/in/t/a.csv",
              String.valueOf(100 + i),
              "invalid_date",
              "bad date",
              "{}",
              LOAD));
    }
    rejects.add(row("transactions", "/in/t/a.csv", "7", "missing_value", "blank id", "{}", LOAD));
    rejects.add(
        row("transactions", "/in/t/old.csv", "1", "missing_value", "blank id", "{}", "load-1"));
    exports.put(
        Flow.REJECTS_CSV,
        table(
            List.of(
                "source",
                "source_file",
                "source_offset",
                "reason_code",
                "reason",
                "data_string",
                "load_id"),
            rejects));

    var reasons = build(exports, null).sources().get(1).rejects();

    assertEquals(
        List.of("invalid_date", "missing_value"),
        reasons.stream().map(r -> r.reasonCode()).toList());
    assertEquals(List.of(5L, 1L), reasons.stream().map(r -> r.count()).toList());
    assertEquals(
        List.of(100L, 101L, 102L),
        reasons.get(0).examples().stream().map(e -> e.sourceOffset()).toList());
  }

  @Test
  void monthlyTotals_sumAllCustomersInCalendarOrder() {
    RunReport report = build(exports(), null);

    assertEquals(
        List.of("2025-12", "2026-01"),
        report.monthlyTotals().stream().map(m -> m.label()).toList());
    assertEquals(
        List.of(new BigDecimal("15.5"), new BigDecimal("0.000000003")),
        report.monthlyTotals().stream().map(m -> m.totalSpend()).toList());
  }

  @Test
  void customerSpend_isTheTopCustomerUnlessOneIsChosen() {
    assertEquals("C2", build(exports(), null).customerSpend().customerId());
    assertEquals("Bo Li", build(exports(), null).customerSpend().name());
    RunReport chosen = build(exports(), "C1");
    assertEquals("C1", chosen.customerSpend().customerId());
    assertEquals(
        List.of(new BigDecimal("10.5"), new BigDecimal("0")),
        chosen.customerSpend().months().stream().map(m -> m.totalSpend()).toList());
  }

  @Test
  void topAndChange_comeFromTheSnapshots() {
    RunReport report = build(exports(), null);

    assertEquals(new BigDecimal("5"), report.top().thresholdValue());
    assertEquals(2, report.top().population());
    assertEquals(
        List.of("C2"), report.top().customers().stream().map(TopCustomer::customerId).toList());
    assertEquals("2026-01-08", report.change().previous());
    assertEquals(
        List.of("C2"), report.change().entered().stream().map(TopCustomer::customerId).toList());
    assertEquals(
        List.of("C1"), report.change().left().stream().map(TopCustomer::customerId).toList());
    assertEquals(0, report.change().stayed());
  }

  @Test
  void change_anErasedCustomersSnapshotRowNeitherEntersNorLeaves() {
    Map<String, Queries.Table> exports = exports();
    Queries.Table snapshots = exports.get(Flow.SNAPSHOTS_CSV);
    List<List<String>> rows = new ArrayList<>(snapshots.rows());
    // privacy.erase_customer keeps the audit figures and clears the id and attributes.
    rows.add(row("2026-01-08", null, "2", "4", "10.5", "1", null, null, null, null));
    exports.put(Flow.SNAPSHOTS_CSV, table(snapshots.columns(), rows));

    RunReport report = build(exports, null);

    assertEquals(
        List.of("C1"), report.change().left().stream().map(TopCustomer::customerId).toList());
    assertEquals(
        List.of("C2"), report.change().entered().stream().map(TopCustomer::customerId).toList());
  }

  @Test
  void facts_sumTheLedgerAndPathsAreRelativeToTheRunsFolder() {
    RunReport report = build(exports(), null);

    assertEquals(
        List.of(2L, 300L, 4L, 1L, 0L),
        List.of(
            report.facts().files(),
            report.facts().bytes(),
            report.facts().records(),
            report.facts().parseErrors(),
            report.facts().blankLines()));
    assertEquals(2.0, report.facts().recordsPerSecond(), 1e-9);
    assertEquals(List.of("drop/unknown.csv"), report.facts().unmatchedFiles());
    assertEquals("/in/", report.fileRoot());
    assertEquals("t/a.csv", report.relative("/in/t/a.csv"));
  }

  private static RunReport build(Map<String, Queries.Table> exports, String customer) {
    return ReportBuilder.build(
        exports,
        LOAD,
        "2026-01-15",
        "GBP",
        List.of("customers", "transactions"),
        Set.of("customers", "transactions"),
        customer,
        Map.of("landing", 2.0),
        List.of("drop/unknown.csv"),
        List.of(),
        List.of());
  }

  private static Map<String, Queries.Table> exports() {
    Map<String, Queries.Table> e = new LinkedHashMap<>();
    e.put(
        Flow.LAKE_RECORDS_CSV,
        table(
            List.of("source", "source_file", "source_offset"),
            List.of(
                row("clicks", "/in/c/x.csv", "0"),
                row("transactions", "/in/t/a.csv", "0"),
                row("transactions", "/in/t/a.csv", "9"),
                row("transactions", "/in/t/b.csv", "0"))));
    List<String> reconciliation =
        List.of(
            "source",
            "load_id",
            "lake_rows",
            "typed_rows",
            "rejected_rows",
            "duplicate_rows",
            "status");
    e.put(
        Flow.RECONCILIATION_CSV,
        table(
            reconciliation,
            List.of(
                row("transactions", "load-1", "9", "9", "0", "0", "balanced"),
                row("transactions", LOAD, "3", "1", "2", "0", "balanced"),
                row("customers", LOAD, "0", "0", "0", "0", "balanced"))));
    e.put(
        Flow.REJECTS_CSV,
        table(
            List.of(
                "source",
                "source_file",
                "source_offset",
                "reason_code",
                "reason",
                "data_string",
                "load_id"),
            List.of(
                row("transactions", "/in/t/a.csv", "9", "invalid_date", "bad", "{}", LOAD),
                row("transactions", "/in/t/b.csv", "0", "invalid_date", "bad", "{}", LOAD))));
    List<String> monthly =
        List.of("customer_id", "year", "month", "total_spend", "avg_monthly_spend_to_date");
    e.put(
        Flow.MONTHLY_SPEND_CSV,
        table(
            monthly,
            List.of(
                row("C1", "2025", "12", "10.5", "10.5"), row("C1", "2026", "1", "0", "5.25"),
                row("C2", "2025", "12", "5", "5"),
                    row("C2", "2026", "1", "0.000000003", "2.5000000015"))));
    e.put(
        Flow.LIFETIME_VALUE_CSV,
        table(List.of("customer_id", "value_rank"), List.of(row("C2", "1"), row("C1", "2"))));
    e.put(
        Flow.CUSTOMERS_HISTORY_CSV,
        table(
            List.of("customer_id", "first_name", "last_name", "is_current"),
            List.of(row("C2", "Bo", "Old", "false"), row("C2", "Bo", "Li", "true"))));
    List<String> snapshot =
        List.of(
            "snapshot_date",
            "customer_id",
            "value_rank",
            "lifetime_value",
            "threshold_value",
            "population",
            "first_name",
            "last_name",
            "city",
            "country");
    e.put(
        Flow.SNAPSHOTS_CSV,
        table(
            snapshot,
            List.of(
                row("2026-01-08", "C1", "1", "10.5", "10.5", "1", "Al", "Bu", "Ely", "GB"),
                row("2026-01-15", "C2", "1", "5", "5", "2", "Bo", "Li", "Ely", "GB"))));
    e.put(
        Flow.LANDED_FILES_CSV,
        table(
            List.of(
                "source_file", "file_size_bytes", "records_landed", "parse_errors", "blank_lines"),
            List.of(
                row("/in/t/a.csv", "100", "2", "1", "0"),
                row("/in/t/b.csv", "200", "2", "0", "0"))));
    return e;
  }

  private static Queries.Table table(List<String> columns, List<List<String>> rows) {
    return new Queries.Table(columns, rows);
  }

  private static List<String> row(String... cells) {
    return Arrays.asList(cells);
  }
}
