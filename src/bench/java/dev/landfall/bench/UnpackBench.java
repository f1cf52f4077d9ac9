package dev.landfall.bench;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.LoadJobConfiguration;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import dev.landfall.bigquery.BigQueryClients;
import dev.landfall.config.LandfallConfig;
import dev.landfall.landing.BenchEntryPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measure 5: {@code CALL transactions.unpack()} and {@code CALL customers.unpack()} over a lake
 * of N rows per source on the local engine, then again after +1 % rows landed the next day.
 *
 * <p>The lake is filled by the engine's fast path, not the Beam pipeline (measured elsewhere):
 * {@link PlainLanding} writes the exact lake rows as JSON lines, a load job appends them, and
 * one ledger row per file is inserted, as a landing run would write it. Day 1 holds N rows per
 * source, day 2 the extra 1 %: so the second unpack finds only day 2's files pending and, on
 * BigQuery, reads only day 2's lake partition.
 */
public final class UnpackBench {
  static final String DAY1 = "2026-11-01T05:00:00Z";
  static final String DAY2 = "2026-11-02T05:00:00Z";

  private final BigQuery bigQuery;
  private final String project;
  private final LandfallConfig config;
  private final Path work;
  private final Generator generator = new Generator(7);

  /** One unpack call: its time and the lake partitions (days) its pending files cover. */
  public record Call(String procedure, double seconds, List<String> partitions) {}

  /**
   * The rounds (first, after +1 %, then with nothing pending: the engine's fixed cost of a call)
   * and the table counts after them (for a sanity check).
   */
  public record Result(
      long rowsPerSource,
      List<Call> first,
      List<Call> second,
      List<Call> idle,
      String counts,
      String scans) {}

  UnpackBench(BigQuery bigQuery, String project, LandfallConfig config, Path work) {
    this.bigQuery = bigQuery;
    this.project = project;
    this.config = config;
    this.work = work;
  }

  Result run(long rowsPerSource) throws IOException, InterruptedException {
    long extra = Math.max(1, rowsPerSource / 100);
    land("day1", DAY1, "bench-load-1", 0, rowsPerSource);
    List<Call> first = unpackBoth();
    land("day2", DAY2, "bench-load-2", rowsPerSource, extra);
    List<Call> second = unpackBoth();
    List<Call> idle = unpackBoth();
    return new Result(rowsPerSource, first, second, idle, counts(), scans());
  }

  /**
   * Where the time goes: typing the lake through each service's {@code typed_lake_records} view,
   * over the whole lake and over day 2 only (what unpack reads; the engine cannot prune, BigQuery
   * does).
   */
  private String scans() throws InterruptedException {
    StringBuilder out = new StringBuilder();
    for (String source : List.of("transactions", "customers")) {
      String view = "`" + config.dataset(source) + "`.typed_lake_records";
      double all = timed("SELECT COUNT(*) AS n FROM " + view + " WHERE reason_code IS NULL");
      double day2 =
          timed(
              "SELECT COUNT(*) AS n FROM " + view + " WHERE reason_code IS NULL AND"
                  + " ingestion_timestamp >= TIMESTAMP '2026-11-02' AND ingestion_timestamp <"
                  + " TIMESTAMP '2026-11-03'");
      out.append(String.format("%s%s: whole lake %.2f s, day 2 only %.2f s",
          out.length() == 0 ? "" : "; ", view.replace("`", ""), all, day2));
    }
    return out.toString();
  }

  private double timed(String sql) throws InterruptedException {
    long started = System.nanoTime();
    query(sql).iterateAll().forEach(row -> {});
    return (System.nanoTime() - started) / 1e9;
  }

