package dev.landfall.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllResponse;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.LoadJobConfiguration;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import com.google.common.hash.Hashing;
import dev.landfall.testing.CanonicalValues;
import dev.landfall.testing.LocalBigQuery;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke tests of the BigQuery features landfall's SQL and pipeline rely on, against the local
 * engine (bqemulator run through engine/bqemulator_patched.py). Each asserts real behaviour. Tests
 * named {@code engineDifference_*} pin a known way the engine differs from BigQuery, so an engine
 * upgrade that changes it shows up here; engine/README.md lists them with workarounds.
 */
class EngineCompatibilityTest {

  private static BigQuery bigQuery;
  private static String project;
  private static String dataset;

  @BeforeAll
  static void createDataset() {
    LocalBigQuery engine = LocalBigQuery.get();
    bigQuery = engine.bigQuery();
    project = engine.projectId();
    dataset = "compat_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    bigQuery.create(DatasetInfo.newBuilder(project, dataset).setLocation("EU").build());
  }

  @AfterAll
  static void dropDataset() {
    bigQuery.delete(DatasetId.of(project, dataset), BigQuery.DatasetDeleteOption.deleteContents());
  }

  // --- NUMERIC -------------------------------------------------------------------------------

  @Test
  void numeric_ddlColumnKeepsNineDecimals() {
    run("CREATE TABLE %s.amounts (amount NUMERIC)");
    run(
        "INSERT INTO %s.amounts (amount) VALUES (PARSE_NUMERIC('12.3456')), "
            + "(PARSE_NUMERIC('0.000000001')), (PARSE_NUMERIC('99999999999999999999999999999.5'))");

    assertEquals(
        List.of(
            List.of("0.000000001"), List.of("12.3456"), List.of("99999999999999999999999999999.5")),
        rows("SELECT amount FROM %s.amounts ORDER BY amount"));
  }

  @Test
  void numeric_castFromStringKeepsFourDecimals() {
    assertEquals(
        List.of(List.of("1.2345", "0.0001", "1.2345")),
        rows(
            "SELECT CAST('1.2345' AS NUMERIC), SAFE_CAST('0.0001' AS NUMERIC),"
                + " CAST('1.2345' AS NUMERIC(38, 9))"));
  }

  @Test
  void numeric_sumOfManyTenthsAndFifthsIsExact() {
    assertEquals(
        List.of(List.of("3000", "true")),
        rows(
            "SELECT SUM(x), SUM(x) = NUMERIC '3000' FROM ("
                + " SELECT CAST('0.10' AS NUMERIC) + CAST('0.20' AS NUMERIC) AS x"
                + " FROM UNNEST(GENERATE_ARRAY(1, 10000)))"));
  }

  // --- DDL ------------------------------------------------------------------------------------

  @Test
  void createTable_ifNotExistsWithPartitionClusterAndOptions_rerunKeepsTableAndData() {
    String ddl =
        "CREATE TABLE IF NOT EXISTS %s.events ("
            + " event_id STRING NOT NULL OPTIONS (description = 'Id of the event.'),"
            + " happened_at TIMESTAMP OPTIONS (description = 'When.'))"
            + " PARTITION BY DATE(happened_at) CLUSTER BY event_id"
            + " OPTIONS (description = 'Events table.')";
    run(ddl);
    run("INSERT INTO %s.events (event_id) VALUES ('e1')");

    run(ddl); // what every redeploy does

    Table table = bigQuery.getTable(TableId.of(project, dataset, "events"));
    StandardTableDefinition definition = table.getDefinition();
    assertEquals("Events table.", table.getDescription());
    assertEquals(2, definition.getSchema().getFields().size());
    assertEquals(Field.Mode.REQUIRED, definition.getSchema().getFields().get("event_id").getMode());
    assertEquals(List.of(List.of("e1")), rows("SELECT event_id FROM %s.events"));
  }

  @Test
  void engineDifference_clusteringColumnDescriptionsAndDatePartitioningAreNotStored() {
    run(
        "CREATE TABLE %s.by_day (k STRING OPTIONS (description = 'The key.'), ts TIMESTAMP)"
            + " PARTITION BY DATE(ts) CLUSTER BY k");
    run("CREATE TABLE %s.by_date_column (d DATE) PARTITION BY d");

    StandardTableDefinition byDay =
        bigQuery.getTable(TableId.of(project, dataset, "by_day")).getDefinition();
    StandardTableDefinition byDateColumn =
        bigQuery.getTable(TableId.of(project, dataset, "by_date_column")).getDefinition();
    // BigQuery: DAY partitioning on ts, clustering [k], column description 'The key.'.
    assertNull(byDay.getTimePartitioning());
    assertNull(byDay.getClustering());
    assertNull(byDay.getSchema().getFields().get("k").getDescription());
    // Partitioning by a DATE column itself is recorded.
    assertEquals("d", byDateColumn.getTimePartitioning().getField());
  }

