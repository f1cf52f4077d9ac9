package dev.landfall.report;

import dev.landfall.report.RunReport.CustomerMonth;
import dev.landfall.report.RunReport.MonthTotal;
import dev.landfall.report.RunReport.RejectExample;
import dev.landfall.report.RunReport.RejectReason;
import dev.landfall.report.RunReport.RunFacts;
import dev.landfall.report.RunReport.SnapshotChange;
import dev.landfall.report.RunReport.SourceSummary;
import dev.landfall.report.RunReport.TopCustomer;
import dev.landfall.report.RunReport.TopCustomers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained static page (inline CSS and SVG, no script, nothing
 * fetched at view time) showing a {@link RunReport}. Every value is HTML-escaped.
 *
 * <p>Each number carries a {@code data-k} key (e.g. {@code src.transactions.rejected}) so a test
 * can read what the page shows and compare it with the CSV exports.
 */
public final class ReportPage {
  /** Longer example records are cut: a parse error can hold the rest of a file. */
  static final int MAX_EXAMPLE_CHARS = 240;

  private ReportPage() {}

  public static void write(Path file, RunReport report) throws IOException {
    Files.writeString(file, render(report), StandardCharsets.UTF_8);
  }

  public static String render(RunReport report) {
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>landfall run report")
        .append(report.loadId() == null ? "" : " — " + Html.escape(report.loadId()))
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main data-root=\"")
        .append(Html.escape(report.fileRoot()))
        .append("\">\n");
    header(html, report);
    facts(html, report.facts());
    erasures(html, report.erasures());
    sources(html, report);
    spend(html, report);
    top(html, report.top(), report.currency());
    change(html, report.change(), report.currency());
    notDeployed(html, report.notDeployed());
    html.append("</main>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void header(StringBuilder html, RunReport report) {
    html.append("<header><h1>landfall run report</h1><p class=\"sub\">");
    html.append("load <code data-k=\"load_id\">")
        .append(report.loadId() == null ? "all loads" : Html.escape(report.loadId()))
        .append("</code>");
    if (report.snapshotDate() != null) {
      html.append(" · snapshot as of <span data-k=\"snapshot_date\">")
          .append(Html.escape(report.snapshotDate()))
          .append("</span>");
    }
    html.append(" · amounts in ")
        .append(Html.escape(report.currency()))
        .append(" · from the CSV exports beside this page</p></header>\n");
  }

  /** The erasure requests whose customer's lines this run landed as erased (never the customer). */
  private static void erasures(StringBuilder html, List<RunReport.Erasure> erasures) {
    if (erasures.isEmpty()) {
      return;
    }
    html.append(
        "<section id=\"erasures\"><h2>Erasures applied by this run</h2><p>Lines of customers"
            + " erased on request landed as erased (only the request id is kept), so a"
            + " re-delivered file does not bring them back. The re-delivered files in the landing"
            + " bucket still hold those lines, recorded in <code>privacy.erased_lines</code>: run"
            + " <code>scripts/erase_customer.sh --landing-copies</code> to remove them"
            + " (docs/erasure.md).</p><table class=\"erasures\"><thead>"
            + "<tr><th>request</th><th>requested at</th><th>lines erased</th>"
            + "<th>lines pseudonymised</th></tr></thead><tbody>");
    for (RunReport.Erasure e : erasures) {
      html.append("<tr><td><code>")
          .append(Html.escape(e.requestId()))
          .append("</code></td><td>")
          .append(e.requestedAt() == null ? "—" : Html.escape(e.requestedAt()))
          .append("</td><td class=\"num\">")
          .append(bySource(e.lines()))
          .append("</td><td class=\"num\">")
          .append(bySource(e.pseudonymisedLines()))
          .append("</td></tr>");
    }
    html.append("</tbody></table></section>\n");
  }

  private static String bySource(Map<String, Long> lines) {
    if (lines.isEmpty()) {
      return "0";
    }
    StringBuilder text = new StringBuilder();
    lines.forEach(
        (source, n) ->
            text.append(text.length() == 0 ? "" : ", ")
                .append(Html.escape(source))
                .append(' ')
                .append(Numbers.count(n)));
    return text.toString();
  }

