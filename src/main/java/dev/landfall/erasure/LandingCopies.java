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
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Removes erased lines from the landing copies (docs/erasure.md "The landing copies"): the files
 * and offsets {@code privacy.erased_lines} holds and has not marked done, for one request (after
 * the erase procedure) or for every request ({@code --landing-copies}: the lines a landing marked
 * in a re-delivered file). Per file: fetch, rewrite without the lines ({@link LineRemover}),
 * record the new content in the landing ledger, replace the file if unchanged since the fetch,
 * delete its earlier versions, mark its lines done. The ledger row comes first: a scheduled
 * landing that sees the rewritten file skips it by its content hash (SkipLandedContent), so its
 * other lines are not landed again; a crash before the replace leaves only a ledger row for
 * content that never lands.
 *
 * <p>Only lines of a committed load are taken: their {@code (source_file, load_id)} has a row in
 * {@code lake.landed_files}, which a landing writes only after the file's lake rows committed. A
 * landing that failed after recording its erased lines has no ledger row: rewriting the file then
 * would put the new content's hash in the ledger, so the file would never land again and its other
 * lines would be lost. Such lines stay pending (counted as waiting) until their load commits; a
 * load that never does is landed again under a new load id, which records the lines anew.
 */
final class LandingCopies {

  /** What the rewrite did (or, in a dry run, would do), for the command's summary. */
  record Summary(
      int filesRewritten,
      int linesRemoved,
      int earlierVersionsDeleted,
      long linesWaiting,
      List<String> problems) {}

  /** One recorded line still in its landing file. */
  record PendingLine(String requestId, String loadId, long offset) {}

  /** A file's source and its recorded lines, by offset. */
  record FileLines(String source, TreeMap<Long, List<PendingLine>> byOffset) {
    Set<Long> offsets() {
      return byOffset.keySet();
    }

    Set<String> loads() {
      Set<String> loads = new TreeSet<>();
      byOffset.values().forEach(lines -> lines.forEach(l -> loads.add(l.loadId())));
      return loads;
    }

    Set<String> requests() {
      Set<String> requests = new TreeSet<>();
      byOffset.values().forEach(lines -> lines.forEach(l -> requests.add(l.requestId())));
      return requests;
    }
  }

  /**
   * The lines still in landing files: those of committed loads, how many wait for theirs, and
   * what was left aside (reported).
   */
  record Pending(Map<String, FileLines> files, long linesWaiting, List<String> problems) {}

  private final BigQuery bigQuery;
  private final String ledgerTable;
  private final String linesTable;
  private final String logTable;
  private final LandingStore store;
  private final PrintStream out;
  private final boolean dryRun;

  LandingCopies(
      BigQuery bigQuery,
      String projectId,
      String lakeDataset,
      String privacyDataset,
      LandingStore store,
      PrintStream out,
      boolean dryRun) {
    this.bigQuery = bigQuery;
    this.ledgerTable = "`" + projectId + "." + lakeDataset + ".landed_files`";
    this.linesTable = "`" + projectId + "." + privacyDataset + ".erased_lines`";
    this.logTable = "`" + projectId + "." + privacyDataset + ".erasure_log`";
    this.store = store;
    this.out = out;
    this.dryRun = dryRun;
  }

  /**
   * The recorded lines not yet removed, of one request (null: every request), split into those
   * of committed loads (by file) and a count of those whose load has no ledger row. Reads
   * erased_lines and the ledger's source_file and load_id columns only: no lake table.
   */
  Pending pending(String requestIdOrNull) {
    QueryJobConfiguration.Builder query =
        QueryJobConfiguration.newBuilder(
            "SELECT lines.source_file, lines.source, lines.source_offset, lines.load_id,"
                + " lines.request_id, ledger.load_id IS NOT NULL AS committed"
                + " FROM " + linesTable + " AS lines"
                + " LEFT JOIN (SELECT DISTINCT source_file, load_id FROM " + ledgerTable + ") AS ledger"
                + " ON ledger.source_file = lines.source_file AND ledger.load_id = lines.load_id"
                + " WHERE lines.landing_rewritten_at IS NULL"
                + (requestIdOrNull == null ? "" : " AND lines.request_id = @the_request")
                + " ORDER BY lines.source_file, lines.source_offset, lines.request_id");
    if (requestIdOrNull != null) {
      query.addNamedParameter("the_request", QueryParameterValue.string(requestIdOrNull));
    }
    Map<String, FileLines> files = new LinkedHashMap<>();
    long waiting = 0;
    for (FieldValueList row : Sql.query(bigQuery, query.build()).iterateAll()) {
      if (!row.get("committed").getBooleanValue()) {
        waiting++;
        continue;
      }
      String file = row.get("source_file").getStringValue();
      files
          .computeIfAbsent(file, f -> new FileLines(row.get("source").getStringValue(), new TreeMap<>()))
          .byOffset()
          .computeIfAbsent(row.get("source_offset").getLongValue(), o -> new ArrayList<>())
          .add(
              new PendingLine(
                  row.get("request_id").getStringValue(),
                  row.get("load_id").getStringValue(),
                  row.get("source_offset").getLongValue()));
    }
    return new Pending(files, waiting, List.of());
  }

