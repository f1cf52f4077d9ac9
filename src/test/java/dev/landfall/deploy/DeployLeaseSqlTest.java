package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.zetasql.Analyzer;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleColumn;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.SqlException;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.ZetaSQLBuiltinFunctionOptions;
import com.google.zetasql.ZetaSQLOptions.LanguageFeature;
import com.google.zetasql.ZetaSQLOptions.ProductMode;
import com.google.zetasql.ZetaSQLType.TypeKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every statement of the deploy lease analyzes with ZetaSQL, BigQuery's own front end, against the
 * lease table as its DDL declares it (the local engine accepts SQL BigQuery rejects). The SQL
 * dialect gate covers routines/, not the deploy command's own statements.
 */
class DeployLeaseSqlTest {

  private static final String TABLE = "`lake.deploy_lock`";

  @Test
  void leaseStatements_analyzeAsBigQuerySql() {
    String ddl = DeployLease.ddl("lake");
    SimpleCatalog catalog = catalog(TableDdl.parse(ddl));
    AnalyzerOptions options = new AnalyzerOptions();
    options.setLanguageOptions(language());

    List<String> statements =
        List.of(
            ddl.strip().replaceAll(";$", ""),
            DeployLease.takeSql(TABLE, "d-1", "ci@runner"),
            DeployLease.renewSql(TABLE, "d-1"),
            DeployLease.releaseSql(TABLE, "it's-d-1"),
            DeployLease.holdersSql(TABLE),
            DeployLease.rowCountSql(TABLE),
            DeployLease.seedSql(TABLE));
    for (String sql : statements) {
      Analyzer.analyzeStatement(sql, options, catalog);
    }
    assertEquals(7, statements.size());
  }

  /** The history table's DDL too: the local engine (DuckDB) took {@code ''} inside a string. */
  @Test
  void deployHistoryDdl_analyzesAsBigQuerySql() {
    AnalyzerOptions options = new AnalyzerOptions();
    options.setLanguageOptions(language());
    SimpleCatalog catalog = new SimpleCatalog("bigquery");
    catalog.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language()));
    catalog.addNewSimpleCatalog("lake");

    Analyzer.analyzeStatement(
        DeployHistory.ddl("lake").strip().replaceAll(";$", ""), options, catalog);
  }

  @Test
  void analyzer_rejectsAWrongColumn_soTheCheckCanFail() {
    SimpleCatalog catalog = catalog(TableDdl.parse(DeployLease.ddl("lake")));
    AnalyzerOptions options = new AnalyzerOptions();
    options.setLanguageOptions(language());

    assertThrows(
        SqlException.class,
        () ->
            Analyzer.analyzeStatement(
                DeployLease.renewSql(TABLE, "d-1").replace("expires_at", "expiry"), options, catalog));
  }

  private static LanguageOptions language() {
    LanguageOptions language = new LanguageOptions();
    language.setProductMode(ProductMode.PRODUCT_EXTERNAL);
    language.setEnabledLanguageFeatures(
        EnumSet.of(
            LanguageFeature.FEATURE_CREATE_TABLE_NOT_NULL,
            LanguageFeature.FEATURE_V_1_3_ALLOW_DASHES_IN_TABLE_NAME));
    language.setSupportsAllStatementKinds();
    return language;
  }

  /** The lease table under its dotted name and as dataset.table, as BigQuery resolves it. */
  private static SimpleCatalog catalog(TableSpec spec) {
    Map<String, TypeKind> types =
        Map.of("STRING", TypeKind.TYPE_STRING, "TIMESTAMP", TypeKind.TYPE_TIMESTAMP);
    List<SimpleColumn> columns = new ArrayList<>();
    for (TableSpec.Column c : spec.columns()) {
      columns.add(
          new SimpleColumn(
              DeployLease.TABLE, c.name(), TypeFactory.createSimpleType(types.get(c.type()))));
    }
    SimpleTable table = new SimpleTable("lake." + DeployLease.TABLE, columns);
    table.setFullName("lake." + DeployLease.TABLE);
    SimpleCatalog root = new SimpleCatalog("bigquery");
    root.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language()));
    root.addSimpleTable("lake." + DeployLease.TABLE, table);
    root.addNewSimpleCatalog("lake").addSimpleTable(DeployLease.TABLE, table);
    return root;
  }
}
