package dev.landfall.flow;

import dev.landfall.report.RunReport;
import dev.landfall.report.RunReport.CustomerMonth;
import dev.landfall.report.RunReport.CustomerSpend;
import dev.landfall.report.RunReport.Erasure;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link RunReport} from the export query results only (the tables the CSV files are
 * written from), so the page, {@code summary.json} and the terminal show exactly what the CSVs
 * hold. Only counting, summing and picking happens here; business rules stay in the SQL.
 */
final class ReportBuilder {
  /** Reject examples shown per reason; the rest are in rejects.csv. */
  static final int EXAMPLES_PER_REASON = 3;

  /** A lake row erased on request (CONTRACT §6), and the request id in it. */
  private static final Pattern ERASED = Pattern.compile("^\\{\"_erased_by\":\"((?:[^\"\\\\]|\\\\.)*)\"\\}$");

  /** A transactions line kept under the pseudonym (pseudonymise mode), and the hash in it. */
  private static final Pattern PSEUDONYMISED =
      Pattern.compile("\"customer_id\":\"erased:([0-9a-f]{64})\"");

  private final Map<String, Queries.Table> exports;
  private final String loadId;

  /** Each export as maps, made once: lake_records can have millions of rows. */
  private final Map<String, List<Map<String, String>>> rowsByExport = new HashMap<>();

  private ReportBuilder(Map<String, Queries.Table> exports, String loadId) {
    this.exports = exports;
    this.loadId = loadId;
  }

  /**
   * @param exports export file name → its query result ({@link Flow#queryExports})
   * @param loadId the landing run, or null for every load
   * @param sources configured sources, in order (sources found only in the lake follow)
   * @param withRoutines sources whose reconciliation view is in the reconciliation export
   * @param customerId the customer whose monthly spend is charted, or null for the top one
   * @param stepSeconds step durations in the order they ran
   * @param unmatchedFiles files under the landing root that no configured source claims
   * @param erasureLog the erasure log rows of the requests this run's lake rows name, or an
   *     empty list when the log is not deployed or readable
   */
  static RunReport build(
      Map<String, Queries.Table> exports,
      String loadId,
      String snapshotDate,
      String currency,
      List<String> sources,
      Set<String> withRoutines,
      String customerId,
      Map<String, Double> stepSeconds,
      List<String> unmatchedFiles,
      List<ErasureLogRow> erasureLog,
      List<String> notDeployed) {
    ReportBuilder b = new ReportBuilder(exports, loadId);
    List<SourceSummary> summaries = b.sources(sources, withRoutines);
    List<String> files = new ArrayList<>();
    b.rows(Flow.LANDED_FILES_CSV).forEach(r -> files.add(r.get("source_file")));
    b.rows(Flow.LAKE_RECORDS_CSV).forEach(r -> files.add(r.get("source_file")));
    summaries.forEach(
        s -> s.rejects().forEach(r -> r.examples().forEach(e -> files.add(e.sourceFile()))));
    return new RunReport(
        loadId,
        snapshotDate,
        currency,
        RunReport.commonFolder(files),
        summaries,
        b.monthlyTotals(),
        b.customerSpend(customerId),
        b.top(snapshotDate),
        b.change(),
        b.facts(stepSeconds, unmatchedFiles),
        b.erasures(erasureLog),
        List.copyOf(notDeployed));
  }

  private List<SourceSummary> sources(List<String> configured, Set<String> withRoutines) {
    List<Map<String, String>> lake = rows(Flow.LAKE_RECORDS_CSV);
    Set<String> names = new LinkedHashSet<>(configured);
    lake.forEach(r -> names.add(r.get("source")));
    List<Map<String, String>> reconciliation =
        rows(Flow.RECONCILIATION_CSV).stream().filter(this::ofThisLoad).toList();
    List<SourceSummary> summaries = new ArrayList<>();
    for (String source : names) {
      long lakeRows = lake.stream().filter(r -> source.equals(r.get("source"))).count();
      if (!withRoutines.contains(source)) {
        summaries.add(
            new SourceSummary(source, lakeRows, null, null, null, null, null, List.of()));
        continue;
      }
      List<Map<String, String>> loads =
          reconciliation.stream().filter(r -> source.equals(r.get("source"))).toList();
      String status =
          loads.stream()
              .map(r -> r.get("status"))
              .filter(s -> !"balanced".equals(s))
              .findFirst()
              .orElse("balanced");
      summaries.add(
          new SourceSummary(
              source,
              lakeRows,
              sum(loads, "typed_rows"),
              sum(loads, "rejected_rows"),
              sum(loads, "duplicate_rows"),
              sum(loads, "erased_rows"),
              status,
              rejects(source)));
    }
    return summaries;
  }

  /** One request of the erasure log: what the report may show of it (never the customer). */
  record ErasureLogRow(String requestId, String requestedAt, String customerKeyHash) {}