  // --- DML and scripting ----------------------------------------------------------------------

  @Test
  void merge_conditionalClausesAndNotMatchedBySource() {
    run("CREATE TABLE %s.merge_target (k STRING, v INT64)");
    run("INSERT INTO %s.merge_target VALUES ('keep', 1), ('update', 1), ('delete', 1), ('old', 1)");
    run(
        "MERGE %s.merge_target AS t USING (SELECT 'update' AS k, 2 AS v UNION ALL SELECT 'keep', 1"
            + " UNION ALL SELECT 'new', 3) AS s ON t.k = s.k WHEN MATCHED AND t.v <> s.v THEN"
            + " UPDATE SET v = s.v WHEN NOT MATCHED BY TARGET THEN INSERT (k, v) VALUES (s.k, s.v)"
            + " WHEN NOT MATCHED BY SOURCE AND t.k = 'delete' THEN DELETE WHEN NOT MATCHED BY"
            + " SOURCE THEN UPDATE SET v = -1");

    assertEquals(
        List.of(
            List.of("keep", "1"),
            List.of("new", "3"),
            List.of("old", "-1"),
            List.of("update", "2")),
        rows("SELECT k, v FROM %s.merge_target ORDER BY k"));
  }

  @Test
  void transaction_commitKeepsAndRollbackDiscards() {
    run("CREATE TABLE %s.ledger (k STRING)");
    run("BEGIN TRANSACTION; INSERT INTO %s.ledger VALUES ('committed'); COMMIT TRANSACTION;");
    run("BEGIN TRANSACTION; INSERT INTO %s.ledger VALUES ('rolled back'); ROLLBACK TRANSACTION;");

    assertEquals(List.of(List.of("committed")), rows("SELECT k FROM %s.ledger"));
  }

  @Test
  void transaction_errorInScriptRollsBack() {
    run("CREATE TABLE %s.atomic (k STRING)");
    assertThrows(
        Exception.class,
        () ->
            run(
                "BEGIN TRANSACTION; INSERT INTO %s.atomic VALUES ('a');"
                    + " SELECT ERROR('fail mid-transaction'); COMMIT TRANSACTION;"));

    assertEquals(List.of(List.of("0")), rows("SELECT COUNT(*) AS n FROM %s.atomic"));
  }

  @Test
  void exceptionHandler_catchesErrorAndReadsItsMessage() {
    List<List<String>> result =
        rows(
            "BEGIN SELECT ERROR('boom'); EXCEPTION WHEN ERROR THEN"
                + " SELECT 'caught' AS outcome, @@error.message AS message; END");

    assertEquals("caught", result.get(0).get(0));
    assertTrue(result.get(0).get(1).contains("boom"), result.toString());
  }

  @Test
  void engineDifference_errorMessagesCarryAnEnginePrefix() {
    String message = error("SELECT ERROR('as_of must not be NULL')");

    // BigQuery: "as_of must not be NULL" (with its own position prefix); compare with contains.
    assertEquals("Query execution failed: Invalid Input Error: as_of must not be NULL", message);
  }

  @Test
  void scriptVariables_declareAndSet() {
    assertEquals(
        List.of(List.of("4", "2026-01-02", "x")),
        rows(
            "DECLARE n INT64 DEFAULT 3; DECLARE d DATE; DECLARE s STRING;"
                + " SET n = n + 1; SET d = DATE '2026-01-02';"
                + " SET s = (SELECT 'x'); SELECT n, d, s"));
  }

