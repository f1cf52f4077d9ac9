package dev.landfall.flow;

import dev.landfall.bigquery.BigQueryClients;
import dev.landfall.config.LandfallConfig;
import dev.landfall.landing.SourceRules;
import dev.landfall.report.ReportPage;
import dev.landfall.report.RunReport;
import dev.landfall.report.SummaryJson;
import dev.landfall.report.TerminalSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * After a landing run: unpacks every source that has routines, snapshots the top customers, exports
 * the results and reports on them: the terminal summary, and with {@code --out} the CSV exports,
 * {@code summary.json} and {@code report.html}, all from the same query results. The same command
 * works on the local engine ({@code --endpoint}) and on BigQuery (application default credentials).
 *
 * <pre>
 * FlowCommand --config terraform/config.yaml --project P [--endpoint URL]
 *             [--load-id ID] [--as-of YYYY-MM-DD|latest] [--out DIR] [--no-unpack] [--no-snapshot]
 *             [--compare-previous-week] [--customer ID] [--timing STEP=SECONDS]... [--data DIR]
 * </pre>
 *
 * {@code --timing} passes the durations of steps that ran before (e.g. {@code landing=13.5}) so the
 * report shows every step and records/s; {@code --customer} picks the customer whose monthly spend
 * is charted (default: the highest lifetime value); {@code --compare-previous-week} also snapshots
 * the week before the as-of date when no earlier snapshot exists; {@code --data} names the folder
 * that was landed, so the report lists its CSV files that no configured source claims (the landing
 * skipped them, by the same {@link SourceRules}).
 */
public final class FlowCommand {
  private FlowCommand() {}

  public static void main(String[] args) throws IOException {
    Settings settings = Settings.parse(args);
    LandfallConfig config = LandfallConfig.load(settings.config());
    String projectId = config.projectOr(settings.project());
    run(
        new Queries(BigQueryClients.create(projectId, settings.endpoint())),
        config,
        settings,
        System.out);
  }

  /** The command line, parsed. */
  record Settings(
      Path config,
      String project,
      String endpoint,
      String loadId,
      String asOf,
      String customer,
      Path out,
      boolean unpack,
      boolean snapshot,
      boolean previousWeek,
      Map<String, Double> timings,
      Path data) {

    static Settings parse(String... args) {
      Deque<String> queue = new ArrayDeque<>(List.of(args));
      Path config = Path.of("terraform/config.yaml");
      String project = null;
      String endpoint = null;
      String loadId = null;
      String asOf = "latest";
      String customer = null;
      Path out = null;
      boolean unpack = true;
      boolean snapshot = true;
      boolean previousWeek = false;
      Map<String, Double> timings = new LinkedHashMap<>();
      Path data = null;
      while (!queue.isEmpty()) {
        String flag = queue.pop();
        switch (flag) {
          case "--config" -> config = Path.of(value(queue, flag));
          case "--project" -> project = value(queue, flag);
          case "--endpoint" -> endpoint = value(queue, flag);
          case "--load-id" -> loadId = value(queue, flag);
          case "--as-of" -> asOf = value(queue, flag);
          case "--customer" -> customer = value(queue, flag);
          case "--out" -> out = Path.of(value(queue, flag));
          case "--no-unpack" -> unpack = false;
          case "--no-snapshot" -> snapshot = false;
          case "--compare-previous-week" -> previousWeek = true;
          case "--timing" -> putTiming(timings, value(queue, flag));
          case "--data" -> data = Path.of(value(queue, flag));
          default -> throw new IllegalArgumentException("Unknown argument: " + flag);
        }
      }
      return new Settings(
          config,
          project,
          endpoint,
          loadId,
          asOf,
          customer,
          out,
          unpack,
          snapshot,
          previousWeek,
          timings,
          data);
    }
  }

  /**
   * Runs the steps on {@code queries}, prints the summary to {@code terminal}, writes the files.
   */
  static RunReport run(
      Queries queries, LandfallConfig config, Settings settings, PrintStream terminal)
      throws IOException {
    Flow flow = new Flow(queries, config);
    if (settings.unpack()) {
      flow.unpack();
    }
    String snapshotDate = settings.snapshot() ? flow.snapshot(settings.asOf()) : null;
    if (settings.previousWeek()) {
      flow.snapshotPreviousWeekIfNone(snapshotDate);
    }
    Map<String, Queries.Table> tables = flow.queryExports(settings.loadId());
    RunReport report =
        flow.report(
            tables,
            settings.loadId(),
            snapshotDate,
            settings.customer(),
            settings.timings(),
            unmatchedFiles(settings.data(), config));
    TerminalSummary.print(terminal, report);
    if (settings.out() != null) {
      Flow.writeExports(settings.out(), tables);
      SummaryJson.write(settings.out().resolve("summary.json"), report);
      ReportPage.write(settings.out().resolve("report.html"), report);
      terminal.println();
      terminal.println("Report: " + settings.out().resolve("report.html"));
    }
    return report;
  }

  /** Parses {@code STEP=SECONDS}; a repeated step adds up. */
  /**
   * The CSV files under {@code data} (relative paths, sorted) that no configured source claims:
   * the landing reported and skipped them. Empty without {@code --data}.
   */
  static List<String> unmatchedFiles(Path data, LandfallConfig config) throws IOException {
    if (data == null) {
      return List.of();
    }
    SourceRules rules = SourceRules.parse(SourceRules.spec(config.sources().values()));
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".csv"))
          .map(f -> data.relativize(f).toString().replace('\\', '/'))
          .filter(relative -> rules.sourceOf(relative).isEmpty())
          .sorted()
          .toList();
    }
  }

  static void putTiming(Map<String, Double> timings, String spec) {
    int eq = spec.lastIndexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--timing needs STEP=SECONDS, got " + spec);
    }
    double seconds;
    try {
      seconds = Double.parseDouble(spec.substring(eq + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--timing needs STEP=SECONDS, got " + spec, e);
    }
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException("--timing seconds must be >= 0, got " + spec);
    }
    timings.merge(spec.substring(0, eq).strip(), seconds, Double::sum);
  }

  private static String value(Deque<String> queue, String flag) {
    if (queue.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return queue.pop();
  }
}
