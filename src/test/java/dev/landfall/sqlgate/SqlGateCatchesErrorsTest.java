package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate can fail: deliberately broken SQL gives findings at the right file:line. */
class SqlGateCatchesErrorsTest {

  private static final String TABLE =
      """
      CREATE TABLE IF NOT EXISTS `lake.events`
      (
        name STRING NOT NULL,
        amount NUMERIC,
        happened_at TIMESTAMP NOT NULL
      )
      PARTITION BY DATE(happened_at)
      CLUSTER BY name;
      """;

  private static final String PROCEDURE =
      """
      -- a procedure with two mistakes in its body
      CREATE OR REPLACE PROCEDURE `lake.load_events`(since TIMESTAMP)
      BEGIN
        DECLARE n INT64;
        SET n = (SELECT COUNT(*) FROM `lake.events` WHERE happened_at >= since);
        CREATE TEMP TABLE recent AS SELECT name, amount FROM `lake.events` WHERE happened_at >= since;
        SELECT nmae FROM recent;
        INSERT INTO `lake.events` (name, amount, happened_at)
        VALUES ('x', 'twelve', CURRENT_TIMESTAMP());
        SET n = 'many';
      END;
      """;

  private static List<Finding> run(String... procedureOrBroken) {
    SqlGate gate = new SqlGate("test-project");
    List<SqlSource> routines =
        new java.util.ArrayList<>(
            List.of(new SqlSource("routines/lake/events.sql", 1, TABLE, SqlSource.Origin.ROUTINE, false)));
    for (int i = 0; i < procedureOrBroken.length; i++) {
      routines.add(
          new SqlSource(
              "routines/lake/broken" + i + ".sql", 1, procedureOrBroken[i], SqlSource.Origin.ROUTINE, false));
    }
    gate.check(routines, List.of(), List.of());
    return gate.findings;
  }

  @Test
  void misspeltColumnAndTypeMismatchesInAProcedureBodyFailWithFileAndLine() {
    List<Finding> findings = run(PROCEDURE);
    List<String> shown = findings.stream().map(Finding::toString).toList();
    assertEquals(3, findings.size(), () -> String.join("\n", shown));
    assertTrue(
        shown.get(0).startsWith("routines/lake/broken0.sql:7: [analyze] Unrecognized name: nmae"),
        shown.get(0));
    assertTrue(shown.get(1).startsWith("routines/lake/broken0.sql:9: [analyze]"), shown.get(1));
    assertTrue(shown.get(1).contains("STRING"), shown.get(1));
    assertTrue(
        shown.get(2).startsWith("routines/lake/broken0.sql:10: [analyze] SET n: value of type STRING"),
        shown.get(2));
  }

  @Test
  void aQuoteDoubledInsideAStringIsASyntaxErrorAsInBigQuery() {
    List<Finding> findings =
        run("CREATE OR REPLACE VIEW `lake.v`\nOPTIONS (description = 'the row''s time')\nAS SELECT 1 AS x;");
    assertEquals(1, findings.size(), findings::toString);
    assertTrue(findings.get(0).toString().startsWith("routines/lake/broken0.sql:2: [parse]"), findings.get(0).toString());
  }

  @Test
  void aViewOnAMisspeltTableFails() {
    List<Finding> findings = run("CREATE OR REPLACE VIEW `lake.v` AS\nSELECT name\nFROM `lake.event`;");
    assertEquals(1, findings.size(), findings::toString);
    assertTrue(
        findings.get(0).toString().startsWith("routines/lake/broken0.sql:3: [analyze] Table not found: `lake.event`"),
        findings.get(0).toString());
  }
  @Test
  void aSetOfSeveralVariablesFromAStructChecksEachField() {
    List<Finding> findings =
        run(
            """
            CREATE OR REPLACE PROCEDURE `lake.bounds`()
            BEGIN
              DECLARE first_at TIMESTAMP;
              DECLARE n INT64;
              SET (first_at, n) = (SELECT AS STRUCT MIN(happened_at), COUNT(*) FROM `lake.events`);
              SET (n, first_at) = (SELECT AS STRUCT MIN(happened_at), COUNT(*) FROM `lake.events`);
              SET (first_at, n) = (SELECT AS STRUCT MIN(happened_at) FROM `lake.events`);
            END;
            """);
    List<String> shown = findings.stream().map(Finding::toString).toList();
    assertEquals(3, findings.size(), () -> String.join("\n", shown));
    assertTrue(shown.get(0).startsWith("routines/lake/broken0.sql:6: [analyze] SET n: value of type TIMESTAMP"), shown.get(0));
    assertTrue(shown.get(1).startsWith("routines/lake/broken0.sql:6: [analyze] SET first_at: value of type INT64"), shown.get(1));
    assertTrue(shown.get(2).startsWith("routines/lake/broken0.sql:7: [analyze] SET of 2 variables from a STRUCT of 1 fields"), shown.get(2));
  }
}