  @Test
  void scriptVariables_setSeveralFromOneSelectAsStruct() {
    // BigQuery's form for several variables from one query (one child job, one table scan):
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/procedural-language#set
    run("CREATE TABLE %s.landings (landed_at TIMESTAMP, n INT64)");
    run(
        "INSERT INTO %s.landings (landed_at, n) VALUES"
            + " (TIMESTAMP '2026-11-02 10:00:00+00', 5), (TIMESTAMP '2026-11-01 09:00:00+00', 7)");
    assertEquals(
        List.of(List.of("2026-11-01T09:00:00Z", "2026-11-02T10:00:00Z", "[2026-11-01, 2026-11-02]", "12")),
        rows(
            "DECLARE first_at, last_at TIMESTAMP; DECLARE days ARRAY<DATE>; DECLARE total INT64;"
                + " SET (first_at, last_at, days, total) = ("
                + " SELECT AS STRUCT MIN(landed_at), MAX(landed_at),"
                + " ARRAY_AGG(DISTINCT DATE(landed_at) ORDER BY DATE(landed_at)), SUM(n)"
                + " FROM %s.landings);"
                + " SELECT first_at, last_at, days, total"));
  }

  // Patch 13: a long array variable is written into the statement as a literal; same results.
  @Test
  void scriptVariables_longArraysKeepEveryValue() {
    // 20,000 ids, among them quotes, a backslash, placeholders and a comment marker that a
    // literal must keep as they are; and 100 integers, next to a short array and a scalar.
    run("CREATE TABLE %s.ids (id STRING)");
    run(
        "INSERT INTO %s.ids (id) SELECT CONCAT('C', CAST(n AS STRING)) FROM UNNEST(GENERATE_ARRAY(1, 19996)) AS n"
            + " UNION ALL SELECT id FROM UNNEST(['it\\'s', 'a\\\\b', '$1 ?', '-- x /* y */']) AS id");
    assertEquals(
        List.of(
            List.of(
                "20000", "20000", "it's|a\\b|-- x /* y */|$1 ?", "100", "5050", "2", "C7")),
        rows(
            "DECLARE ids ARRAY<STRING>; DECLARE numbers ARRAY<INT64>; DECLARE few ARRAY<STRING>;"
                + " DECLARE one STRING DEFAULT 'C7';"
                + " SET ids = (SELECT ARRAY_AGG(id) FROM %s.ids);"
                + " SET numbers = GENERATE_ARRAY(1, 100); SET few = ['C1', 'C2'];"
                + " SELECT ARRAY_LENGTH(ids) AS n,"
                + " (SELECT COUNT(*) FROM %s.ids WHERE id IN UNNEST(ids)) AS found,"
                + " (SELECT STRING_AGG(id, '|' ORDER BY id DESC) FROM UNNEST(ids) AS id"
                + "   WHERE NOT STARTS_WITH(id, 'C')) AS special,"
                + " ARRAY_LENGTH(numbers) AS n_numbers,"
                + " (SELECT SUM(x) FROM UNNEST(numbers) AS x) AS total,"
                + " ARRAY_LENGTH(few) AS n_few, one"));
  }

  @Test
  void procedure_withOptionsIfCaseAndTransaction_calledWithArguments() {
    run("CREATE TABLE %s.calls (label STRING, amount NUMERIC)");
    run(
        "CREATE OR REPLACE PROCEDURE %s.record_call(label STRING, amount NUMERIC)"
            + " OPTIONS (description = 'Records a call.')\n"
            + "BEGIN\n"
            + "  DECLARE kind STRING;\n"
            + "  IF label IS NULL THEN\n"
            + "    RAISE USING MESSAGE = 'label is required';\n"
            + "  END IF;\n"
            + "  SET kind = CASE WHEN amount > 0 THEN 'spend' ELSE 'refund' END;\n"
            + "  BEGIN TRANSACTION;\n"
            + "  INSERT INTO %s.calls (label, amount) VALUES (CONCAT(label, ':', kind), amount);\n"
            + "  COMMIT TRANSACTION;\n"
            + "END");

    run("CALL %s.record_call('a', NUMERIC '1.25')");
    run("CALL %s.record_call('b', NUMERIC '-0.5')");

    assertEquals(
        List.of(List.of("a:spend", "1.25"), List.of("b:refund", "-0.5")),
        rows("SELECT label, amount FROM %s.calls ORDER BY label"));
    assertEquals("label is required", error("CALL %s.record_call(NULL, NUMERIC '1')"));
  }