  private void land(String day, String timestamp, String loadId, long first, long count)
      throws IOException, InterruptedException {
    Path dir = work.resolve(day);
    List<String> uris = new ArrayList<>();
    List<String> ledgerRows = new ArrayList<>();
    for (Generator.Kind kind : Generator.Kind.values()) {
      String source = kind.name().toLowerCase(java.util.Locale.ROOT);
      Path csv = generator.write(kind, dir, source + "_" + day, first, count, 1).get(0);
      Path rows = dir.resolve(source + "_" + day + ".json");
      long records = PlainLanding.land(List.of(csv), rows, timestamp, loadId);
      uris.add(rows.toAbsolutePath().toString());
      ledgerRows.add(
          String.format(
              "(%s, %s, %d, %s, %s, %s, TIMESTAMP %s, %d, 0, 0)",
              quote(csv.toAbsolutePath().toString()), quote(source), Files.size(csv),
              quote(BenchEntryPoint.contentSha256(csv)), quote(kind.header.strip()), quote(loadId),
              quote(timestamp), records));
    }
    TableId lake = TableId.of(project, config.lakeDataset(), "raw_records");
    LoadJobConfiguration load =
        LoadJobConfiguration.newBuilder(lake, uris, FormatOptions.json())
            .setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND)
            .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
            .build();
    Job job = bigQuery.create(JobInfo.of(load)).waitFor();
    if (job == null || job.getStatus().getError() != null) {
      throw new IllegalStateException("lake load failed: " + (job == null ? "gone" : job.getStatus()));
    }
    execute(
        "INSERT INTO `" + config.lakeDataset() + "`.landed_files (source_file, source,"
            + " file_size_bytes, content_sha256, header, load_id, landed_at, records_landed,"
            + " parse_errors, blank_lines) VALUES " + String.join(", ", ledgerRows));
  }

  private List<Call> unpackBoth() throws InterruptedException {
    List<Call> calls = new ArrayList<>();
    for (String source : List.of("transactions", "customers")) {
      String dataset = config.dataset(source);
      List<String> partitions = pendingPartitions(source, dataset);
      long started = System.nanoTime();
      execute("CALL `" + dataset + "`.unpack()");
      calls.add(new Call(source + ".unpack()", (System.nanoTime() - started) / 1e9, partitions));
    }
    return calls;
  }

  /** The lake partitions unpack() will prune to: the days of its pending files' landed_at. */
  private List<String> pendingPartitions(String source, String dataset) throws InterruptedException {
    TableResult result =
        query(
            "SELECT DISTINCT CAST(DATE(ledger.landed_at) AS STRING) AS day FROM `"
                + config.lakeDataset() + "`.landed_files AS ledger LEFT JOIN `" + dataset
                + "`.unpacked_files AS done ON done.source_file = ledger.source_file AND"
                + " done.load_id = ledger.load_id WHERE ledger.source = " + quote(source)
                + " AND done.source_file IS NULL ORDER BY day");
    List<String> days = new ArrayList<>();
    for (FieldValueList row : result.iterateAll()) {
      days.add(row.get(0).getStringValue());
    }
    return days;
  }

  private String counts() throws InterruptedException {
    String tx = config.transactionsDataset();
    String cu = config.customersDataset();
    TableResult result =
        query(
            "SELECT (SELECT COUNT(*) FROM `" + config.lakeDataset() + "`.raw_records) AS lake_rows,"
                + " (SELECT COUNT(*) FROM `" + tx + "`.transactions) AS transactions,"
                + " (SELECT COUNT(*) FROM `" + tx + "`.rejects) AS transaction_rejects,"
                + " (SELECT COUNT(*) FROM `" + cu + "`.customers_history) AS customer_versions,"
                + " (SELECT COUNT(*) FROM `" + cu + "`.duplicates) AS customer_duplicates");
    FieldValueList row = result.iterateAll().iterator().next();
    return String.format(
        "lake rows %s; transactions %s (rejects %s); customer versions %s (unchanged re-sends %s)",
        row.get(0).getStringValue(), row.get(1).getStringValue(), row.get(2).getStringValue(),
        row.get(3).getStringValue(), row.get(4).getStringValue());
  }

  private TableResult query(String sql) throws InterruptedException {
    return bigQuery.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
  }

  private void execute(String sql) throws InterruptedException {
    // A job polled to completion: a long CALL outlives the synchronous jobs.query wait.
    Job job =
        bigQuery.create(JobInfo.of(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build()));
    while (true) {
      job = job.reload();
      if (job == null) {
        throw new IllegalStateException("job vanished: " + sql);
      }
      if (job.isDone()) {
        break;
      }
      Thread.sleep(100);
    }
    if (job.getStatus().getError() != null) {
      throw new IllegalStateException(job.getStatus().getError() + " in: " + sql);
    }
  }

  /**
   * The local-engine client: {@link BigQueryClients}, whose local settings already allow a CALL
   * over a million rows its minutes.
   */
  static BigQuery client(String project, String endpoint) {
    return BigQueryClients.create(project, endpoint);
  }

  /** {@code UnpackBench ROWS_PER_SOURCE WORK_DIR CONFIG} against {@code LANDFALL_BQ_ENDPOINT}. */
  public static void main(String[] args) throws Exception {
    String project = System.getenv().getOrDefault("LANDFALL_BQ_PROJECT", "landfall-local");
    BigQuery bigQuery = client(project, System.getenv("LANDFALL_BQ_ENDPOINT"));
    Result r =
        new UnpackBench(bigQuery, project, LandfallConfig.load(Path.of(args[2])), Path.of(args[1]))
            .run(Long.parseLong(args[0]));
    System.out.println(r);
  }

  /** A SQL string literal (only for the bench's own values: paths, hashes, names). */
  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