  /** The request's lines: the record at each offset must be the customer's (the id in clear). */
  Summary rewrite(String requestId, String customerId) {
    return rewrite(pending(requestId), (file, lines) -> (offset, data) -> LineRemover.isCustomers(data, customerId));
  }

  /**
   * Every request's lines, without the customer id: the record at each offset must carry, as its
   * customer id (or a field of a line that could not be parsed), an id whose keyed hash is the one
   * the erasure log holds for the line's request.
   */
  Summary sweep(byte[] keyOrNull) {
    Pending pending = pending(null);
    if (pending.files().isEmpty()) {
      return rewrite(pending, null);
    }
    if (keyOrNull == null) {
      throw new ErasureException(
          linesTable + " holds lines to remove but privacy.erasure_key holds no key: restore it");
    }
    CustomerKeyHash keyedHash = new CustomerKeyHash(keyOrNull);
    Map<String, String> hashByRequest = loggedHashes();
    Map<String, String> hashes = new java.util.HashMap<>();
    return rewrite(
        withoutUnloggedRequests(pending, hashByRequest.keySet()),
        (file, lines) ->
            (offset, data) -> {
              Set<String> expected = new TreeSet<>();
              for (PendingLine line : lines.byOffset().getOrDefault(offset, List.of())) {
                String hash = hashByRequest.get(line.requestId());
                if (hash != null) {
                  expected.add(hash);
                }
              }
              return !expected.isEmpty()
                  && LineRemover.isNamedBy(
                      data, id -> expected.contains(hashes.computeIfAbsent(id, keyedHash::of)));
            });
  }

  /**
   * The pending lines whose request has a log row: without its keyed hash a line cannot be
   * recognised, so those are left (not marked done) and reported.
   */
  private static Pending withoutUnloggedRequests(Pending pending, Set<String> logged) {
    Map<String, FileLines> files = new LinkedHashMap<>();
    Map<String, Integer> unlogged = new TreeMap<>();
    pending.files().forEach((file, lines) -> {
      TreeMap<Long, List<PendingLine>> kept = new TreeMap<>();
      lines.byOffset().forEach((offset, recorded) -> {
        for (PendingLine line : recorded) {
          if (logged.contains(line.requestId())) {
            kept.computeIfAbsent(offset, o -> new ArrayList<>()).add(line);
          } else {
            unlogged.merge(line.requestId(), 1, Integer::sum);
          }
        }
      });
      if (!kept.isEmpty()) {
        files.put(file, new FileLines(lines.source(), kept));
      }
    });
    List<String> problems = new ArrayList<>(pending.problems());
    unlogged.forEach((request, n) -> problems.add(
        "request " + request + " has no row in the erasure log: its " + n + " line(s) are left"));
    return new Pending(files, pending.linesWaiting(), List.copyOf(problems));
  }

  /** request_id → customer_key_hash of the erasure log (one row per request: KBs). */
  private Map<String, String> loggedHashes() {
    Map<String, String> hashes = new java.util.HashMap<>();
    for (FieldValueList row :
        Sql.query(
                bigQuery,
                QueryJobConfiguration.newBuilder(
                        "SELECT request_id, customer_key_hash FROM " + logTable)
                    .build())
            .iterateAll()) {
      hashes.put(row.get(0).getStringValue(), row.get(1).getStringValue());
    }
    return hashes;
  }

  /** How to recognise the lines of one file. */
  private interface Owners {
    LineRemover.Owner of(String file, FileLines lines);
  }

