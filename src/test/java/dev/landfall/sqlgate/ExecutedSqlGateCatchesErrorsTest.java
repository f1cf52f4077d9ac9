package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.config.LandfallConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The executed-SQL gate can fail: BigQuery-only rejections in recorded queries are reported. */
class ExecutedSqlGateCatchesErrorsTest {

  private static final String TABLE =
      """
      CREATE TABLE IF NOT EXISTS `lake.deploy_history`
      (deploy_id STRING NOT NULL, package STRING, applied_at TIMESTAMP NOT NULL);
      """;

  private static ExecutedSqlGate run(ExecutedSql.Query... queries) {
    return ExecutedSqlGate.run(
        "test-project",
        List.of(new SqlSource("routines/lake/deploy_history.sql", 1, TABLE,
            SqlSource.Origin.ROUTINE, false)),
        ExecutedSql.of(List.of(queries)));
  }

  private static ExecutedSql.Query product(String sql) {
    return new ExecutedSql.Query(sql, "dev.landfall.deploy.DeployHistory", false, "false");
  }

  @Test
  void aDoubledQuoteInsideAStringIsReportedWithClassAndFirstLine() {
    ExecutedSqlGate gate =
        run(
            product("-- the ledger\nSELECT 'package''s' AS what FROM `lake.deploy_history`"),
            product("SELECT package FROM `lake.deploy_history` WHERE deploy_id = @id"));
    assertEquals(1, gate.findings.size(), gate.findings::toString);
    String shown = gate.findings.get(0).toString();
    assertTrue(
        shown.startsWith(
            "dev.landfall.deploy.DeployHistory: SELECT 'package''s' AS what FROM"
                + " `lake.deploy_history`: [parse] Syntax error: concatenated string literals must"
                + " be separated by whitespace or comments"),
        shown);
    assertEquals(1, gate.parsed);
    assertEquals(1, gate.analyzed);
  }

  @Test
  void aTypeErrorIsReportedAndAnUnknownTableIsParseOnly() {
    ExecutedSqlGate gate =
        run(
            product("SELECT deploy_id FROM `lake.deploy_history` WHERE applied_at > 'soon' + 1"),
            product("SELECT table_name FROM `lake.INFORMATION_SCHEMA.TABLES`"));
    assertEquals(1, gate.findings.size(), gate.findings::toString);
    assertTrue(gate.findings.get(0).toString().contains("[analyze]"), gate.findings.toString());
    assertEquals(2, gate.parsed);
    assertEquals(1, gate.parseOnly);
  }

  @Test
  void aJobWithoutUseLegacySqlFalseIsReported() {
    ExecutedSqlGate gate =
        run(new ExecutedSql.Query("SELECT 1", "dev.landfall.flow.Flow", false, "unset"));
    assertEquals(1, gate.findings.size(), gate.findings::toString);
    assertTrue(gate.findings.get(0).toString().contains("[legacy]"), gate.findings.toString());
  }

  @Test
  void testCodeFindingsAreReportedApartAndDoNotFailTheGate() {
    ExecutedSqlGate gate =
        run(new ExecutedSql.Query("SELECT 'it''s'", "test:dev.landfall.SomeTest", false, "false"));
    assertTrue(gate.findings.isEmpty(), gate.findings::toString);
    assertEquals(1, gate.testFindings.size());
  }

  @Test
  void aTestsSuffixedDatasetsAndTheLocalProjectMapToTheCatalog() {
    LandfallConfig config =
        SqlSources.config(Path.of(System.getProperty("sqlgate.root", "")).toAbsolutePath());
    ExecutedSql.Normaliser names = new ExecutedSql.Normaliser(config);
    String project = config.projectId();
    assertEquals(
        "SELECT 'lake_fx001_ab12cd.x' FROM `" + project + ".lake.raw_records` r JOIN transactions.rejects"
            + " AS transactions_seen ON TRUE; CALL `analytics`.snapshot_top_customers(NULL)",
        names.apply(
            "SELECT 'lake_fx001_ab12cd.x' FROM `landfall-local.lake_fx001_ab12cd.raw_records` r"
                + " JOIN transactions_fx001_ab12cd.rejects AS transactions_seen ON TRUE;"
                + " CALL `analytics_fx001_ab12cd`.snapshot_top_customers(NULL)"));
  }
}