  /**
   * The erasure requests this run's lake rows name: markers carry the request id, pseudonymised
   * transactions lines the customer's keyed hash (mapped to its request through the log).
   */
  private List<Erasure> erasures(List<ErasureLogRow> log) {
    Map<String, String> requestByHash = new HashMap<>();
    Map<String, String> requestedAt = new HashMap<>();
    for (ErasureLogRow row : log) {
      requestByHash.putIfAbsent(row.customerKeyHash(), row.requestId());
      requestedAt.put(row.requestId(), row.requestedAt());
    }
    Map<String, Map<String, Long>> marked = new TreeMap<>();
    Map<String, Map<String, Long>> pseudonymised = new TreeMap<>();
    for (Map<String, String> row : rows(Flow.LAKE_RECORDS_CSV)) {
      String data = row.get("data_string");
      if (data == null) {
        continue;
      }
      String request = erasedBy(data);
      if (request != null) {
        marked.computeIfAbsent(request, k -> new TreeMap<>()).merge(row.get("source"), 1L, Long::sum);
        continue;
      }
      Matcher pseudonym = data.contains("erased:") ? PSEUDONYMISED.matcher(data) : null;
      if (pseudonym != null && pseudonym.find()) {
        String hashRequest =
            requestByHash.getOrDefault(pseudonym.group(1), "(request not readable)");
        pseudonymised
            .computeIfAbsent(hashRequest, k -> new TreeMap<>())
            .merge(row.get("source"), 1L, Long::sum);
      }
    }
    Set<String> requests = new java.util.TreeSet<>(marked.keySet());
    requests.addAll(pseudonymised.keySet());
    return requests.stream()
        .map(
            id ->
                new Erasure(
                    id,
                    requestedAt.get(id),
                    new TreeMap<>(marked.getOrDefault(id, Map.of())),
                    new TreeMap<>(pseudonymised.getOrDefault(id, Map.of()))))
        .toList();
  }

  /** The request id of an erased lake row's marker, or null for any other data_string. */
  static String erasedBy(String dataString) {
    if (!dataString.startsWith("{\"_erased_by\"")) {
      return null;
    }
    Matcher m = ERASED.matcher(dataString);
    return m.matches() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
  }

  private List<RejectReason> rejects(String source) {
    Map<String, List<Map<String, String>>> byReason = new LinkedHashMap<>();
    for (Map<String, String> row : rows(Flow.REJECTS_CSV)) {
      if (source.equals(row.get("source")) && ofThisLoad(row)) {
        byReason.computeIfAbsent(row.get("reason_code"), k -> new ArrayList<>()).add(row);
      }
    }
    List<RejectReason> reasons = new ArrayList<>();
    byReason.forEach(
        (code, rows) ->
            reasons.add(
                new RejectReason(
                    code,
                    rows.size(),
                    rows.stream()
                        .limit(EXAMPLES_PER_REASON)
                        .map(
                            r ->
                                new RejectExample(
                                    r.get("source_file"),
                                    Long.parseLong(r.get("source_offset")),
                                    r.get("reason"),
                                    r.get("data_string")))
                        .toList())));
    reasons.sort(
        Comparator.comparingLong(RejectReason::count)
            .reversed()
            .thenComparing(RejectReason::reasonCode));
    return reasons;
  }

  private List<MonthTotal> monthlyTotals() {
    // Keyed by year * 12 + month - 1 so the TreeMap sorts chronologically.
    Map<Integer, BigDecimal> totals = new TreeMap<>();
    for (Map<String, String> row : rows(Flow.MONTHLY_SPEND_CSV)) {
      int key = Integer.parseInt(row.get("year")) * 12 + Integer.parseInt(row.get("month")) - 1;
      totals.merge(key, new BigDecimal(row.get("total_spend")), BigDecimal::add);
    }
    return totals.entrySet().stream()
        .map(e -> new MonthTotal(e.getKey() / 12, e.getKey() % 12 + 1, e.getValue()))
        .toList();
  }

  private CustomerSpend customerSpend(String chosen) {
    String customerId = chosen;
    if (customerId == null) {
      List<Map<String, String>> ranked = rows(Flow.LIFETIME_VALUE_CSV);
      if (ranked.isEmpty()) {
        return null;
      }
      customerId = ranked.get(0).get("customer_id");
    }
    String id = customerId;
    List<CustomerMonth> months =
        rows(Flow.MONTHLY_SPEND_CSV).stream()
            .filter(r -> id.equals(r.get("customer_id")))
            .map(
                r ->
                    new CustomerMonth(
                        Integer.parseInt(r.get("year")),
                        Integer.parseInt(r.get("month")),
                        new BigDecimal(r.get("total_spend")),
                        new BigDecimal(r.get("avg_monthly_spend_to_date"))))
            .sorted(
                Comparator.comparingInt(CustomerMonth::year).thenComparingInt(CustomerMonth::month))
            .toList();
    String name =
        rows(Flow.CUSTOMERS_HISTORY_CSV).stream()
            .filter(r -> id.equals(r.get("customer_id")) && "true".equals(r.get("is_current")))
            .map(ReportBuilder::name)
            .findFirst()
            .orElse(null);
    return new CustomerSpend(id, name, months);
  }