  private static void facts(StringBuilder html, RunFacts facts) {
    html.append("<section id=\"run\"><h2>Run</h2><div class=\"cards\">");
    card(html, "files", "files landed", Numbers.count(facts.files()));
    card(html, "bytes", "bytes", Numbers.count(facts.bytes()));
    card(html, "records", "records landed", Numbers.count(facts.records()));
    Double rate = facts.recordsPerSecond();
    card(
        html,
        "records_per_second",
        "records/s (landing step)",
        rate == null ? "—" : Numbers.rate(rate));
    card(html, "parse_errors", "parse errors", Numbers.count(facts.parseErrors()));
    card(html, "blank_lines", "blank lines skipped", Numbers.count(facts.blankLines()));
    card(html, "unmatched_files", "files no source claims", Numbers.count(facts.unmatchedFiles().size()));
    html.append("</div>");
    if (!facts.unmatchedFiles().isEmpty()) {
      html.append("<p class=\"bad\" id=\"unmatched\">Not landed, no configured source claims them: ");
      html.append(Html.escape(String.join(", ", facts.unmatchedFiles())));
      html.append(". Move them under a source's folder or add <code>sources.&lt;name&gt;.paths</code>.</p>");
    }
    if (!facts.stepSeconds().isEmpty()) {
      double max =
          facts.stepSeconds().values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
      html.append(
          "<table class=\"steps\"><thead><tr><th>step</th><th"
              + " class=\"num\">seconds</th><th></th></tr></thead><tbody>");
      for (Map.Entry<String, Double> step : facts.stepSeconds().entrySet()) {
        html.append("<tr><td>")
            .append(Html.escape(step.getKey()))
            .append("</td><td class=\"num\" data-k=\"step.")
            .append(Html.escape(step.getKey()))
            .append("\">")
            .append(Numbers.seconds(step.getValue()))
            .append("</td><td class=\"meter\"><span style=\"width:")
            .append(percent(step.getValue(), max))
            .append("%\"></span></td></tr>");
      }
      html.append("</tbody></table>");
    }
    html.append("</section>\n");
  }

  private static void card(StringBuilder html, String key, String label, String value) {
    html.append("<div class=\"card\"><div class=\"value\" data-k=\"facts.")
        .append(key)
        .append("\">")
        .append(value)
        .append("</div><div class=\"label\">")
        .append(label)
        .append("</div></div>");
  }

  private static void sources(StringBuilder html, RunReport report) {
    List<SourceSummary> sources = report.sources();
    html.append(
        "<section id=\"sources\"><h2>Sources: lake rows = typed + rejected + duplicates +"
            + " erased</h2>");
    if (sources.isEmpty()) {
      html.append("<p class=\"empty\">No sources configured.</p>");
    }
    for (SourceSummary source : sources) {
      String key = "src." + Html.escape(source.source()) + ".";
      html.append("<article class=\"source\" data-source=\"")
          .append(Html.escape(source.source()))
          .append("\">");
      html.append("<h3>").append(Html.escape(source.source())).append("</h3>");
      html.append("<p class=\"equation\"><span data-k=\"")
          .append(key)
          .append("lake_rows\">")
          .append(Numbers.count(source.lakeRows()))
          .append("</span> lake rows");
      if (!source.hasRoutines()) {
        html.append(" — no routines deployed for this source: it stays in the lake.</p>");
        html.append(
            "<div class=\"conservation\"><span class=\"seg lake\""
                + " style=\"flex-grow:1\"></span></div>");
        html.append("</article>\n");
        continue;
      }
      html.append(" = <span class=\"sw typed\"></span><span data-k=\"")
          .append(key)
          .append("typed\">")
          .append(Numbers.count(source.typed()))
          .append("</span> typed + <span class=\"sw rejected\"></span><span data-k=\"")
          .append(key)
          .append("rejected\">")
          .append(Numbers.count(source.rejected()))
          .append("</span> rejected + <span class=\"sw duplicates\"></span><span data-k=\"")
          .append(key)
          .append("duplicates\">")
          .append(Numbers.count(source.duplicates()))
          .append("</span> duplicates + <span class=\"sw erased\"></span><span data-k=\"")
          .append(key)
          .append("erased\">")
          .append(Numbers.count(source.erased()))
          .append("</span> erased ");
      html.append(
          "balanced".equals(source.verdict())
              ? "<span class=\"ok\" data-k=\"" + key + "status\">balanced</span>"
              : "<span class=\"bad\" data-k=\""
                  + key
                  + "status\">"
                  + Html.escape(String.valueOf(source.verdict()))
                  + "</span>");
      html.append("</p>");
      html.append(
          "<div class=\"conservation\" role=\"img\" aria-label=\"typed, rejected, duplicate"
              + " and erased rows\">");
      segment(html, "typed", source.typed());
      segment(html, "rejected", source.rejected());
      segment(html, "duplicates", source.duplicates());
      segment(html, "erased", source.erased());
      html.append("</div>");
      rejects(html, source, report);
      html.append("</article>\n");
    }
    html.append("</section>\n");
  }