  /** Patch 10: a CALL's arguments may be query parameters (the erase command sends the id so). */
  @Test
  void procedure_calledWithNamedQueryParameters() throws InterruptedException {
    run(
        "CREATE OR REPLACE PROCEDURE %s.echo_call(id STRING, flag BOOL, n INT64)\n"
            + "BEGIN\n"
            + "  SELECT CONCAT(id, '/', CAST(flag AS STRING), '/', CAST(n AS STRING)) AS echoed;\n"
            + "END");

    TableResult result =
        bigQuery.query(
            QueryJobConfiguration.newBuilder(sql("CALL %s.echo_call(@the_id, @the_flag, @the_n)"))
                .addNamedParameter("the_id", QueryParameterValue.string("O'Brien \\ @the_n"))
                .addNamedParameter("the_flag", QueryParameterValue.bool(true))
                .addNamedParameter("the_n", QueryParameterValue.int64(42))
                .build());

    assertEquals(
        List.of(List.of("O'Brien \\ @the_n/true/42")), CanonicalValues.rows(result));
  }

  @Test
  void tableFunction_withOptionsAndArgument() {
    run("CREATE TABLE %s.spend (customer_id STRING, amount NUMERIC)");
    run("INSERT INTO %s.spend VALUES ('c1', 1.5), ('c1', 2.5), ('c2', 7)");
    run(
        "CREATE OR REPLACE TABLE FUNCTION %s.spend_of(wanted_customer_id STRING)"
            + " OPTIONS (description = 'Spend of one customer.') AS"
            + " SELECT s.customer_id, SUM(s.amount) AS total FROM %s.spend AS s"
            + " WHERE s.customer_id = wanted_customer_id GROUP BY s.customer_id");

    assertEquals(
        List.of(List.of("c1", "4")), rows("SELECT customer_id, total FROM %s.spend_of('c1')"));
  }

  @Test
  void scalarFunction_withOptions() {
    run(
        "CREATE OR REPLACE FUNCTION %s.double_it(x INT64) RETURNS INT64 AS (x * 2)"
            + " OPTIONS (description = 'Doubles.')");

    assertEquals(List.of(List.of("42")), rows("SELECT %s.double_it(21) AS v"));
  }

  // --- Functions ------------------------------------------------------------------------------

  @Test
  void json_valueQueryAndStringArrayOnStringColumn() {
    run("CREATE TABLE %s.lake (data_string STRING)");
    run(
        "INSERT INTO %s.lake VALUES ('{\"id\":\" c1 \",\"tags\":[\"a\",\"b\"],\"nested\":{\"k\":1},"
            + "\"blank\":\"\"}')");

    assertEquals(
        List.of(Arrays.asList(" c1 ", "{\"k\":1}", "[a, b]", "", null)),
        rows(
            "SELECT JSON_VALUE(data_string, '$.id'), JSON_QUERY(data_string, '$.nested'),"
                + " JSON_EXTRACT_STRING_ARRAY(data_string, '$.tags'), JSON_VALUE(data_string,"
                + " '$.blank'), JSON_VALUE(data_string, '$.missing') FROM %s.lake"));
  }

  @Test
  void engineDifference_jsonKeysKeepsInputOrderAndSkipsNestedKeys() {
    // BigQuery: sorted, with nested paths: [a, a.c, b]; with max_depth 1: [a, b].
    assertEquals(
        List.of(List.of("[b, a]", "[b, a]")),
        rows(
            "SELECT JSON_KEYS(PARSE_JSON('{\"b\":1,\"a\":{\"c\":2}}')),"
                + " JSON_KEYS(PARSE_JSON('{\"b\":1,\"a\":{\"c\":2}}'), 1)"));
  }

  @Test
  void engineDifference_jsonKeysAcceptsAString() {
    run("CREATE TABLE %s.keys_lake (data_string STRING)");
    run("INSERT INTO %s.keys_lake VALUES ('{\"b\":\"1\",\"a\":\"2\"}')");

    // BigQuery: no matching signature for a STRING; write JSON_KEYS(PARSE_JSON(data_string), 1).
    assertEquals(List.of(List.of("[b, a]")), rows("SELECT JSON_KEYS(data_string) FROM %s.keys_lake"));
  }

  @Test
  void safeCastAndSafeParse() {
    assertEquals(
        List.of(Arrays.asList(null, "12", null, "2026-02-03", "2026-02-03T04:05:06Z", null)),
        rows(
            "SELECT SAFE_CAST('abc' AS INT64), SAFE_CAST('12' AS INT64),"
                + " SAFE.PARSE_DATE('%%Y-%%m-%%d', '2026-02-30'), SAFE.PARSE_DATE('%%Y-%%m-%%d',"
                + " '2026-02-03'), SAFE.PARSE_TIMESTAMP('%%Y-%%m-%%dT%%H:%%M:%%SZ',"
                + " '2026-02-03T04:05:06Z'), SAFE.PARSE_TIMESTAMP('%%Y-%%m-%%dT%%H:%%M:%%SZ',"
                + " 'nope')"));
  }

