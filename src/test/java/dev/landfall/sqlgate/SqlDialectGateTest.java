package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every SQL we deploy or run parses and analyzes as BigQuery GoogleSQL (issue 17 §1). */
class SqlDialectGateTest {

  @Test
  void everyStatementParsesAndAnalyzes() {
    GateResult result = GateResult.get();
    System.err.println(result.summary());
    List<Finding> open = result.openFindings("parse", "analyze");
    assertTrue(
        open.isEmpty(),
        () -> open.size() + " statement(s) BigQuery would reject (ZetaSQL, BigQuery dialect):\n  "
            + String.join("\n  ", open.stream().map(Finding::toString).toList()));
  }
}