  private static void segment(StringBuilder html, String kind, long rows) {
    if (rows > 0) {
      html.append("<span class=\"seg ")
          .append(kind)
          .append("\" style=\"flex-grow:")
          .append(rows)
          .append("\" title=\"")
          .append(kind)
          .append(": ")
          .append(Numbers.count(rows))
          .append("\"></span>");
    }
  }

  private static void rejects(StringBuilder html, SourceSummary source, RunReport report) {
    if (source.rejects().isEmpty()) {
      html.append("<p class=\"empty\">No rejects.</p>");
      return;
    }
    long max = source.rejects().stream().mapToLong(RejectReason::count).max().orElse(1);
    html.append(
            "<table class=\"rejects\"><thead><tr><th>reason</th><th"
                + " class=\"num\">rows</th><th></th>")
        .append(
            "<th>examples (file : byte offset — why — the record as"
                + " landed)</th></tr></thead><tbody>");
    for (RejectReason reason : source.rejects()) {
      String code = Html.escape(reason.reasonCode());
      html.append("<tr data-reason=\"")
          .append(code)
          .append("\"><td><code>")
          .append(code)
          .append("</code></td>")
          .append("<td class=\"num\" data-k=\"rej.")
          .append(Html.escape(source.source()))
          .append('.')
          .append(code)
          .append("\">")
          .append(Numbers.count(reason.count()))
          .append("</td><td class=\"meter\"><span style=\"width:")
          .append(percent(reason.count(), max))
          .append("%\"></span></td><td><ul class=\"examples\">");
      for (RejectExample example : reason.examples()) {
        html.append("<li class=\"example\"><span class=\"where\" title=\"")
            .append(Html.escape(example.sourceFile()))
            .append("\"><span class=\"file\">")
            .append(Html.escape(report.relative(example.sourceFile())))
            .append("</span> : <span class=\"offset\">")
            .append(example.sourceOffset())
            .append("</span></span>")
            .append(" — <span class=\"why\">")
            .append(Html.escape(report.withRelativePaths(example.reason())))
            .append("</span>")
            .append("<code class=\"line\">")
            .append(Html.escape(cut(example.dataString())))
            .append("</code></li>");
      }
      if (reason.count() > reason.examples().size()) {
        html.append("<li class=\"more\">… and ")
            .append(Numbers.count(reason.count() - reason.examples().size()))
            .append(" more in rejects.csv</li>");
      }
      html.append("</ul></td></tr>");
    }
    html.append("</tbody></table>");
  }

