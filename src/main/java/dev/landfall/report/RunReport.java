package dev.landfall.report;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What one run did and what the numbers look like, as plain values. Built once from the export
 * query results (see {@code dev.landfall.flow.ReportBuilder}); the terminal summary, {@code
 * summary.json} and {@code report.html} are all rendered from one instance, so they cannot disagree
 * with each other or with the CSV exports.
 *
 * @param loadId the landing run reported on, or null for every load
 * @param snapshotDate the snapshot this run wrote, or null
 * @param currency the base currency every amount is in
 * @param fileRoot the folder all the run's files are in (ending with {@code /}), or "": paths are
 *     shown relative to it, so the page names {@code customers/a.csv}, not a machine's full path
 * @param sources per source, in configuration order
 * @param monthlyTotals spend per calendar month summed over all customers, oldest first
 * @param customerSpend one customer's months, or null when there is no spend at all
 * @param top the top 5 % list shown, or null when there is none
 * @param change the latest snapshot against the one before, or null without snapshots
 * @param facts files, bytes, records and step durations
 * @param erasures the erasure requests whose customers' lines this run's landing marked (never
 *     the customer id), by request id
 * @param notDeployed steps skipped because their objects are not deployed
 */
public record RunReport(
    String loadId,
    String snapshotDate,
    String currency,
    String fileRoot,
    List<SourceSummary> sources,
    List<MonthTotal> monthlyTotals,
    CustomerSpend customerSpend,
    TopCustomers top,
    SnapshotChange change,
    RunFacts facts,
    List<Erasure> erasures,
    List<String> notDeployed) {

  /**
   * Conservation of one source: lake rows = typed + rejected + duplicates + erased. {@code typed},
   * {@code rejected}, {@code duplicates} and {@code erased} are null for a source without routines
   * (it stays in the lake);
   * {@code status} is the reconciliation view's status ({@code balanced}, {@code awaiting_unpack},
   * {@code rows_dead_lettered}, …), or null then.
   */
  public record SourceSummary(
      String source,
      long lakeRows,
      Long typed,
      Long rejected,
      Long duplicates,
      Long erased,
      String status,
      List<RejectReason> rejects) {

    public boolean hasRoutines() {
      return typed != null;
    }

    public boolean isBalanced() {
      return hasRoutines() && lakeRows == typed + rejected + duplicates + erased;
    }

    /**
     * What the page, {@code summary.json} and the terminal say: {@code balanced} only when the
     * counts add up and the view found nothing else wrong; otherwise the view's status, which can
     * flag balanced counts too ({@code rows_dead_lettered}: records read but never in the lake).
     * Null without routines.
     */
    public String verdict() {
      if (!hasRoutines()) {
        return null;
      }
      boolean viewSaysBalanced = status == null || "balanced".equals(status);
      return isBalanced() && viewSaysBalanced ? "balanced" : status;
    }
  }

  /**
   * One erasure request whose customer's lines this run landed as erased (CONTRACT §6).
   *
   * @param requestedAt when the erasure committed (ISO-8601), or null when the erasure log is not
   *     readable by whoever runs the report
   * @param lines per source, the lines landed as the erasure marker
   * @param pseudonymisedLines per source, the lines landed under the pseudonym (transactions kept
   *     in pseudonymise mode)
   */
  public record Erasure(
      String requestId,
      String requestedAt,
      Map<String, Long> lines,
      Map<String, Long> pseudonymisedLines) {

    public long totalLines() {
      return lines.values().stream().mapToLong(Long::longValue).sum()
          + pseudonymisedLines.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** One reject reason of a source: how many, and the first few rows in file order. */
  public record RejectReason(String reasonCode, long count, List<RejectExample> examples) {}

  /** A rejected row: where it is, why, and the record as the lake holds it. */
  public record RejectExample(
      String sourceFile, long sourceOffset, String reason, String dataString) {}

  public record MonthTotal(int year, int month, BigDecimal totalSpend) {
    public String label() {
      return String.format("%04d-%02d", year, month);
    }
  }

  public record CustomerMonth(
      int year, int month, BigDecimal totalSpend, BigDecimal avgMonthlySpendToDate) {
    public String label() {
      return String.format("%04d-%02d", year, month);
    }
  }

  /** The chosen customer's spend per month, total and average to date. */
  public record CustomerSpend(String customerId, String name, List<CustomerMonth> months) {}

  /**
   * The top 5 % list: from the snapshot of {@code asOf}, or from the live view when this run made
   * no snapshot ({@code fromSnapshot} false).
   */
  public record TopCustomers(
      String asOf,
      boolean fromSnapshot,
      BigDecimal thresholdValue,
      long population,
      List<TopCustomer> customers) {}

  public record TopCustomer(
      long valueRank,
      String customerId,
      String name,
      String city,
      String country,
      BigDecimal lifetimeValue) {}

  /** Who entered and who left the top list between the previous snapshot and the latest. */
  public record SnapshotChange(
      String latest,
      String previous,
      List<TopCustomer> entered,
      List<TopCustomer> left,
      int stayed) {}

  /**
   * Facts of the landing run from the ledger ({@code lake.landed_files}) plus step durations in
   * seconds, in the order the steps ran, and the files no configured source claims (not landed;
   * CONTRACT §1).
   */
  public record RunFacts(
      long files,
      long bytes,
      long records,
      long parseErrors,
      long blankLines,
      Map<String, Double> stepSeconds,
      List<String> unmatchedFiles) {

    /** Records landed per second of the landing step, or null when its duration is unknown. */
    public Double recordsPerSecond() {
      Double landing = stepSeconds.get(LANDING_STEP);
      return landing == null || landing <= 0 ? null : records / landing;
    }
  }

  /** {@code path} relative to {@link #fileRoot}, or as it is when it lies elsewhere. */
  public String relative(String path) {
    return path != null && !fileRoot.isEmpty() && path.startsWith(fileRoot)
        ? path.substring(fileRoot.length())
        : path;
  }

  /** {@code text} (e.g. a reject reason naming another file) with {@link #fileRoot} left out. */
  public String withRelativePaths(String text) {
    return text == null || fileRoot.isEmpty() ? text : text.replace(fileRoot, "");
  }

  /** The longest folder prefix (up to a {@code /}) shared by all {@code paths}; "" if none. */
  public static String commonFolder(List<String> paths) {
    String common = null;
    for (String path : paths) {
      String folder = path.substring(0, path.lastIndexOf('/') + 1);
      if (common == null) {
        common = folder;
      } else {
        int n = 0;
        while (n < common.length() && n < folder.length() && common.charAt(n) == folder.charAt(n)) {
          n++;
        }
        common = common.substring(0, common.lastIndexOf('/', n - 1) + 1);
      }
    }
    return common == null ? "" : common;
  }

  /** The step name whose duration gives records/s. */
  public static final String LANDING_STEP = "landing";
}