  private TopCustomers top(String snapshotDate) {
    List<Map<String, String>> snapshot =
        rows(Flow.SNAPSHOTS_CSV).stream()
            .filter(r -> Objects.equals(snapshotDate, r.get("snapshot_date")))
            .toList();
    boolean fromSnapshot = snapshotDate != null && exports.containsKey(Flow.SNAPSHOTS_CSV);
    List<Map<String, String>> list = fromSnapshot ? snapshot : rows(Flow.TOP_CUSTOMERS_CSV);
    if (!fromSnapshot && !exports.containsKey(Flow.TOP_CUSTOMERS_CSV)) {
      return null;
    }
    if (list.isEmpty()) {
      return new TopCustomers(
          fromSnapshot ? snapshotDate : "now", fromSnapshot, null, 0, List.of());
    }
    Map<String, String> first = list.get(0);
    return new TopCustomers(
        fromSnapshot ? snapshotDate : "now",
        fromSnapshot,
        new BigDecimal(first.get("threshold_value")),
        Long.parseLong(first.get("population")),
        list.stream().map(ReportBuilder::topCustomer).toList());
  }

  private SnapshotChange change() {
    TreeMap<String, List<Map<String, String>>> byDate = new TreeMap<>();
    // An erased customer's snapshot rows keep their audit figures but have no customer_id
    // (docs/erasure.md): they neither entered nor left the list, so they are not compared.
    rows(Flow.SNAPSHOTS_CSV).stream()
        .filter(r -> r.get("customer_id") != null && !r.get("customer_id").isEmpty())
        .forEach(
            r -> byDate.computeIfAbsent(r.get("snapshot_date"), k -> new ArrayList<>()).add(r));
    if (byDate.isEmpty()) {
      return null;
    }
    Map.Entry<String, List<Map<String, String>>> latest = byDate.lastEntry();
    Map.Entry<String, List<Map<String, String>>> previous = byDate.lowerEntry(latest.getKey());
    if (previous == null) {
      return new SnapshotChange(
          latest.getKey(), null, List.of(), List.of(), latest.getValue().size());
    }
    Set<String> now = ids(latest.getValue());
    Set<String> before = ids(previous.getValue());
    return new SnapshotChange(
        latest.getKey(),
        previous.getKey(),
        latest.getValue().stream()
            .filter(r -> !before.contains(r.get("customer_id")))
            .map(ReportBuilder::topCustomer)
            .toList(),
        previous.getValue().stream()
            .filter(r -> !now.contains(r.get("customer_id")))
            .map(ReportBuilder::topCustomer)
            .toList(),
        (int) now.stream().filter(before::contains).count());
  }

  private RunFacts facts(Map<String, Double> stepSeconds, List<String> unmatchedFiles) {
    List<Map<String, String>> files = rows(Flow.LANDED_FILES_CSV);
    return new RunFacts(
        files.size(),
        sum(files, "file_size_bytes"),
        sum(files, "records_landed"),
        sum(files, "parse_errors"),
        sum(files, "blank_lines"),
        new LinkedHashMap<>(stepSeconds),
        List.copyOf(unmatchedFiles));
  }

  private boolean ofThisLoad(Map<String, String> row) {
    return loadId == null || loadId.equals(row.get("load_id"));
  }

  private List<Map<String, String>> rows(String export) {
    return rowsByExport.computeIfAbsent(
        export,
        e -> {
          Queries.Table table = exports.get(e);
          return table == null ? List.of() : table.asMaps();
        });
  }

  private static long sum(List<Map<String, String>> rows, String column) {
    return rows.stream()
        .map(r -> r.get(column))
        .filter(Objects::nonNull)
        .mapToLong(Long::parseLong)
        .sum();
  }

  private static Set<String> ids(List<Map<String, String>> rows) {
    Set<String> ids = new LinkedHashSet<>();
    rows.forEach(r -> ids.add(r.get("customer_id")));
    return ids;
  }

  private static TopCustomer topCustomer(Map<String, String> row) {
    return new TopCustomer(
        Long.parseLong(row.get("value_rank")),
        row.get("customer_id"),
        name(row),
        row.get("city"),
        row.get("country"),
        new BigDecimal(row.get("lifetime_value")));
  }

  private static String name(Map<String, String> row) {
    String name =
        (Objects.toString(row.get("first_name"), "")
                + " "
                + Objects.toString(row.get("last_name"), ""))
            .strip();
    return name.isEmpty() ? null : name;
  }
}
