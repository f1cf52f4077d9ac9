package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of schema evolution, one per test, without an engine. */
class SchemaDiffTest {

  private static final TableSpec LIVE =
      TableDdl.parse(
          "CREATE TABLE IF NOT EXISTS d.t (id STRING NOT NULL OPTIONS (description = 'Id.'),"
              + " n INT64 OPTIONS (description = 'N.'), amount NUMERIC OPTIONS (description = 'A.'),"
              + " at TIMESTAMP NOT NULL OPTIONS (description = 'At.'))"
              + " PARTITION BY DATE(at) CLUSTER BY id OPTIONS (description = 'T.')");

  private static SchemaDiff.Result diff(String ddl) {
    return SchemaDiff.compare(TableDdl.parse(ddl), LIVE, true);
  }

  private static String ddl(String columns, String layout) {
    return "CREATE TABLE IF NOT EXISTS d.t (" + columns + ") " + layout
        + " OPTIONS (description = 'T.')";
  }

  private static final String COLUMNS =
      "id STRING NOT NULL OPTIONS (description = 'Id.'), n INT64 OPTIONS (description = 'N.'),"
          + " amount NUMERIC OPTIONS (description = 'A.'),"
          + " at TIMESTAMP NOT NULL OPTIONS (description = 'At.')";
  private static final String LAYOUT = "PARTITION BY DATE(at) CLUSTER BY id";

  @Test
  void sameTable_noChange() {
    assertTrue(diff(ddl(COLUMNS, LAYOUT)).isEmpty());
  }

  @Test
  void newNullableColumn_isAdded() {
    SchemaDiff.Result r = diff(ddl(COLUMNS + ", tier STRING OPTIONS (description = 'It''s new.')", LAYOUT));

    assertEquals(List.of(), r.refusals());
    assertEquals(
        "ALTER TABLE `d.t` ADD COLUMN IF NOT EXISTS `tier` STRING OPTIONS (description = 'It\\'s new.')",
        r.changes().get(0).ddl());
  }

  @Test
  void inPlaceChanges_relaxAndWiden() {
    SchemaDiff.Result r =
        diff(ddl(COLUMNS.replace("id STRING NOT NULL", "id STRING").replace("n INT64", "n NUMERIC")
            .replace("amount NUMERIC", "amount BIGNUMERIC"), LAYOUT));

    assertEquals(List.of(), r.refusals());
    assertEquals(
        List.of(
            "ALTER TABLE `d.t` ALTER COLUMN `id` DROP NOT NULL",
            "ALTER TABLE `d.t` ALTER COLUMN `n` SET DATA TYPE NUMERIC",
            "ALTER TABLE `d.t` ALTER COLUMN `amount` SET DATA TYPE BIGNUMERIC"),
        r.changes().stream().map(SchemaDiff.Change::ddl).toList());
  }

  @Test
  void descriptionChange_isMetadataOnly() {
    SchemaDiff.Result r = diff(ddl(COLUMNS.replace("'N.'", "'Count.'"), LAYOUT));

    assertEquals(List.of(new SchemaDiff.Change("description of d.t.n", null)), r.changes());
  }

  @Test
  void destructiveChanges_areRefusedNamingTableAndColumn() {
    assertEquals(
        List.of("d.t.n: column dropped or renamed (the live table has it)"),
        diff(ddl(COLUMNS.replace("n INT64 OPTIONS (description = 'N.'),", ""), LAYOUT)).refusals());
    assertEquals(
        List.of("d.t.amount: type change NUMERIC -> INT64"),
        diff(ddl(COLUMNS.replace("amount NUMERIC", "amount INT64"), LAYOUT)).refusals());
    assertEquals(
        List.of("d.t.n: NULLABLE -> REQUIRED"),
        diff(ddl(COLUMNS.replace("n INT64", "n INT64 NOT NULL"), LAYOUT)).refusals());
    assertEquals(
        List.of("d.t.k: new column is REQUIRED (existing rows have no value)"),
        diff(ddl(COLUMNS + ", k STRING NOT NULL", LAYOUT)).refusals());
    assertEquals(
        List.of("d.t: partitioning change DAY(at) -> MONTH(at)"),
        diff(ddl(COLUMNS, "PARTITION BY TIMESTAMP_TRUNC(at, MONTH) CLUSTER BY id")).refusals());
    assertEquals(
        List.of("d.t: clustering change [id] -> [id, n]"),
        diff(ddl(COLUMNS, "PARTITION BY DATE(at) CLUSTER BY id, n")).refusals());
  }

  @Test
  void engineWithoutLayout_comparesColumnsOnly() {
    SchemaDiff.Result r =
        SchemaDiff.compare(
            TableDdl.parse(ddl(COLUMNS, "PARTITION BY DATE_TRUNC(at, MONTH)")), LIVE, false);

    assertTrue(r.isEmpty(), r.toString());
  }
}
