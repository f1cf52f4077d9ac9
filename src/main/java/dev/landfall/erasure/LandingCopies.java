package dev.landfall.erasure;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes an erasure request's lines from the landing copies (docs/erasure.md "The landing
 * copies"): the files and offsets {@code privacy.erased_lines} holds for the request and has not
 * marked done. Per file: fetch, rewrite without the customer's lines ({@link LineRemover}), record
 * the new content in the landing ledger, replace the file if unchanged since the fetch, delete its
 * earlier versions, mark its lines done. The ledger row comes first: a scheduled landing that sees
 * the rewritten file skips it by its content hash (SkipLandedContent), so its other lines are not
 * landed again; a crash before the replace leaves only a ledger row for content that never lands.
 */
final class LandingCopies {

  /** What the rewrite did, for the command's summary. */
  record Summary(int filesRewritten, int linesRemoved, int earlierVersionsDeleted, List<String> problems) {}

  private final BigQuery bigQuery;
  private final String lakeTable;
  private final String linesTable;
  private final String logTable;
  private final LandingStore store;
  private final PrintStream out;

  LandingCopies(
      BigQuery bigQuery,
      String projectId,
      String lakeDataset,
      String privacyDataset,
      LandingStore store,
      PrintStream out) {
    this.bigQuery = bigQuery;
    this.lakeTable = "`" + projectId + "." + lakeDataset + ".landed_files`";
    this.linesTable = "`" + projectId + "." + privacyDataset + ".erased_lines`";
    this.logTable = "`" + projectId + "." + privacyDataset + ".erasure_log`";
    this.store = store;
    this.out = out;
  }

  /** The files (and sources) still holding the request's lines, with the lines' offsets. */
  Map<String, FileLines> pending(String requestId) {
    Map<String, FileLines> files = new LinkedHashMap<>();
    for (FieldValueList row :
        Sql.query(
                bigQuery,
                QueryJobConfiguration.newBuilder(
                        "SELECT DISTINCT source_file, source, source_offset FROM "
                            + linesTable
                            + " WHERE request_id = @the_request AND landing_rewritten_at IS NULL"
                            + " ORDER BY source_file, source_offset")
                    .addNamedParameter("the_request", QueryParameterValue.string(requestId))
                    .build())
            .iterateAll()) {
      String file = row.get("source_file").getStringValue();
      files
          .computeIfAbsent(file, f -> new FileLines(row.get("source").getStringValue(), new TreeSet<>()))
          .offsets()
          .add(row.get("source_offset").getLongValue());
    }
    return files;
  }

  /** A file's source and the offsets of the customer's lines in it. */
  record FileLines(String source, Set<Long> offsets) {}

  Summary rewrite(String requestId, String customerId) {
    int files = 0;
    int lines = 0;
    int versions = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, FileLines> entry : pending(requestId).entrySet()) {
      String file = entry.getKey();
      if (!store.holds(file)) {
        problems.add(file + ": not in the landing bucket/folder given; its lines stay until it is rewritten from there");
        continue;
      }
      try {
        Result result = rewriteOne(requestId, customerId, file, entry.getValue());
        files += result.rewritten ? 1 : 0;
        lines += result.removed;
        versions += result.versionsDeleted;
        if (!result.notTheCustomers.isEmpty()) {
          problems.add(
              file + ": no line of the customer at offset(s) " + result.notTheCustomers
                  + " (the file changed since it was landed); left as is");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot rewrite " + file, e);
      }
    }
    if (files > 0) {
      Sql.query(
          bigQuery,
          QueryJobConfiguration.newBuilder(
                  "UPDATE " + logTable
                      + " SET landing_copies_rewritten = IFNULL(landing_copies_rewritten, 0) + @files_rewritten"
                      + " WHERE request_id = @the_request")
              .addNamedParameter("files_rewritten", QueryParameterValue.int64(files))
              .addNamedParameter("the_request", QueryParameterValue.string(requestId))
              .build());
    }
    return new Summary(files, lines, versions, List.copyOf(problems));
  }

  private record Result(boolean rewritten, int removed, int versionsDeleted, List<Long> notTheCustomers) {}

  private Result rewriteOne(String requestId, String customerId, String file, FileLines lines)
      throws IOException {
    Path original = Files.createTempFile("landfall-erase-", ".csv");
    Path rewritten = Files.createTempFile("landfall-erase-", ".csv");
    try {
      LandingStore.Version version = store.fetch(file, original);
      if (version == null) {
        out.println("  " + file + ": no longer in the landing store (nothing to remove)");
        markDone(requestId, file);
        return new Result(false, 0, 0, List.of());
      }
      LineRemover.Outcome outcome =
          LineRemover.rewrite(original, rewritten, lines.source(), lines.offsets(), customerId);
      int versionsDeleted = 0;
      if (outcome.removed() > 0) {
        recordInLedger(requestId, file, lines.source(), outcome);
        store.replace(version, rewritten, outcome.sha256());
        versionsDeleted = store.deleteEarlierVersions(file);
        out.printf(
            "  %s: %d line(s) removed, %d earlier version(s) deleted%n",
            file, outcome.removed(), versionsDeleted);
      }
      markDone(requestId, file);
      return new Result(outcome.removed() > 0, outcome.removed(), versionsDeleted, outcome.notTheCustomers());
    } finally {
      Files.deleteIfExists(original);
      Files.deleteIfExists(rewritten);
    }
  }

  /**
   * The rewritten content's ledger row: load_id {@code erasure:<request_id>}, no records landed,
   * the header of the file's earlier ledger rows.
   */
  private void recordInLedger(String requestId, String file, String source, LineRemover.Outcome outcome) {
    Sql.query(
        bigQuery,
        QueryJobConfiguration.newBuilder(
                "INSERT INTO " + lakeTable
                    + " (source_file, source, file_size_bytes, content_sha256, header, load_id,"
                    + " landed_at, records_landed, parse_errors, blank_lines, listing_identity)"
                    + " SELECT @the_file, @the_source, @the_size, @the_sha256,"
                    + " (SELECT MAX(header) FROM " + lakeTable + " WHERE source_file = @the_file),"
                    + " @the_load, CURRENT_TIMESTAMP(), 0, 0, 0, CAST(NULL AS STRING)")
            .addNamedParameter("the_file", QueryParameterValue.string(file))
            .addNamedParameter("the_source", QueryParameterValue.string(source))
            .addNamedParameter("the_size", QueryParameterValue.int64(outcome.sizeBytes()))
            .addNamedParameter("the_sha256", QueryParameterValue.string(outcome.sha256()))
            .addNamedParameter("the_load", QueryParameterValue.string("erasure:" + requestId))
            .build());
  }

  private void markDone(String requestId, String file) {
    Sql.query(
        bigQuery,
        QueryJobConfiguration.newBuilder(
                "UPDATE " + linesTable
                    + " SET landing_rewritten_at = CURRENT_TIMESTAMP()"
                    + " WHERE request_id = @the_request AND source_file = @the_file"
                    + " AND landing_rewritten_at IS NULL")
            .addNamedParameter("the_request", QueryParameterValue.string(requestId))
            .addNamedParameter("the_file", QueryParameterValue.string(file))
            .build());
  }
}
