package dev.landfall.flow;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.RoutineId;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs SQL and reads results as text rows, formatted the way the exports show them: NUMERIC as
 * plain decimals, TIMESTAMP as ISO-8601 UTC, NULL as an empty cell. Same code for the local engine
 * and BigQuery.
 */
final class Queries {
  private final BigQuery bigQuery;

  Queries(BigQuery bigQuery) {
    this.bigQuery = bigQuery;
  }

  /** A result as a header and rows of text cells (null for NULL). */
  record Table(List<String> columns, List<List<String>> rows) {
    List<Map<String, String>> asMaps() {
      List<Map<String, String>> maps = new ArrayList<>();
      for (List<String> row : rows) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
          map.put(columns.get(i), row.get(i));
        }
        maps.add(map);
      }
      return maps;
    }
  }

  Table query(String sql, Map<String, QueryParameterValue> parameters) {
    QueryJobConfiguration.Builder config =
        QueryJobConfiguration.newBuilder(sql);
    parameters.forEach(config::addNamedParameter);
    TableResult result;
    try {
      result = bigQuery.query(config.build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted running: " + sql, e);
    } catch (BigQueryException e) {
      throw new IllegalStateException(e.getMessage() + "\n  in: " + sql, e);
    }
    List<String> columns = new ArrayList<>();
    List<Field> fields = result.getSchema() == null ? List.of() : result.getSchema().getFields();
    fields.forEach(f -> columns.add(f.getName()));
    List<List<String>> rows = new ArrayList<>();
    for (FieldValueList row : result.iterateAll()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        cells.add(text(fields.get(i), row.get(i)));
      }
      rows.add(cells);
    }
    return new Table(columns, rows);
  }

  Table query(String sql) {
    return query(sql, Map.of());
  }

  void execute(String sql) {
    query(sql);
  }

  boolean tableExists(String dataset, String table) {
    return bigQuery.getTable(TableId.of(dataset, table)) != null;
  }

  boolean routineExists(String dataset, String routine) {
    try {
      return bigQuery.getRoutine(RoutineId.of(dataset, routine)) != null;
    } catch (BigQueryException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  static String text(Field field, FieldValue value) {
    if (value == null || value.isNull()) {
      return null;
    }
    StandardSQLTypeName type = field.getType().getStandardType();
    return switch (type) {
      case NUMERIC, BIGNUMERIC ->
          new BigDecimal(value.getStringValue()).stripTrailingZeros().toPlainString();
      case TIMESTAMP -> Instant.EPOCH.plus(value.getTimestampValue(), ChronoUnit.MICROS).toString();
      default -> value.getStringValue();
    };
  }
}
