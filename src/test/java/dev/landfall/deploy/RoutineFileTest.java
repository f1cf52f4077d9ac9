package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.deploy.RoutineFile.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutineFileTest {

  private static RoutineFile parse(String sql) {
    return RoutineFile.parse(Path.of("x.sql"), "routines/s/x.sql", "s", sql);
  }

  @Test
  void parse_detectsKindFromFirstStatementPastComments() {
    assertEquals(
        Kind.TABLE,
        parse("-- CREATE VIEW in a comment\nCREATE TABLE IF NOT EXISTS a.b (x INT64)").kind());
    assertEquals(
        Kind.TABLE_FUNCTION,
        parse("/* header */ create or replace table function a.f() AS SELECT 1").kind());
    assertEquals(
        Kind.FUNCTION, parse("# note\nCREATE OR REPLACE FUNCTION a.f(x INT64) AS (x)").kind());
    assertEquals(Kind.VIEW, parse("CREATE OR REPLACE VIEW `a.v` AS SELECT 1").kind());
    assertEquals(Kind.VIEW, parse("CREATE OR REPLACE MATERIALIZED VIEW a.v AS SELECT 1").kind());
    assertEquals(
        Kind.PROCEDURE, parse("CREATE OR REPLACE PROCEDURE a.p() BEGIN SELECT 1; END").kind());
    assertEquals(Kind.OTHER, parse("ALTER TABLE a.b ADD COLUMN IF NOT EXISTS y STRING").kind());
  }

  @Test
  void idempotencyProblem_tablesNeedIfNotExistsAndOthersOrReplace() {
    assertNull(parse("CREATE TABLE IF NOT EXISTS a.b (x INT64)").idempotencyProblem());
    assertTrue(
        parse("CREATE OR REPLACE TABLE a.b (x INT64)").idempotencyProblem().contains("drop"));
    assertTrue(parse("CREATE TABLE a.b (x INT64)").idempotencyProblem().contains("IF NOT EXISTS"));
    assertTrue(
        parse("CREATE VIEW a.v AS SELECT 1")
            .idempotencyProblem()
            .contains("CREATE OR REPLACE VIEW"));
    assertNull(parse("CREATE OR REPLACE VIEW a.v AS SELECT 1").idempotencyProblem());
  }

  @Test
  void substitute_fillsPlaceholdersAndKeepsEscapes() {
    RoutineFile file =
        parse("SELECT '${lake_dataset}', '$${not_a_var}', '%%{x}' FROM `${ lake_dataset }.t`");

    assertEquals(
        "SELECT 'lake_1', '${not_a_var}', '%{x}' FROM `lake_1.t`",
        file.substitute(Map.of("lake_dataset", "lake_1")));
  }

  @Test
  void substitute_unknownPlaceholderNamesFileLineAndVariable() {
    RoutineFile file = parse("SELECT 1\nFROM ${lake_datset}.t");

    DeployException e =
        assertThrows(DeployException.class, () -> file.substitute(Map.of("lake_dataset", "lake")));
    assertTrue(
        e.getMessage().startsWith("routines/s/x.sql: line 2: unknown placeholder ${lake_datset}"),
        e.getMessage());
  }

  @Test
  void substitute_bareTemplateDirectiveIsAnError() {
    DeployException e =
        assertThrows(DeployException.class, () -> parse("SELECT '%{ if x }'").substitute(Map.of()));
    assertTrue(e.getMessage().contains("Terraform template directive"), e.getMessage());
  }

  @Test
  void objectName_readsTheCreatedName() {
    assertEquals(
        "lake.raw_records",
        RoutineFile.objectName("-- c\nCREATE TABLE IF NOT EXISTS `lake.raw_records` (x INT64)"));
    assertEquals(
        "a.f", RoutineFile.objectName("CREATE OR REPLACE TABLE FUNCTION a.f(x INT64) AS SELECT 1"));
    assertNull(RoutineFile.objectName("INSERT INTO a.b VALUES (1)"));
  }

  @Test
  void discover_ordersServicesThenKindsAndSkipsTests(@TempDir Path dir) throws IOException {
    Path routines = dir.resolve("routines");
    write(routines.resolve("zeta/t.sql"), "CREATE TABLE IF NOT EXISTS z.t (x INT64)");
    write(routines.resolve("alpha/v.sql"), "CREATE OR REPLACE VIEW a.v AS SELECT 1");
    write(routines.resolve("analytics/p.sql"), "CREATE OR REPLACE PROCEDURE an.p() BEGIN END");
    write(routines.resolve("analytics/a_view.sql"), "CREATE OR REPLACE VIEW an.a AS SELECT 1");
    write(routines.resolve("analytics/t.sql"), "CREATE TABLE IF NOT EXISTS an.t (x INT64)");
    write(routines.resolve("customers/f.sql"), "CREATE OR REPLACE FUNCTION c.f() AS (1)");
    write(
        routines.resolve("customers/tf.sql"),
        "CREATE OR REPLACE TABLE FUNCTION c.tf() AS SELECT 1");
    write(routines.resolve("lake/raw.sql"), "CREATE TABLE IF NOT EXISTS l.raw (x INT64)");
    write(routines.resolve("lake/tests/fixture.sql"), "SELECT 'not deployed'");
    write(routines.resolve("lake/README.md"), "not SQL");
    write(routines.resolve("transactions/t.sql"), "CREATE TABLE IF NOT EXISTS t.t (x INT64)");

    List<String> order =
        RoutineFile.discover(routines).stream().map(RoutineFile::displayPath).toList();

    assertEquals(
        List.of(
            "routines/lake/raw.sql",
            "routines/customers/f.sql",
            "routines/customers/tf.sql",
            "routines/transactions/t.sql",
            "routines/analytics/t.sql",
            "routines/analytics/a_view.sql",
            "routines/analytics/p.sql",
            "routines/alpha/v.sql",
            "routines/zeta/t.sql"),
        order);
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
