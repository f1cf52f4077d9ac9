package dev.landfall.report;

import dev.landfall.report.RunReport.CustomerMonth;
import dev.landfall.report.RunReport.MonthTotal;
import dev.landfall.report.RunReport.RejectReason;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.report.RunReport.TopCustomer;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/** The {@link RunReport} printed at the end of a run, for people at a terminal. */
public final class TerminalSummary {
  private TerminalSummary() {}

  public static void print(PrintStream out, RunReport report) {
    out.println();
    out.println("Per source (lake rows = typed + rejected + duplicates + erased):");
    out.printf(
        "  %-14s %10s %10s %10s %10s %10s  %s%n",
        "source", "lake rows", "typed", "rejected", "duplicates", "erased", "status");
    for (SourceSummary s : report.sources()) {
      out.printf(
          "  %-14s %10s %10s %10s %10s %10s  %s%n",
          s.source(),
          Numbers.count(s.lakeRows()),
          orDash(s.typed()),
          orDash(s.rejected()),
          orDash(s.duplicates()),
          orDash(s.erased()),
          !s.hasRoutines() ? "stays in the lake" : s.verdict());
    }
    for (var e : report.erasures()) {
      out.println(
          "Erasure "
              + e.requestId()
              + (e.requestedAt() == null ? "" : " (requested " + e.requestedAt() + ")")
              + ": this run landed "
              + Numbers.count(e.totalLines())
              + " line(s) of the erased customer as erased"
              + lines(e.lines())
              + (e.pseudonymisedLines().isEmpty()
                  ? ""
                  : ", pseudonymised" + lines(e.pseudonymisedLines()))
              + "; the re-delivered files still hold them (recorded in privacy.erased_lines):"
              + " run scripts/erase_customer.sh --landing-copies to remove them from the landing"
              + " copies");
    }
    for (SourceSummary s : report.sources()) {
      if (!s.rejects().isEmpty()) {
        out.println(
            "Rejects of "
                + s.source()
                + " by reason: "
                + s.rejects().stream()
                    .map(r -> r.reasonCode() + "=" + Numbers.count(r.count()))
                    .collect(Collectors.joining(", ")));
        RejectReason first = s.rejects().get(0);
        if (!first.examples().isEmpty()) {
          var e = first.examples().get(0);
          out.println(
              "  e.g. "
                  + report.relative(e.sourceFile())
                  + " at byte "
                  + e.sourceOffset()
                  + ": "
                  + report.withRelativePaths(e.reason()));
        }
      }
    }
    if (!report.monthlyTotals().isEmpty()) {
      out.println();
      out.println("Total spend per month, all customers (" + report.currency() + "):");
      for (MonthTotal m : report.monthlyTotals()) {
        out.printf("  %s %14s%n", m.label(), Numbers.money(m.totalSpend()));
      }
    }
    if (report.customerSpend() != null) {
      out.println();
      out.println(
          "Monthly spend of " + report.customerSpend().customerId() + " (total, average to date):");
      for (CustomerMonth m : report.customerSpend().months()) {
        out.printf(
            "  %s %14s %14s%n",
            m.label(), Numbers.money(m.totalSpend()), Numbers.money(m.avgMonthlySpendToDate()));
      }
    }
    if (report.top() != null && !report.top().customers().isEmpty()) {
      out.println();
      out.printf(
          "Top 5 %% customers by lifetime value, %s %s: threshold %s, population %s%n",
          report.top().fromSnapshot() ? "snapshot as of" : "live view,",
          report.top().asOf(),
          Numbers.money(report.top().thresholdValue()),
          Numbers.count(report.top().population()));
      for (TopCustomer c : report.top().customers()) {
        out.printf(
            "  %4d  %-10s %-28s %14s%n",
            c.valueRank(), c.customerId(), c.name(), Numbers.money(c.lifetimeValue()));
      }
    }
    if (report.change() != null) {
      out.println();
      if (report.change().previous() == null) {
        out.println(
            "Only one snapshot so far ("
                + report.change().latest()
                + "): nothing to compare with.");
      } else {
        out.println(
            "Snapshot "
                + report.change().previous()
                + " -> "
                + report.change().latest()
                + ": entered "
                + ids(report.change().entered())
                + ", left "
                + ids(report.change().left())
                + ", stayed "
                + report.change().stayed());
      }
    }
    var facts = report.facts();
    out.println();
    out.printf(
        "Run: %s files, %s bytes, %s records, %s parse errors, %s blank lines%s%n",
        Numbers.count(facts.files()),
        Numbers.count(facts.bytes()),
        Numbers.count(facts.records()),
        Numbers.count(facts.parseErrors()),
        Numbers.count(facts.blankLines()),
        facts.recordsPerSecond() == null
            ? ""
            : ", " + Numbers.rate(facts.recordsPerSecond()) + " records/s");
    if (!facts.unmatchedFiles().isEmpty()) {
      out.println(
          "Not landed, no configured source claims them (move them or add sources.<name>.paths): "
              + String.join(", ", facts.unmatchedFiles()));
    }
    if (!facts.stepSeconds().isEmpty()) {
      out.println(
          "Steps (s): "
              + facts.stepSeconds().entrySet().stream()
                  .map(e -> e.getKey() + " " + Numbers.seconds(e.getValue()))
                  .collect(Collectors.joining(", ")));
    }
    if (!report.notDeployed().isEmpty()) {
      out.println();
      out.println("Not deployed yet (skipped):");
      report.notDeployed().forEach(m -> out.println("  - " + m));
    }
  }

  private static String ids(List<TopCustomer> customers) {
    return customers.isEmpty()
        ? "none"
        : customers.stream().map(TopCustomer::customerId).collect(Collectors.joining(" "));
  }

  private static String lines(java.util.Map<String, Long> bySource) {
    return bySource.isEmpty()
        ? ""
        : " ("
            + bySource.entrySet().stream()
                .map(x -> x.getKey() + " " + Numbers.count(x.getValue()))
                .collect(Collectors.joining(", "))
            + ")";
  }

  private static String orDash(Long value) {
    return value == null ? "-" : Numbers.count(value);
  }
}