  @Test
  void regexpContainsAndSha256Hex() {
    assertEquals(
        List.of(
            List.of(
                "true",
                "false",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")),
        rows(
            "SELECT REGEXP_CONTAINS('12.50', r'^[0-9]+(\\.[0-9]{1,9})?$'),"
                + " REGEXP_CONTAINS('1e5', r'^[0-9]+(\\.[0-9]{1,9})?$'), TO_HEX(SHA256('abc'))"));
  }

  @Test
  void qualifyAndLeadWindow() {
    assertEquals(
        List.of(List.of("2", "3"), Arrays.asList("3", null)),
        rows(
            "SELECT x, LEAD(x) OVER (ORDER BY x) AS next_x FROM UNNEST([1, 2, 3]) AS x"
                + " WHERE TRUE QUALIFY ROW_NUMBER() OVER (ORDER BY x DESC) <= 2 ORDER BY x"));
  }

  @Test
  void generateDateArrayOfMonthStarts() {
    assertEquals(
        List.of(List.of("2026-11-01"), List.of("2026-12-01"), List.of("2027-01-01")),
        rows(
            "SELECT month FROM UNNEST(GENERATE_DATE_ARRAY(DATE '2026-11-01', DATE '2027-01-15',"
                + " INTERVAL 1 MONTH)) AS month ORDER BY month"));
  }

  @Test
  void executeImmediateWithPositionalUsing() {
    assertEquals(
        List.of(List.of("it's", "3")),
        rows(
            "DECLARE n INT64; EXECUTE IMMEDIATE 'SELECT ? + 1' INTO n USING 2;"
                + " EXECUTE IMMEDIATE 'SELECT ? AS s, ? AS n' USING \"it's\", n + 0"));
  }

  @Test
  void engineDifference_executeImmediateWithNamedUsingFails() {
    // BigQuery: returns 1.
    assertThrows(
        BigQueryException.class, () -> query("EXECUTE IMMEDIATE 'SELECT @x AS v' USING 1 AS x"));
  }

  @Test
  void engineDifference_formatPercentTIsUnsupported() {
    // BigQuery: 'it\'s' quoted as a SQL literal. Use EXECUTE IMMEDIATE ... USING ? instead.
    assertTrue(error("SELECT FORMAT('%%T', \"it's\")").contains("Invalid type specifier \"T\""));
  }

  @Test
  void engineDifference_unnamedColumnsAreNotNamedF0() {
    TableResult result = query("SELECT COUNT(*) FROM UNNEST([1, 2])");

    // BigQuery: f0_. Alias every selected expression.
    assertEquals(List.of("count_star()"), CanonicalValues.columns(result));
  }

  @Test
  void informationSchema_tablesAndRoutines() {
    run("CREATE TABLE %s.info_t (k STRING)");
    run("CREATE OR REPLACE VIEW %s.info_v AS SELECT k FROM %s.info_t");
    run("CREATE OR REPLACE PROCEDURE %s.info_p() BEGIN SELECT 1; END");

    List<List<String>> tables =
        rows(
            "SELECT table_name, table_type FROM %s.INFORMATION_SCHEMA.TABLES"
                + " WHERE table_name LIKE 'info_%%' ORDER BY table_name");
    assertEquals(List.of(List.of("info_t", "BASE TABLE"), List.of("info_v", "VIEW")), tables);
    assertEquals(
        List.of(List.of("info_p", "PROCEDURE")),
        rows(
            "SELECT routine_name, routine_type FROM %s.INFORMATION_SCHEMA.ROUTINES"
                + " WHERE routine_name = 'info_p'"));
  }

  @Test
  void engineDifference_tableFunctionRoutineType() {
    run("CREATE OR REPLACE TABLE FUNCTION %s.info_tvf(n INT64) AS SELECT n AS v");

    // BigQuery: TABLE FUNCTION.
    assertEquals(
        List.of(List.of("TABLE_VALUED_FUNCTION")),
        rows(
            "SELECT routine_type FROM %s.INFORMATION_SCHEMA.ROUTINES"
                + " WHERE routine_name = 'info_tvf'"));
  }

  // Patch 9: one-argument TRIM, LTRIM and RTRIM remove Unicode whitespace, as BigQuery does.
  @Test
  void trim_removesUnicodeWhitespaceLikeBigQuery() {
    // BigQuery: "removes all leading and trailing whitespace characters, as defined by the Unicode
    // standard"; with a second argument only those characters; NULL stays NULL. Inner ones stay.
    assertEquals(
        List.of(
            Arrays.asList(
                "x y", "x y\n\u00a0", "\t\u3000x y", "ab", null)),
        rows(
            "SELECT TRIM('\\t\\n\u3000x y\\n\u00a0') AS both_ends,"
                + " LTRIM('\\t\u3000x y\\n\u00a0') AS leading,"
                + " RTRIM('\\t\u3000x y\\r\\n\u2003 ') AS trailing,"
                + " TRIM('xxabxx', 'x') AS chars,"
                + " TRIM(CAST(NULL AS STRING)) AS nothing"));
    // The engine returns values whose ends are visible ASCII as they are (a fast path): edge cases.
    assertEquals(
        List.of(List.of("", "", "x", "\u00e9", "a\tb", " x")),
        rows(
            "SELECT TRIM('') AS empty, TRIM(' \\t ') AS blank, TRIM('x') AS one,"
                + " TRIM('\u00e9\\t') AS non_ascii_end, TRIM('a\\tb') AS inner_tab,"
                + " RTRIM(' x') AS leading_kept_by_rtrim"));
  }

  // Patch 7: UPPER is DuckDB's native upper for ASCII strings, bqemulator's Unicode UDF otherwise.
  @Test
  void upper_matchesBigQueryForAsciiNonAsciiEmptyAndNull() {
    run("CREATE TABLE %s.words (word STRING)");
    run(
        "INSERT INTO %s.words (word) VALUES ('foo'), ('gbp 1-2_x~Z'), (''), ('straße'),"
            + " ('écu'), ('eur€'), (NULL)");

    // BigQuery's documented UPPER: letters upper-cased by the Unicode Character Database, full
    // mappings included (ß -> SS; DuckDB's own upper gives ẞ); other characters kept; NULL -> NULL.
    assertEquals(
        List.of(
            Arrays.asList((String) null, null),
            List.of("", ""),
            List.of("eur€", "EUR€"),
            List.of("foo", "FOO"),
            List.of("gbp 1-2_x~Z", "GBP 1-2_X~Z"),
            List.of("straße", "STRASSE"),
            List.of("écu", "ÉCU")),
        rows("SELECT word, UPPER(word) AS upper_word FROM %s.words ORDER BY word NULLS FIRST"));
  }

  @Test
  void upper_ofManyAsciiRowsRunsNatively() {
    long started = System.nanoTime();

    List<List<String>> result =
        rows(
            "SELECT COUNTIF(UPPER(CONCAT('gbp', CAST(x AS STRING))) = CONCAT('GBP', CAST(x AS STRING)))"
                + " AS matches FROM UNNEST(GENERATE_ARRAY(1, 200000)) AS x");

    double seconds = (System.nanoTime() - started) / 1e9;
    assertEquals(List.of(List.of("200000")), result);
    // The Python UDF takes about 125 us a row (25 s here); native upper well under a second.
    assertTrue(seconds < 10, "UPPER over 200,000 ASCII rows took " + seconds + " s");
  }

  // Patch 12: FARM_FINGERPRINT is FarmHash Fingerprint64 of the UTF-8 bytes, as BigQuery's.
  @Test
  void farmFingerprint_matchesBigQueryDocumentedValues() {
    // The example of
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#farm_fingerprint
    assertEquals(
        List.of(
            List.of("1", "-1541654101129638711"),
            List.of("2", "2794438866806483259"),
            List.of("3", "-4880158226897771312")),
        rows(
            "WITH example AS (SELECT 1 AS x, 'foo' AS y, TRUE AS z UNION ALL"
                + " SELECT 2 AS x, 'apple' AS y, FALSE AS z UNION ALL SELECT 3 AS x, '' AS y, TRUE AS z)"
                + " SELECT x, FARM_FINGERPRINT(CONCAT(CAST(x AS STRING), y, CAST(z AS STRING)))"
                + " AS row_fingerprint FROM example ORDER BY x"));
    // Over 64 bytes (FarmHash's block loop; values of the reference C++ Fingerprint64, which
    // gives the documented values above): a 76-byte object path and 170 bytes with a 3-byte
    // character. NULL stays NULL.
    assertEquals(
        Arrays.asList("-5489197055571911799", "7492409411150132620", null),
        rows(
            "SELECT FARM_FINGERPRINT('gs://landfall-landing-eu/transactions/2026/11/01/"
                + "transactions_2026-11-01.csv') AS path, FARM_FINGERPRINT(REPEAT('landfall \u20ac|0123',"
                + " 10)) AS long_text, FARM_FINGERPRINT(CAST(NULL AS STRING)) AS nothing").get(0));
  }

  @Test
  void farmFingerprint_matchesFingerprint64AtEveryLength() {
    // Every length from 0 to 700 bytes and beyond (each branch of the algorithm and up to 10
    // blocks of 64 bytes), ASCII and multi-byte characters, in one column (the engine hashes a
    // whole vector at once): against Guava's farmHashFingerprint64, the same Fingerprint64.
    List<List<String>> result =
        rows(
            "SELECT s, CAST(FARM_FINGERPRINT(s) AS STRING) AS fingerprint FROM ("
                + " SELECT SUBSTR(REPEAT('landfall \u20ac|\u00e9 0123456789', 100), 1, n) AS s"
                + " FROM UNNEST(GENERATE_ARRAY(0, 700)) AS n"
                + " UNION ALL SELECT REPEAT('x', 5000) AS s)");
    assertEquals(702, result.size());
    for (List<String> row : result) {
      long expected =
          Hashing.farmHashFingerprint64().hashString(row.get(0), StandardCharsets.UTF_8).asLong();
      assertEquals(
          String.valueOf(expected),
          row.get(1),
          "FARM_FINGERPRINT of " + row.get(0).getBytes(StandardCharsets.UTF_8).length + " bytes");
    }
  }

  // Patch 8: results over one page (10,000 rows) are read page by page through the client.
  @Test
  void query_resultOverOnePageIsReadWhole() throws InterruptedException {
    TableResult result =
        bigQuery.query(
            QueryJobConfiguration.newBuilder(
                    "SELECT x FROM UNNEST(GENERATE_ARRAY(1, 25000)) AS x ORDER BY x")
                .setUseLegacySql(false)
                .build());

    long count = 0;
    long sum = 0;
    long previous = 0;
    for (var row : result.iterateAll()) {
      long x = row.get(0).getLongValue();
      assertEquals(previous + 1, x, "rows out of order or missing");
      previous = x;
      count++;
      sum += x;
    }
    assertEquals(25000, result.getTotalRows());
    assertEquals(25000, count);
    assertEquals(25000L * 25001 / 2, sum);
  }

  @Test
  void job_resultOverOnePageIsReadWhole() throws InterruptedException {
    Job job =
        bigQuery.create(
            JobInfo.of(
                QueryJobConfiguration.newBuilder(
                        "SELECT CONCAT('c', CAST(x AS STRING)) AS id"
                            + " FROM UNNEST(GENERATE_ARRAY(1, 15000)) AS x")
                    .setUseLegacySql(false)
                    .build()));

    java.util.Set<String> ids = new java.util.HashSet<>();
    for (var row : job.getQueryResults().iterateAll()) {
      ids.add(row.get("id").getStringValue());
    }

    assertEquals(15000, ids.size());
    assertTrue(ids.contains("c1") && ids.contains("c10001") && ids.contains("c15000"));
  }

  @Test
  void tableList_overOnePageIsReadWhole() throws InterruptedException {
    run("CREATE TABLE %s.many AS SELECT x FROM UNNEST(GENERATE_ARRAY(1, 15000)) AS x");

    long count = 0;
    for (var row : bigQuery.listTableData(TableId.of(project, dataset, "many")).iterateAll()) {
      count++;
    }

    assertEquals(15000, count);
  }

  // --- What the landing pipeline writes with ---------------------------------------------------

  @Test
  void insertAll_rowsAreQueryableAtOnce() {
    run("CREATE TABLE %s.streamed (k STRING, n INT64, seen_at TIMESTAMP)");

    InsertAllResponse response =
        bigQuery.insertAll(
            InsertAllRequest.newBuilder(TableId.of(project, dataset, "streamed"))
                .addRow("row-1", Map.of("k", "a", "n", 1, "seen_at", "2026-11-01T00:00:00Z"))
                .addRow("row-2", Map.of("k", "b", "n", 2, "seen_at", "2026-11-01 00:00:01.5+00"))
                .build());

    assertTrue(response.getInsertErrors().isEmpty(), response.getInsertErrors().toString());
    assertEquals(
        List.of(
            List.of("a", "1", "2026-11-01T00:00:00Z"),
            List.of("b", "2", "2026-11-01T00:00:01.500Z")),
        rows("SELECT k, n, seen_at FROM %s.streamed ORDER BY k"));
  }

  @Test
  void loadJob_newlineDelimitedJsonFromLocalPath(@TempDir Path tmp) throws Exception {
    run(
        "CREATE TABLE %s.loaded_json (data_string STRING, source STRING, source_offset INT64,"
            + " ingestion_timestamp TIMESTAMP)");
    Path file = tmp.resolve("rows.json");
    Files.writeString(
        file,
        "{\"source\":\"customers\",\"data_string\":\"{\\\"a\\\":\\\"1\\\"}\",\"source_offset\":7,"
            + "\"ingestion_timestamp\":\"2026-11-01T00:00:00Z\"}\n"
            + "{\"source\":\"customers\",\"data_string\":\"x\",\"source_offset\":8,"
            + "\"ingestion_timestamp\":\"2026-11-01T00:00:00Z\"}\n",
        StandardCharsets.UTF_8);

    load(file, FormatOptions.json(), "loaded_json");

    assertEquals(
        List.of(
            List.of("{\"a\":\"1\"}", "customers", "7", "2026-11-01T00:00:00Z"),
            List.of("x", "customers", "8", "2026-11-01T00:00:00Z")),
        rows(
            "SELECT data_string, source, source_offset, ingestion_timestamp"
                + " FROM %s.loaded_json ORDER BY source_offset"));
  }

  @Test
  void loadJob_avroMatchesFieldsByName(@TempDir Path tmp) throws Exception {
    run(
        "CREATE TABLE %s.loaded_avro (source STRING, source_offset INT64,"
            + " ingestion_timestamp TIMESTAMP)");
    Schema schema =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Row\",\"fields\":["
                    + "{\"name\":\"source_offset\",\"type\":\"long\"},"
                    + "{\"name\":\"ingestion_timestamp\",\"type\":{\"type\":\"long\","
                    + "\"logicalType\":\"timestamp-micros\"}},"
                    + "{\"name\":\"source\",\"type\":[\"null\",\"string\"]}]}");
    File file = tmp.resolve("rows.avro").toFile();
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      writer.create(schema, file);
      GenericRecord row = new GenericData.Record(schema);
      row.put("source_offset", 42L);
      row.put("ingestion_timestamp", 1_793_491_200_000_000L); // 2026-11-01T00:00:00Z
      row.put("source", "transactions");
      writer.append(row);
    }

    load(file.toPath(), FormatOptions.avro(), "loaded_avro");

    assertEquals(
        List.of(List.of("transactions", "42", "2026-11-01T00:00:00Z")),
        rows("SELECT source, source_offset, ingestion_timestamp FROM %s.loaded_avro"));
  }