  private Summary rewrite(Pending pending, Owners owners) {
    int files = 0;
    int lines = 0;
    int versions = 0;
    List<String> problems = new ArrayList<>(pending.problems());
    Map<String, Integer> filesByRequest = new TreeMap<>();
    // Progress counts only the files this store holds, so "[k/n]" runs 1..n whatever the order.
    Map<String, FileLines> held = new LinkedHashMap<>();
    pending.files().forEach((file, fileLines) -> {
      if (store.holds(file)) {
        held.put(file, fileLines);
      } else {
        problems.add(file + ": not in the landing bucket/folder given; its lines stay until it is rewritten from there");
      }
    });
    int index = 0;
    for (Map.Entry<String, FileLines> entry : held.entrySet()) {
      index++;
      String file = entry.getKey();
      FileLines fileLines = entry.getValue();
      try {
        Result result = rewriteOne(file, fileLines, owners.of(file, fileLines));
        out.printf("  [%d/%d] %s: %s%n", index, held.size(), file, result.describe(dryRun));
        if (result.rewritten) {
          files++;
          fileLines.requests().forEach(r -> filesByRequest.merge(r, 1, Integer::sum));
        }
        lines += result.removed;
        versions += result.versionsDeleted;
        if (!result.notTheCustomers.isEmpty()) {
          problems.add(
              file + ": no erased customer's line at offset(s) " + result.notTheCustomers
                  + " (the file changed since it was landed); left as is");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot rewrite " + file, e);
      }
    }
    if (!dryRun) {
      filesByRequest.forEach(this::countInLog);
    }
    return new Summary(files, lines, versions, pending.linesWaiting(), List.copyOf(problems));
  }

  private record Result(boolean rewritten, int removed, int versionsDeleted, List<Long> notTheCustomers, boolean gone) {
    String describe(boolean dryRun) {
      if (gone) {
        return "no longer in the landing store (nothing to remove)";
      }
      if (dryRun) {
        return removed + " line(s) would be removed";
      }
      return removed + " line(s) removed, " + versionsDeleted + " earlier version(s) deleted";
    }
  }

  private Result rewriteOne(String file, FileLines lines, LineRemover.Owner owner) throws IOException {
    Path original = Files.createTempFile("landfall-erase-", ".csv");
    Path rewritten = Files.createTempFile("landfall-erase-", ".csv");
    try {
      LandingStore.Version version = store.fetch(file, original);
      if (version == null) {
        if (!dryRun) {
          markDone(file, lines);
        }
        return new Result(false, 0, 0, List.of(), true);
      }
      LineRemover.Outcome outcome =
          LineRemover.rewrite(original, rewritten, lines.source(), lines.offsets(), owner);
      if (dryRun) {
        return new Result(outcome.removed() > 0, outcome.removed(), 0, outcome.notTheCustomers(), false);
      }
      int versionsDeleted = 0;
      if (outcome.removed() > 0) {
        recordInLedger(file, lines, outcome);
        store.replace(version, rewritten, outcome.sha256());
        versionsDeleted = store.deleteEarlierVersions(file);
      }
      markDone(file, lines);
      return new Result(outcome.removed() > 0, outcome.removed(), versionsDeleted, outcome.notTheCustomers(), false);
    } finally {
      Files.deleteIfExists(original);
      Files.deleteIfExists(rewritten);
    }
  }

  /**
   * The rewritten content's ledger row: load_id {@code erasure:<request_id>} (the requests
   * joined with "+" when several share the file), no records landed, the header of the file's
   * earlier ledger rows.
   */
  private void recordInLedger(String file, FileLines lines, LineRemover.Outcome outcome) {
    Sql.query(
        bigQuery,
        QueryJobConfiguration.newBuilder(
                "INSERT INTO " + ledgerTable
                    + " (source_file, source, file_size_bytes, content_sha256, header, load_id,"
                    + " landed_at, records_landed, parse_errors, blank_lines, listing_identity)"
                    + " SELECT @the_file, @the_source, @the_size, @the_sha256,"
                    + " (SELECT MAX(header) FROM " + ledgerTable + " WHERE source_file = @the_file),"
                    + " @the_load, CURRENT_TIMESTAMP(), 0, 0, 0, CAST(NULL AS STRING)")
            .addNamedParameter("the_file", QueryParameterValue.string(file))
            .addNamedParameter("the_source", QueryParameterValue.string(lines.source()))
            .addNamedParameter("the_size", QueryParameterValue.int64(outcome.sizeBytes()))
            .addNamedParameter("the_sha256", QueryParameterValue.string(outcome.sha256()))
            .addNamedParameter(
                "the_load", QueryParameterValue.string("erasure:" + String.join("+", lines.requests())))
            .build());
  }

  /** Marks the file's lines done: those of the requests and committed loads just handled. */
  private void markDone(String file, FileLines lines) {
    Sql.query(
        bigQuery,
        QueryJobConfiguration.newBuilder(
                "UPDATE " + linesTable
                    + " SET landing_rewritten_at = CURRENT_TIMESTAMP()"
                    + " WHERE source_file = @the_file AND landing_rewritten_at IS NULL"
                    + " AND request_id IN UNNEST(@the_requests) AND load_id IN UNNEST(@the_loads)")
            .addNamedParameter("the_file", QueryParameterValue.string(file))
            .addNamedParameter("the_requests", strings(lines.requests()))
            .addNamedParameter("the_loads", strings(lines.loads()))
            .build());
  }

  private void countInLog(String requestId, int files) {
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

  private static QueryParameterValue strings(Set<String> values) {
    return QueryParameterValue.array(values.toArray(String[]::new), String.class);
  }
}
