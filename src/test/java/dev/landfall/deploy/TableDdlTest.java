package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.config.LandfallConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableDdlTest {

  @Test
  void parse_readsColumnsModesDescriptionsAndLayout() {
    TableSpec spec =
        TableDdl.parse(
            "-- comment\nCREATE TABLE IF NOT EXISTS `d.t`\n(\n"
                + "  id STRING NOT NULL OPTIONS (description = 'The id, it''s (unique).'),\n"
                + "  amount NUMERIC OPTIONS (description = \"x, y\"),\n"
                + "  n INTEGER,\n"
                + "  at TIMESTAMP NOT NULL\n)\n"
                + "PARTITION BY TIMESTAMP_TRUNC(at, MONTH)\nCLUSTER BY id, n\n"
                + "OPTIONS (description = 'T.');");

    assertEquals("d.t", spec.name());
    assertEquals(
        List.of(
            new TableSpec.Column("id", "STRING", true, "The id, it's (unique)."),
            new TableSpec.Column("amount", "NUMERIC", false, "x, y"),
            new TableSpec.Column("n", "INT64", false, null),
            new TableSpec.Column("at", "TIMESTAMP", true, null)),
        spec.columns());
    assertEquals("MONTH(at)", spec.partitioning());
    assertEquals(List.of("id", "n"), spec.clustering());
    assertEquals("T.", spec.description());
  }

  @Test
  void normalizePartitioning_matchesWhatTablesGetReports() {
    assertEquals("DAY(ts)", TableDdl.normalizePartitioning("DATE(ts)"));
    assertEquals("DAY(d)", TableDdl.normalizePartitioning("d"));
    assertEquals("MONTH(d)", TableDdl.normalizePartitioning("DATE_TRUNC(d, MONTH)"));
    assertEquals("DAY(_PARTITIONTIME)", TableDdl.normalizePartitioning("_PARTITIONDATE"));
    assertEquals("RANGE(x)", TableDdl.normalizePartitioning("RANGE_BUCKET(x, GENERATE_ARRAY(0, 9, 1))"));
  }

  @Test
  void parse_withoutLayoutOrDescription() {
    TableSpec spec = TableDdl.parse("CREATE TABLE IF NOT EXISTS d.t (x INT64)");

    assertNull(spec.partitioning());
    assertTrue(spec.clustering().isEmpty());
    assertNull(spec.description());
  }

  @Test
  void parse_refusesWhatItCannotRead() {
    assertThrows(DeployException.class, () -> TableDdl.parse("CREATE TABLE d.t AS SELECT 1 AS x"));
    assertThrows(
        DeployException.class, () -> TableDdl.parse("CREATE TABLE IF NOT EXISTS d.t (x INT64"));
  }

  /** Every table file of the repository parses, with a description on every column. */
  @Test
  void parse_everyRepositoryTable() {
    Path routines = Repo.root().resolve("routines");
    LandfallConfig config = LandfallConfig.parse("project_id: p\nregion: r\n", "test");
    int tables = 0;
    for (RoutineFile file : RoutineFile.discover(routines)) {
      if (file.kind() != RoutineFile.Kind.TABLE) {
        continue;
      }
      TableSpec spec = TableDdl.parse(file.substitute(config.sqlVariables()));
      tables++;
      assertTrue(spec.columns().size() >= 2, file.displayPath());
      for (TableSpec.Column c : spec.columns()) {
        assertTrue(c.description() != null && !c.description().isBlank(), file.displayPath() + " " + c.name());
      }
      assertTrue(spec.description() != null, file.displayPath());
    }
    assertTrue(tables >= 11, "tables: " + tables);
  }
}