  // --- helpers --------------------------------------------------------------------------------

  /** Substitutes the test dataset for each %s (use %% for a literal percent sign). */
  private static String sql(String template) {
    int slots = template.split("%s", -1).length - 1;
    Object[] args = new Object[slots];
    Arrays.fill(args, dataset);
    return String.format(Locale.ROOT, template, args);
  }

  private static TableResult query(String template) {
    try {
      return bigQuery.query(
          QueryJobConfiguration.newBuilder(sql(template)).setUseLegacySql(false).build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (JobException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static void run(String template) {
    query(template);
  }

  private static List<List<String>> rows(String template) {
    return CanonicalValues.rows(query(template));
  }

  /** The message of the error the statement fails with; fails the test if it succeeds. */
  private static String error(String template) {
    Exception e = assertThrows(Exception.class, () -> query(template));
    assertNotNull(e.getMessage());
    return e.getMessage();
  }

  private static void load(Path file, FormatOptions format, String table)
      throws InterruptedException, IOException {
    Job job =
        bigQuery.create(
            JobInfo.of(
                LoadJobConfiguration.newBuilder(
                        TableId.of(project, dataset, table),
                        file.toAbsolutePath().toString(),
                        format)
                    .setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND)
                    .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
                    .build()));
    Job done = job.waitFor();
    assertNotNull(done, "load job vanished");
    assertNull(done.getStatus().getError(), String.valueOf(done.getStatus().getError()));
  }
}
