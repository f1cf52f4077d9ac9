package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.zetasql.LanguageOptions;
import com.google.zetasql.Parser;
import com.google.zetasql.ZetaSQLOptions.LanguageFeature;
import com.google.zetasql.ZetaSQLOptions.ProductMode;
import com.google.zetasql.parser.ASTNodes.ASTStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statements schema evolution sends to BigQuery parse with ZetaSQL, BigQuery's own front end
 * (the local engine accepts SQL that BigQuery rejects), and a BigQuery error position maps to the
 * file's line.
 */
class EvolutionSqlTest {

  @Test
  void everyGeneratedAlterStatement_parsesWithZetaSql() {
    TableSpec live =
        TableDdl.parse(
            "CREATE TABLE IF NOT EXISTS `ds.t` (id STRING NOT NULL, n INT64, amount NUMERIC)");
    TableSpec desired =
        TableDdl.parse(
            "CREATE TABLE IF NOT EXISTS `ds.t` (id STRING, n NUMERIC, amount BIGNUMERIC,"
                + " tier STRING OPTIONS (description = 'It''s \\\\ new.'))");
    List<SchemaDiff.Change> changes = SchemaDiff.compare(desired, live, true).changes();

    LanguageOptions language = new LanguageOptions();
    language.setProductMode(ProductMode.PRODUCT_EXTERNAL);
    language.enableMaximumLanguageFeatures();
    language.setSupportsAllStatementKinds();
    int parsed = 0;
    for (SchemaDiff.Change c : changes) {
      if (c.ddl() != null) {
        ASTStatement statement = Parser.parseStatement(c.ddl(), language);
        assertNotNull(statement, c.ddl());
        parsed++;
      }
    }
    assertEquals(4, parsed, changes.toString());
  }

  @Test
  void bigQueryErrorPosition_isTheFileLine() {
    String sql = "-- header\n\nCREATE OR REPLACE VIEW `d.v` AS\nSELECT\n  nope\nFROM `d.t`";
    RoutineFile file = RoutineFile.parse(null, "routines/x/v.sql", "x", sql);

    assertEquals(5, Deployer.line(file, sql, "Unrecognized name: nope at [5:3]"));
    assertEquals(5, Deployer.line(file, sql, "Syntax error: Unexpected identifier [at 5:3]"));
    assertEquals(3, Deployer.line(file, sql, "Not found: Table d.t was not found"));
    assertEquals(3, Deployer.line(file, "ALTER TABLE `d.t` ADD COLUMN x INT64", "error at [1:7]"));
  }
}
