package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import dev.landfall.reliability.BadInputCorpus.Case;
import dev.landfall.reliability.ReferenceCsv.Expectation;
import dev.landfall.reliability.ReferenceCsv.Expected;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks landed and unpacked corpus files against the oracle, on the local engine: every record
 * in the lake exactly once with its exact content, the ledger's counts, and every lake row in
 * exactly one of typed / duplicates / rejects (with a reason) as the case says.
 */
final class CorpusVerifier {
  private final Sandbox sandbox;
  private final int maxRecordBytes;
  /** file name → its case and oracle expectation. */
  private final Map<String, Case> cases = new HashMap<>();
  private final Map<String, Expectation> expectations = new HashMap<>();

  CorpusVerifier(Sandbox sandbox, int maxRecordBytes) {
    this.sandbox = sandbox;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Writes the cases into {@code dir} and remembers what each must land as. */
  void write(List<Case> corpus, Path dir) {
    try {
      Files.createDirectories(dir);
      for (Case c : corpus) {
        byte[] content = c.content().get();
        Files.write(dir.resolve(c.fileName()), content);
        cases.put(c.fileName(), c);
        expectations.put(c.fileName(), ReferenceCsv.expect(content, maxRecordBytes));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long expectedRecords() {
    return expectations.values().stream().mapToLong(e -> e.records().size()).sum();
  }

  long expectedMalformed() {
    return expectations.values().stream().mapToLong(Expectation::malformed).sum();
  }

  long expectedBlankLines() {
    return expectations.values().stream().mapToLong(Expectation::blankLines).sum();
  }

  /** The lake holds every record of every file of {@code loadId} exactly once, as the oracle says. */
  void assertLake(String loadId) throws IOException {
    Map<String, List<List<String>>> byFile = new HashMap<>();
    for (List<String> row : sandbox.rows(
        "SELECT source_file, source_offset, data_string, parse_error, source FROM ${lake}.raw_records"
            + " WHERE load_id = '" + loadId + "' ORDER BY source_file, source_offset")) {
      byFile.computeIfAbsent(fileName(row.get(0)), f -> new ArrayList<>()).add(row);
    }
    for (Map.Entry<String, Expectation> file : expectations.entrySet()) {
      List<Expected> expected = file.getValue().records();
      List<List<String>> landed = byFile.getOrDefault(file.getKey(), List.of());
      Case c = cases.get(file.getKey());
      assertEquals(expected.size(), landed.size(), c + ": lake rows (each record exactly once)");
      for (int i = 0; i < expected.size(); i++) {
        List<String> row = landed.get(i);
        assertEquals(c.source(), row.get(4), c + ": source");
        CorpusReadingTest.assertMatches(
            expected.get(i),
            new CorpusReadingTest.Landed(Long.parseLong(row.get(1)), new EncodedRecord(row.get(2), "", row.get(3))),
            c + " record " + i,
            maxRecordBytes);
      }
      Figures.add("bad input: records checked in the lake against the oracle", expected.size());
    }
  }

  /** One ledger row per file with the oracle's counts. */
  void assertLedger(String loadId) {
    Map<String, List<String>> ledger = new HashMap<>();
    for (List<String> row : sandbox.rows(
        "SELECT source_file, records_landed, parse_errors, blank_lines FROM ${lake}.landed_files"
            + " WHERE load_id = '" + loadId + "'")) {
      assertEquals(null, ledger.put(fileName(row.get(0)), row.subList(1, 4)), "one ledger row per file: " + row);
    }
    for (Map.Entry<String, Expectation> file : expectations.entrySet()) {
      Expectation e = file.getValue();
      assertEquals(
          List.of(String.valueOf(e.records().size()), String.valueOf(e.malformed()), String.valueOf(e.blankLines())),
          ledger.get(file.getKey()),
          cases.get(file.getKey()) + ": ledger records_landed, parse_errors, blank_lines");
    }
  }

  /**
   * After unpack: every lake row of {@code loadId} is in exactly one of typed / duplicates /
   * rejects, with the case's outcome; rejects carry a reason; typed values are the file's.
   */
  void assertOutcomes(String loadId) {
    Map<String, List<String[]>> outcomes = new HashMap<>();
    for (List<String> row : sandbox.rows(outcomesSql(loadId))) {
      outcomes.computeIfAbsent(fileName(row.get(0)) + "@" + row.get(1), k -> new ArrayList<>())
          .add(new String[] {row.get(2), row.get(3)});
    }
    Map<String, List<String>> typedTransactions = new HashMap<>();
    for (List<String> row : sandbox.rows(
        "SELECT source_file, source_offset, transaction_id, customer_id, CAST(transaction_date AS STRING) AS d,"
            + " CAST(amount AS STRING) AS a, currency, merchant, category FROM ${transactions}.transactions"
            + " WHERE load_id = '" + loadId + "'")) {
      typedTransactions.put(fileName(row.get(0)) + "@" + row.get(1), row.subList(2, row.size()));
    }
    for (Map.Entry<String, Expectation> file : expectations.entrySet()) {
      Case c = cases.get(file.getKey());
      int next = 0;
      for (Expected record : file.getValue().records()) {
        String key = file.getKey() + "@" + record.offset();
        String expected = record.malformed() ? "parse_error" : c.outcomes().get(next++);
        List<String[]> found = outcomes.getOrDefault(key, List.of());
        assertEquals(1, found.size(), c + " offset " + record.offset() + ": in exactly one downstream table");
        assertEquals(expected, found.get(0)[0], c + " offset " + record.offset() + ": outcome");
        if (!expected.equals(BadInputCorpus.TYPED) && !expected.equals(BadInputCorpus.DUPLICATE)) {
          assertNotNull(found.get(0)[1], c + ": a reject has a reason");
          assertFalse(found.get(0)[1].isBlank(), c + ": a reject has a reason");
        }
        Figures.add("bad input: lake rows traced to exactly one downstream table", 1);
        if (expected.equals(BadInputCorpus.TYPED) && c.source().equals("transactions")) {
          assertTypedTransaction(c, record.fields(), typedTransactions.get(key));
        }
      }
    }
  }

  /** The typed row holds the file's values: trimmed text, the date, the exact amount. */
  private static void assertTypedTransaction(Case c, Map<String, String> fields, List<String> typed) {
    assertNotNull(typed, c + ": typed row");
    assertEquals(fields.get("transaction_id").strip(), typed.get(0), c + ": transaction_id");
    assertEquals(fields.get("customer_id").strip(), typed.get(1), c + ": customer_id");
    assertEquals(fields.get("transaction_date").strip().substring(0, 10), typed.get(2), c + ": transaction_date");
    assertEquals(0, new BigDecimal(fields.get("amount").strip()).compareTo(new BigDecimal(typed.get(3))),
        c + ": amount " + typed.get(3));
    assertTrimmed(fields.get("merchant"), typed.get(5), c + ": merchant");
    assertTrimmed(fields.get("category"), typed.get(6), c + ": category");
  }

  /** BigQuery's TRIM strips Unicode White_Space (engine patch 9 does the same); blank means NULL. */
  private static void assertTrimmed(String value, String typed, String what) {
    String expected = blankToNull(UNICODE_WHITE_SPACE_ENDS.matcher(value).replaceAll(""));
    assertTrue(Objects.equals(expected, typed), what + ": expected " + expected + ", was " + typed);
  }

  private static final java.util.regex.Pattern UNICODE_WHITE_SPACE_ENDS =
      java.util.regex.Pattern.compile("^\\p{IsWhite_Space}+|\\p{IsWhite_Space}+$");

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** Every downstream row of the load: file, offset, outcome, reason. */
  private static String outcomesSql(String loadId) {
    String where = " WHERE load_id = '" + loadId + "'";
    return "SELECT source_file, source_offset, 'typed' AS outcome, CAST(NULL AS STRING) AS reason"
        + " FROM ${transactions}.transactions" + where
        + " UNION ALL SELECT source_file, source_offset, 'duplicate', CAST(NULL AS STRING) FROM ${transactions}.duplicates" + where
        + " UNION ALL SELECT source_file, source_offset, reason_code, reason FROM ${transactions}.rejects" + where
        + " UNION ALL SELECT source_file, source_offset, 'typed', CAST(NULL AS STRING) FROM ${customers}.customers_history" + where
        + " UNION ALL SELECT source_file, source_offset, 'duplicate', CAST(NULL AS STRING) FROM ${customers}.duplicates" + where
        + " UNION ALL SELECT source_file, source_offset, reason_code, reason FROM ${customers}.rejects" + where;
  }

  /** Per load and source: lake rows = typed + rejected + duplicates (the reconciliation views). */
  void assertConservation(String loadId) {
    for (String service : List.of("customers", "transactions")) {
      List<List<String>> rows = sandbox.rows(
          "SELECT lake_rows, typed_rows + rejected_rows + duplicate_rows AS accounted, status FROM ${" + service
              + "}.load_reconciliation WHERE load_id = '" + loadId + "'");
      for (List<String> row : rows) {
        assertEquals(row.get(0), row.get(1), service + " " + loadId + ": lake rows = typed + rejected + duplicates");
        assertEquals("balanced", row.get(2), service + " " + loadId);
      }
    }
  }

  static String fileName(String sourceFile) {
    return sourceFile.substring(sourceFile.lastIndexOf('/') + 1);
  }
}
