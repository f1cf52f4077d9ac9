package dev.landfall.report;

import dev.landfall.report.RunReport.CustomerMonth;
import dev.landfall.report.RunReport.CustomerSpend;
import dev.landfall.report.RunReport.MonthTotal;
import dev.landfall.report.RunReport.RejectExample;
import dev.landfall.report.RunReport.RejectReason;
import dev.landfall.report.RunReport.RunFacts;
import dev.landfall.report.RunReport.SnapshotChange;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.report.RunReport.TopCustomer;
import dev.landfall.report.RunReport.TopCustomers;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made reports for the renderer's own tests (the flow tests use real runs). */
final class ReportFixtures {
  static final String HOSTILE = "<script>window.pwned=1</script>\"'&";

  private ReportFixtures() {}

  /** A report with nothing in it: no sources, no spend, no snapshot, no files. */
  static RunReport empty() {
    return new RunReport(
        null,
        null,
        "GBP",
        "",
        List.of(),
        List.of(),
        null,
        null,
        null,
        new RunFacts(0, 0, 0, 0, 0, Map.of(), List.of()),
        List.of(),
        List.of());
  }

  /**
   * Everything at once and at the awkward end: a source without routines, an unbalanced load,
   * markup and a very long record in the data, 40 months of spend, a long customer name.
   */
  static RunReport awkward() {
    String root = "gs://bucket/landing/";
    List<RejectExample> examples =
        List.of(
            new RejectExample(
                root + "transactions/t.csv",
                10,
                "amount " + HOSTILE + " is not a decimal",
                "{\"a\":\"" + HOSTILE + "\"}"),
            new RejectExample(
                root + "transactions/t.csv", 99, "the line could not be parsed", "x".repeat(5000)));
    List<SourceSummary> sources =
        List.of(
            new SourceSummary(
                "transactions",
                1_000_002,
                990_000L,
                10_000L,
                1L,
                0L,
                "awaiting_unpack",
                List.of(new RejectReason("invalid_amount", 10_000, examples))),
            new SourceSummary("customers", 5, 3L, 0L, 0L, 2L, "balanced", List.of()),
            new SourceSummary("clicks", 12_345, null, null, null, null, null, List.of()));
    List<MonthTotal> months = new ArrayList<>();
    List<CustomerMonth> customer = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      BigDecimal total = BigDecimal.valueOf(1_000_000L + i * 37_000L, 2);
      months.add(new MonthTotal(2023 + i / 12, i % 12 + 1, total));
      customer.add(
          new CustomerMonth(
              2023 + i / 12,
              i % 12 + 1,
              i % 5 == 0 ? BigDecimal.ZERO : total,
              new BigDecimal("12345.678901234")));
    }
    TopCustomer top =
        new TopCustomer(
            1,
            HOSTILE,
            "Maximiliana Wilhelmina Bartholomew-Featherstonehaugh " + HOSTILE,
            "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
            "GB",
            new BigDecimal("123456789.123456789"));
    Map<String, Double> steps = new LinkedHashMap<>();
    steps.put("build", 41.0);
    steps.put("landing", 300.5);
    steps.put("unpack transactions", 12.25);
    return new RunReport(
        "load-" + HOSTILE,
        "2026-11-28",
        "GBP",
        root,
        sources,
        months,
        new CustomerSpend(HOSTILE, HOSTILE, customer),
        new TopCustomers("2026-11-28", true, new BigDecimal("99.5"), 1, List.of(top)),
        new SnapshotChange("2026-11-28", "2026-11-21", List.of(top), List.of(top), 0),
        new RunFacts(3, 123_456_789, 1_012_350, 7, 2, steps, List.of("drop/unknown_2026-11-01.csv")),
        List.of(
            new RunReport.Erasure(
                "REQ-" + HOSTILE, null, Map.of("customers", 2L), Map.of("transactions", 1L))),
        List.of("clicks.unpack() is not deployed " + HOSTILE));
  }
}