  private static void spend(StringBuilder html, RunReport report) {
    html.append("<section id=\"spend\"><h2>Monthly spend</h2>");
    List<MonthTotal> totals = report.monthlyTotals();
    if (totals.isEmpty()) {
      html.append("<p class=\"empty\">No transactions yet.</p></section>\n");
      return;
    }
    html.append("<h3>Total per month, all customers</h3><div class=\"chart-row\"><figure>")
        .append(
            Charts.bars(
                "Total spend per month",
                totals.stream().map(MonthTotal::label).toList(),
                totals.stream().map(MonthTotal::totalSpend).toList(),
                null,
                report.currency()))
        .append(
            "</figure><div class=\"months\"><table"
                + " id=\"monthly-totals\"><thead><tr><th>month</th><th"
                + " class=\"num\">total</th></tr></thead><tbody>");
    for (MonthTotal month : totals) {
      html.append("<tr><td>")
          .append(month.label())
          .append("</td><td class=\"num\" data-k=\"month_total.")
          .append(month.label())
          .append("\">")
          .append(Numbers.money(month.totalSpend()))
          .append("</td></tr>");
    }
    html.append("</tbody></table></div></div>");
    RunReport.CustomerSpend customer = report.customerSpend();
    if (customer != null) {
      List<CustomerMonth> months = customer.months();
      html.append("<h3>Customer <span data-k=\"cust.id\">")
          .append(Html.escape(customer.customerId()))
          .append("</span>");
      if (customer.name() != null && !customer.name().isBlank()) {
        html.append(" (").append(Html.escape(customer.name())).append(')');
      }
      html.append(
              ": total vs average to date</h3><p class=\"legend\"><span class=\"sw"
                  + " bar\"></span>total <span class=\"sw avg\"></span>average per month to date"
                  + " (idle months count as 0)</p>")
          .append("<div class=\"chart-row\"><figure>")
          .append(
              Charts.bars(
                  "Spend of " + customer.customerId() + " per month",
                  months.stream().map(CustomerMonth::label).toList(),
                  months.stream().map(CustomerMonth::totalSpend).toList(),
                  months.stream().map(CustomerMonth::avgMonthlySpendToDate).toList(),
                  report.currency()))
          .append(
              "</figure><div class=\"months\"><table"
                  + " id=\"customer-months\"><thead><tr><th>month</th>")
          .append(
              "<th class=\"num\">total</th><th class=\"num\">avg to date</th></tr></thead><tbody>");
      for (CustomerMonth month : months) {
        html.append("<tr><td>")
            .append(month.label())
            .append("</td><td class=\"num\" data-k=\"cust.")
            .append(month.label())
            .append(".total\">")
            .append(Numbers.money(month.totalSpend()))
            .append("</td><td class=\"num\" data-k=\"cust.")
            .append(month.label())
            .append(".avg\">")
            .append(Numbers.money(month.avgMonthlySpendToDate()))
            .append("</td></tr>");
      }
      html.append("</tbody></table></div></div>");
    }
    html.append("</section>\n");
  }

  private static void top(StringBuilder html, TopCustomers top, String currency) {
    html.append("<section id=\"top\"><h2>Top 5 % customers by lifetime value</h2>");
    if (top == null || top.customers().isEmpty()) {
      html.append("<p class=\"empty\">No customer with spend yet.</p></section>\n");
      return;
    }
    html.append("<p>")
        .append(top.fromSnapshot() ? "Snapshot as of " : "Live view (no snapshot this run), ")
        .append("<span data-k=\"top.as_of\">")
        .append(Html.escape(top.asOf()))
        .append("</span>: ")
        .append("threshold <strong data-k=\"top.threshold\">")
        .append(Numbers.money(top.thresholdValue()))
        .append("</strong> ")
        .append(Html.escape(currency))
        .append(" · population <strong data-k=\"top.population\">")
        .append(Numbers.count(top.population()))
        .append("</strong> customers with spend · <strong data-k=\"top.count\">")
        .append(Numbers.count(top.customers().size()))
        .append("</strong> in the list (ties at the threshold included)</p>");
    html.append(
            "<table class=\"top\"><thead><tr><th"
                + " class=\"num\">rank</th><th>customer</th><th>name</th><th>city</th>")
        .append("<th class=\"num\">lifetime value</th></tr></thead><tbody>");
    for (TopCustomer customer : top.customers()) {
      String id = Html.escape(customer.customerId());
      html.append("<tr data-customer=\"")
          .append(id)
          .append("\"><td class=\"num\" data-k=\"top.")
          .append(id)
          .append(".rank\">")
          .append(customer.valueRank())
          .append("</td><td><code>")
          .append(id)
          .append("</code></td><td>")
          .append(Html.escape(customer.name()))
          .append("</td><td>")
          .append(Html.escape(place(customer)))
          .append("</td><td class=\"num\" data-k=\"top.")
          .append(id)
          .append(".value\">")
          .append(Numbers.money(customer.lifetimeValue()))
          .append("</td></tr>");
    }
    html.append("</tbody></table></section>\n");
  }

