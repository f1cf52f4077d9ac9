package dev.landfall.routines;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SQL {@code INSERT} of fixture rows, typed by the table's schema: every value travels as a
 * STRING query parameter and is converted in SQL, so quoting is never an issue and each value is
 * parsed exactly as BigQuery parses text of that type.
 */
record InsertStatement(String sql, Map<String, QueryParameterValue> parameters) {

  static InsertStatement build(
      String where, String dataset, String table, Schema schema, List<Map<String, JsonNode>> rows) {
    Map<String, Field> fields = new LinkedHashMap<>();
    schema.getFields().forEach(f -> fields.put(f.getName().toLowerCase(), f));
    List<Field> columns = new ArrayList<>();
    for (Map<String, JsonNode> row : rows) {
      for (String key : row.keySet()) {
        Field field = fields.get(key.toLowerCase());
        if (field == null) {
          throw new AssertionError(
              where
                  + ": "
                  + dataset
                  + "."
                  + table
                  + " has no column '"
                  + key
                  + "' (columns: "
                  + String.join(", ", fields.keySet())
                  + ")");
        }
        if (!columns.contains(field)) {
          columns.add(field);
        }
      }
    }
    columns.sort(
        (a, b) ->
            Integer.compare(
                schema.getFields().getIndex(a.getName()),
                schema.getFields().getIndex(b.getName())));

    Map<String, QueryParameterValue> parameters = new LinkedHashMap<>();
    List<String> tuples = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      Map<String, JsonNode> row = lowerCaseKeys(rows.get(r));
      List<String> values = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        Field field = columns.get(c);
        JsonNode value = row.get(field.getName().toLowerCase());
        if (value == null || value.isNull()) {
          values.add("NULL");
          continue;
        }
        if (!value.isValueNode()) {
          throw new AssertionError(
              where
                  + ": row "
                  + (r + 1)
                  + ", column "
                  + field.getName()
                  + ": only scalar values are supported, got "
                  + value);
        }
        String parameter = "r" + r + "_c" + c;
        String text = value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText();
        parameters.put(parameter, QueryParameterValue.string(text));
        values.add(convert(where, field, "@" + parameter));
      }
      tuples.add("(" + String.join(", ", values) + ")");
    }
    List<String> names = columns.stream().map(Field::getName).toList();
    String sql =
        "INSERT INTO `"
            + dataset
            + "."
            + table
            + "` ("
            + String.join(", ", names)
            + ")\nVALUES\n  "
            + String.join(",\n  ", tuples);
    return new InsertStatement(sql, parameters);
  }

  /** The SQL that turns the STRING parameter into a value of the column's type. */
  private static String convert(String where, Field field, String parameter) {
    if (field.getMode() == Field.Mode.REPEATED) {
      throw new AssertionError(
          where
              + ": column "
              + field.getName()
              + " is REPEATED; fixtures"
              + " insert scalar columns only (use a sql step)");
    }
    StandardSQLTypeName type = field.getType().getStandardType();
    return switch (type) {
      case STRING -> parameter;
      // PARSE_NUMERIC, not CAST: the local engine's CAST(... AS NUMERIC) rounds to 3 decimals.
      case NUMERIC -> "PARSE_NUMERIC(" + parameter + ")";
      case BIGNUMERIC -> "PARSE_BIGNUMERIC(" + parameter + ")";
      case JSON -> "PARSE_JSON(" + parameter + ")";
      case BYTES -> "FROM_BASE64(" + parameter + ")";
      case INT64, FLOAT64, BOOL, DATE, DATETIME, TIME, TIMESTAMP ->
          "CAST(" + parameter + " AS " + type.name() + ")";
      default ->
          throw new AssertionError(
              where
                  + ": column "
                  + field.getName()
                  + " has type "
                  + type
                  + ", which fixtures cannot insert (use a sql step)");
    };
  }

  private static Map<String, JsonNode> lowerCaseKeys(Map<String, JsonNode> row) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    row.forEach((k, v) -> out.put(k.toLowerCase(), v));
    return out;
  }
}
