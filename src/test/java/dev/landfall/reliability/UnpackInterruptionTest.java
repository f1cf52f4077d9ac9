package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.reliability.Sandbox.SqlFailed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An unpack that stops between two of its statements must change nothing, and the next unpack
 * must then do the whole work exactly once. The stop is injected: the table one INSERT writes gets
 * an extra NOT NULL column the procedure does not know, so that INSERT fails after every statement
 * before it ran (for customers_history and transactions, after a DELETE of the rows it was about
 * to re-insert).
 *
 * <p>The state before the failing unpack is a real second increment: two landings of generated
 * files whose second re-delivers, corrects and conflicts with the first, its ledger row written
 * after the first was unpacked but its rows ingested earlier (a landing that committed late), so
 * customers' versions and transactions' kept rows are re-derived, not just appended.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnpackInterruptionTest {
  private static final String INJECTED = "injected_failure";
  @TempDir static Path temp;
  private Sandbox sandbox;
  private Map<String, List<String>> beforeSecondUnpack;
  private Map<String, List<String>> afterSecondUnpack;

  @BeforeAll
  void landTwoIncrements() throws IOException {
    sandbox = Sandbox.deploy("interrupt");
    Path first = temp.resolve("first");
    Path second = temp.resolve("second");
    GeneratedFiles.transactions(first, "a", 1_500, 21);
    GeneratedFiles.customers(first, "a", 400, 22);
    secondIncrement(first, second);
    // The second increment lands first (its rows are ingested earlier) and its ledger rows are
    // held back until the first increment has been unpacked.
    assertEquals(PipelineResult.State.DONE, sandbox.land(second + "/*.csv", "late", temp).state());
    assertEquals(PipelineResult.State.DONE, sandbox.land(first + "/*.csv", "early", temp).state());
    sandbox.execute("CREATE TABLE ${lake}.landed_files_held AS SELECT * FROM ${lake}.landed_files");
    resetToFirstIncrementUnpacked();
    beforeSecondUnpack = Downstream.state(sandbox, false);
    sandbox.unpack();
    afterSecondUnpack = Downstream.state(sandbox, false);
    assertNotEquals(beforeSecondUnpack.get("transactions.transactions").size(),
        afterSecondUnpack.get("transactions.transactions").size(), "the second unpack adds rows");
    Downstream.assertNoDuplicateKeys(sandbox, "a clean second unpack");
  }

  @AfterAll
  void drop() {
    sandbox.close();
  }

  @ParameterizedTest(name = "{0}.unpack stopped at the INSERT into {1}")
  @CsvSource({"customers, customers_history", "transactions, transactions"})
  void interruptedUnpack_changesNothingAndTheNextDoesTheWorkOnce(String service, String table) throws IOException {
    interruptAndRecover(service, table);
  }

  @ParameterizedTest(name = "{0}.unpack stopped at the INSERT into {1}")
  @Tag("slow")
  @CsvSource({
    "customers, duplicates", "customers, rejects", "customers, unpacked_files",
    "transactions, duplicates", "transactions, rejects", "transactions, unpacked_files"
  })
  void interruptedUnpack_atEveryOtherStatement_changesNothing(String service, String table) throws IOException {
    interruptAndRecover(service, table);
  }

  /**
   * The control: the same stop in a copy of transactions.unpack without its transaction leaves
   * the earlier statements' rows behind and the next unpack adds them again. This is what the
   * transaction prevents, and proves the injection reaches past the first statements.
   */
  @Test
  void withoutItsTransaction_anInterruptedUnpackWouldDuplicate() throws IOException {
    resetToFirstIncrementUnpacked();
    String procedure = Files.readString(routine("transactions", "unpack"), StandardCharsets.UTF_8)
        .replace("BEGIN TRANSACTION;", "")
        .replace("COMMIT TRANSACTION;", "")
        .replace("${transactions_dataset}.unpack`", "${transactions_dataset}.unpack_without_transaction`");
    sandbox.execute(substitute(procedure));
    breakInserts("transactions", "unpacked_files");
    try {
      assertThrows(SqlFailed.class, () -> sandbox.execute("CALL ${transactions}.unpack_without_transaction()"));
    } finally {
      restore("transactions", "unpacked_files");
    }
    sandbox.execute("CALL ${transactions}.unpack_without_transaction()");

    assertTrue(Downstream.duplicateKeys(sandbox).values().stream().mapToLong(Long::longValue).sum() > 0,
        "without the transaction the retried unpack accounts for rows twice");
  }

  private void interruptAndRecover(String service, String table) throws IOException {
    resetToFirstIncrementUnpacked();
    Downstream.assertSameState(beforeSecondUnpack, Downstream.state(sandbox, false), "reset");
    Map<String, List<String>> before = Downstream.state(sandbox, true);

    breakInserts(service, table);
    try {
      SqlFailed failure = assertThrows(SqlFailed.class, () -> sandbox.execute("CALL ${" + service + "}.unpack()"));
      assertTrue(failure.getMessage().contains(INJECTED), failure.getMessage());
    } finally {
      restore(service, table);
    }
    Figures.add("reruns: unpacks interrupted between statements and rerun", 1);
    Downstream.assertSameState(before, Downstream.state(sandbox, true), "after the interrupted unpack");

    sandbox.unpack();
    sandbox.unpack();
    Downstream.assertSameState(afterSecondUnpack, Downstream.state(sandbox, false), "after the next unpacks");
    Downstream.assertNoDuplicateKeys(sandbox, "after the next unpacks");
    assertEquals(List.of(), Downstream.unbalancedLoads(sandbox));
  }

  /** Empties everything downstream, then replays: first increment's ledger, unpack, second's ledger. */
  private void resetToFirstIncrementUnpacked() {
    for (String table : List.of("${customers}.customers_history", "${customers}.duplicates", "${customers}.rejects",
        "${customers}.unpacked_files", "${transactions}.transactions", "${transactions}.duplicates",
        "${transactions}.rejects", "${transactions}.unpacked_files", "${transactions}.customer_monthly_totals",
        "${lake}.landed_files")) {
      sandbox.execute("DELETE FROM " + table + " WHERE TRUE");
    }
    sandbox.execute("INSERT INTO ${lake}.landed_files SELECT * FROM ${lake}.landed_files_held WHERE load_id = 'early'");
    sandbox.unpack();
    sandbox.execute("INSERT INTO ${lake}.landed_files SELECT * FROM ${lake}.landed_files_held WHERE load_id = 'late'");
  }

  /**
   * Rebuilds {@code service.table} with the same rows and one more, NOT NULL, column: reads and
   * DELETEs with named columns work, the procedure's next INSERT fails.
   */
  private void breakInserts(String service, String table) throws IOException {
    String t = "${" + service + "}." + table;
    String ddl = Files.readString(routine(service, table), StandardCharsets.UTF_8)
        .replaceFirst("\\(\\s*\\n", "(\n  " + INJECTED + " STRING NOT NULL,\n");
    sandbox.execute("CREATE TABLE " + t + "_held AS SELECT * FROM " + t);
    sandbox.execute("DROP TABLE " + t);
    sandbox.execute(substitute(ddl));
    sandbox.execute("INSERT INTO " + t + " SELECT 'held' AS " + INJECTED + ", held.* FROM " + t + "_held AS held");
    sandbox.execute("DROP TABLE " + t + "_held");
  }

  /** Puts the table back from its routine file, with its rows. */
  private void restore(String service, String table) throws IOException {
    String t = "${" + service + "}." + table;
    sandbox.execute("CREATE TABLE " + t + "_held AS SELECT * EXCEPT (" + INJECTED + ") FROM " + t);
    sandbox.execute("DROP TABLE " + t);
    sandbox.execute(substitute(Files.readString(routine(service, table), StandardCharsets.UTF_8)));
    sandbox.execute("INSERT INTO " + t + " SELECT * FROM " + t + "_held");
    sandbox.execute("DROP TABLE " + t + "_held");
  }

  private Path routine(String service, String object) {
    return sandbox.engine().repoRoot().resolve("routines").resolve(service).resolve(object + ".sql");
  }

  /** Fills the routines' ${name} placeholders with this sandbox's datasets. */
  private String substitute(String sql) {
    String out = sql;
    for (Map.Entry<String, String> v : sandbox.config().sqlVariables().entrySet()) {
      out = out.replace("${" + v.getKey() + "}", v.getValue());
    }
    return out;
  }

  /**
   * The second increment: a third of the first file's transactions re-delivered (some with other
   * values), new ones, customers' updates and a re-send of a fifth of the first customers.
   */
  private static void secondIncrement(Path first, Path second) throws IOException {
    Files.createDirectories(second);
    List<String> lines = Files.readAllLines(first.resolve("transactions_a.csv"), StandardCharsets.UTF_8);
    StringBuilder tx = new StringBuilder(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i += 3) {
      String line = lines.get(i);
      tx.append(i % 2 == 0 ? line.replaceFirst(",GBP,", ",gbp,") : line.replace(",cat", ",recat")).append('\n');
    }
    Files.writeString(second.resolve("transactions_b.csv"), tx, StandardCharsets.UTF_8);
    GeneratedFiles.transactions(second, "b", 500, 23);
    GeneratedFiles.customers(second, "b", 400, 22 + 1);
    List<String> customers = Files.readAllLines(first.resolve("customers_a.csv"), StandardCharsets.UTF_8);
    StringBuilder resent = new StringBuilder(customers.get(0)).append('\n');
    for (int i = 1; i < customers.size(); i += 5) {
      resent.append(customers.get(i)).append('\n');
    }
    Files.writeString(second.resolve("customers_resent.csv"), resent, StandardCharsets.UTF_8);
  }
}