  private static void change(StringBuilder html, SnapshotChange change, String currency) {
    html.append("<section id=\"change\"><h2>Latest snapshot vs the previous one</h2>");
    if (change == null) {
      html.append("<p class=\"empty\">No snapshot yet.</p></section>\n");
      return;
    }
    if (change.previous() == null) {
      html.append("<p class=\"empty\">Only one snapshot so far (<span data-k=\"change.latest\">")
          .append(Html.escape(change.latest()))
          .append("</span>): nothing to compare with yet.</p></section>\n");
      return;
    }
    html.append("<p><span data-k=\"change.previous\">")
        .append(Html.escape(change.previous()))
        .append("</span> → <span data-k=\"change.latest\">")
        .append(Html.escape(change.latest()))
        .append("</span>: <strong data-k=\"change.entered\">")
        .append(change.entered().size())
        .append("</strong> entered, <strong data-k=\"change.left\">")
        .append(change.left().size())
        .append("</strong> left, <strong data-k=\"change.stayed\">")
        .append(change.stayed())
        .append("</strong> stayed.</p><div class=\"two\">");
    movers(html, "Entered", "entered", change.entered(), currency);
    movers(html, "Left", "left", change.left(), currency);
    html.append("</div></section>\n");
  }

  private static void movers(
      StringBuilder html, String title, String kind, List<TopCustomer> customers, String currency) {
    html.append("<div class=\"movers ")
        .append(kind)
        .append("\"><h3>")
        .append(title)
        .append("</h3>");
    if (customers.isEmpty()) {
      html.append("<p class=\"empty\">Nobody.</p></div>");
      return;
    }
    html.append("<ul>");
    for (TopCustomer customer : customers) {
      html.append("<li data-")
          .append(kind)
          .append("=\"")
          .append(Html.escape(customer.customerId()))
          .append("\"><code>")
          .append(Html.escape(customer.customerId()))
          .append("</code> ")
          .append(Html.escape(customer.name()))
          .append(" — rank ")
          .append(customer.valueRank())
          .append(", ")
          .append(Numbers.money(customer.lifetimeValue()))
          .append(' ')
          .append(Html.escape(currency))
          .append("</li>");
    }
    html.append("</ul></div>");
  }

  private static void notDeployed(StringBuilder html, List<String> notDeployed) {
    if (notDeployed.isEmpty()) {
      return;
    }
    html.append("<section id=\"not-deployed\"><h2>Not deployed yet (skipped)</h2><ul>");
    notDeployed.forEach(m -> html.append("<li>").append(Html.escape(m)).append("</li>"));
    html.append("</ul></section>\n");
  }

  static String cut(String text) {
    if (text == null || text.length() <= MAX_EXAMPLE_CHARS) {
      return text;
    }
    return text.substring(0, MAX_EXAMPLE_CHARS)
        + "… ("
        + Numbers.count(text.length())
        + " characters)";
  }

  private static String place(TopCustomer customer) {
    String city = customer.city() == null ? "" : customer.city();
    String country = customer.country() == null ? "" : customer.country();
    return city.isEmpty() || country.isEmpty() ? city + country : city + ", " + country;
  }

  private static String percent(double value, double max) {
    return String.format(Locale.ROOT, "%.1f", max <= 0 ? 0 : 100 * value / max);
  }

  /** Inlined into every page; read once from the classpath. */
  private static final String CSS = readCss();

  private static String readCss() {
    try (InputStream in = ReportPage.class.getResourceAsStream("report.css")) {
      if (in == null) {
        throw new IllegalStateException("report.css is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read report.css", e);
    }
  }
}
