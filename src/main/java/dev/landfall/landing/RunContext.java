package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableReference;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;

/**
 * The constants of one landing run, fixed when the pipeline is built: its id, its start time
 * (every row's {@code ingestion_timestamp}) and the tables it writes.
 */
record RunContext(
    String loadId,
    Instant startedAt,
    String outputTable,
    String ledgerTable,
    String deadLetterDirectory,
    String privacyDataset)
    implements Serializable {

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  static RunContext of(LandingOptions options, Instant now) {
    String loadId =
        options.getLoadId().isEmpty()
            ? "load-" + ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8)
            : options.getLoadId();
    String ledger =
        options.getLedgerTable().isEmpty()
            ? siblingTable(options.getOutputTable(), "landed_files")
            : options.getLedgerTable();
    String deadLetters =
        options.getDeadLetterDirectory().isEmpty()
            ? stripSlash(options.getTempLocation()) + "/dead-letter/" + loadId
            : stripSlash(options.getDeadLetterDirectory()) + "/" + loadId;
    return new RunContext(
        loadId,
        now,
        options.getOutputTable(),
        ledger,
        deadLetters,
        siblingDataset(
            options.getOutputTable(),
            options.getPrivacyDataset().isEmpty() ? "privacy" : options.getPrivacyDataset()));
  }

  /** The run start as BigQuery's TIMESTAMP text, microsecond precision like the column. */
  String ingestionTimestamp() {
    return DateTimeFormatter.ISO_INSTANT.format(startedAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  /** {@code <privacy dataset>.erased_lines}: the lines this run landed as erased. */
  String erasedLinesTable() {
    return privacyDataset + ".erased_lines";
  }

  static String siblingTable(String tableSpec, String tableName) {
    TableReference ref = BigQueryHelpers.parseTableSpec(tableSpec);
    String dataset = ref.getDatasetId() + "." + tableName;
    return ref.getProjectId() == null ? dataset : ref.getProjectId() + ":" + dataset;
  }

  /** {@code dataset} in the project of {@code tableSpec}, unless it names its own project. */
  static String siblingDataset(String tableSpec, String dataset) {
    if (dataset.contains(":")) {
      return dataset;
    }
    TableReference ref = BigQueryHelpers.parseTableSpec(tableSpec);
    return ref.getProjectId() == null ? dataset : ref.getProjectId() + ":" + dataset;
  }

  private static String stripSlash(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException(
          "--tempLocation (or --deadLetterDirectory) is required: refused rows are written there");
    }
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
