package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.testing.QueryRecorder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every query job the Java code sent while the tests ran parses and analyzes as BigQuery GoogleSQL
 * (issue 17 §1). It reads the recording of the test run before it, so it runs after the other
 * tests: pom.xml's surefire execution {@code executed-sql-gate} (profile of the same name) runs it
 * alone after {@code default-test}, which excludes it. Alone, after some tests:
 * {@code mvn -o test -Dtest=ExecutedSqlGateTest} (tests/sql_gate/README.md).
 */
class ExecutedSqlGateTest {

  @Test
  void everyQueryTheJavaCodeSentParsesAndAnalyzes() {
    Path root = Path.of(System.getProperty("sqlgate.root", "")).toAbsolutePath();
    ExecutedSql executed = ExecutedSql.read(root, SqlSources.config(root));
    // A recorder that broke must not look like a clean gate.
    assertFalse(
        executed.queries.isEmpty(),
        "no query recorded in " + QueryRecorder.DIR + ": run the tests that use the local engine"
            + " first (LocalBigQuery installs the recorder); a recorder that records nothing is a"
            + " broken gate");
    assertTrue(
        executed.queries.stream().anyMatch(q -> !q.fromTests()),
        "only test code's queries were recorded: the recorder does not see the product's clients");
    ExecutedSqlGate gate = ExecutedSqlGate.run(root, executed);
    System.err.println(gate.summary());
    System.err.print(gate.byOrigin());
    System.err.print(gate.outsideCatalogReport());
    gate.testFindings.forEach(r -> System.err.println("  (test SQL, not gated) " + r));
    gate.truncated.forEach(
        q -> System.err.println("  (longer than the 16 KB the recorder sees, not checked) "
            + q.origin()));
    AllowList allowList = AllowList.load(root);
    List<ExecutedSqlGate.Result> open = gate.open(allowList);
    assertTrue(
        open.isEmpty(),
        () -> open.size() + " query job(s) BigQuery would reject (ZetaSQL, BigQuery dialect):\n  "
            + String.join("\n  ", open.stream().map(ExecutedSqlGate.Result::toString).toList()));
    // Stale entries only count on a whole run's recording (a partial run sends fewer queries).
    if (Boolean.getBoolean("sqlgate.executed.complete")) {
      List<AllowList.Entry> stale = gate.stale(allowList);
      assertTrue(stale.isEmpty(), () -> "allow-list entries that match no executed query: " + stale);
    }
  }
}
