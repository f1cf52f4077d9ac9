package dev.landfall.testing;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableResult;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One canonical text per BigQuery value, so expected cells (YAML) and actual cells (query results)
 * compare as strings whatever the engine's formatting:
 *
 * <ul>
 *   <li>NULL: Java {@code null} (YAML {@code null});
 *   <li>NUMERIC, BIGNUMERIC, FLOAT64: plain decimal without trailing zeros ({@code
 *       BigDecimal.stripTrailingZeros().toPlainString()}): {@code 12.50} is {@code 12.5}, {@code
 *       3.0} is {@code 3};
 *   <li>INT64: decimal; BOOL: {@code true}/{@code false}; DATE: {@code YYYY-MM-DD};
 *   <li>TIMESTAMP: ISO-8601 UTC with {@code Z} as {@link Instant#toString()}: {@code
 *       2026-11-01T00:00:00Z}, fractional seconds only when non-zero;
 *   <li>DATETIME: {@code YYYY-MM-DDTHH:MM:SS[.fraction]}; TIME: {@code HH:MM:SS[.fraction]};
 *   <li>ARRAY: {@code [a, b]}; STRUCT: {@code {name: value, ...}}; anything else as returned.
 * </ul>
 */
public final class CanonicalValues {

  private static final DateTimeFormatter LOOSE_TIMESTAMP =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .optionalStart()
          .appendLiteral("UTC")
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private CanonicalValues() {}

  /** Every row of a result, as canonical strings (null for NULL). */
  public static List<List<String>> rows(TableResult result) {
    FieldList fields = result.getSchema() == null ? null : result.getSchema().getFields();
    List<List<String>> rows = new ArrayList<>();
    for (FieldValueList row : result.iterateAll()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        cells.add(actual(fields == null ? null : fields.get(i), row.get(i)));
      }
      rows.add(cells);
    }
    return rows;
  }

  /** The column names of a result. */
  public static List<String> columns(TableResult result) {
    List<String> names = new ArrayList<>();
    if (result.getSchema() != null) {
      result.getSchema().getFields().forEach(f -> names.add(f.getName()));
    }
    return names;
  }

  /** The canonical text of a value returned by BigQuery. */
  public static String actual(Field field, FieldValue value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (field != null && field.getMode() == Field.Mode.REPEATED) {
      Field element = field.toBuilder().setMode(Field.Mode.NULLABLE).build();
      List<String> items = new ArrayList<>();
      for (FieldValue item : value.getRepeatedValue()) {
        items.add(String.valueOf(actual(element, item)));
      }
      return "[" + String.join(", ", items) + "]";
    }
    StandardSQLTypeName type = field == null ? null : field.getType().getStandardType();
    if (type == StandardSQLTypeName.STRUCT) {
      List<String> parts = new ArrayList<>();
      FieldValueList record = value.getRecordValue();
      for (int i = 0; i < record.size(); i++) {
        Field sub = field.getSubFields().get(i);
        parts.add(sub.getName() + ": " + actual(sub, record.get(i)));
      }
      return "{" + String.join(", ", parts) + "}";
    }
    if (type == StandardSQLTypeName.TIMESTAMP) {
      return value.getTimestampInstant().toString();
    }
    return canonical(type, value.getStringValue());
  }

  /**
   * The canonical text of {@code text} read as a value of {@code type} (null type: as is). Text
   * that does not parse as the type is returned unchanged, so it shows up as a mismatch.
   */
  public static String canonical(StandardSQLTypeName type, String text) {
    if (text == null || type == null) {
      return text;
    }
    try {
      switch (type) {
        case NUMERIC, BIGNUMERIC, FLOAT64, INT64:
          if (text.equalsIgnoreCase("nan") || text.toLowerCase(Locale.ROOT).contains("inf")) {
            return text;
          }
          return new BigDecimal(text.strip()).stripTrailingZeros().toPlainString();
        case BOOL:
          return text.strip().toLowerCase(Locale.ROOT);
        case TIMESTAMP:
          return timestamp(text);
        case DATETIME:
          return LocalDateTime.parse(text.strip().replace(' ', 'T'))
              .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        case TIME:
          return LocalTime.parse(text.strip()).format(DateTimeFormatter.ISO_LOCAL_TIME);
        default:
          return text;
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      return text;
    }
  }

  private static String timestamp(String text) {
    String t = text.strip();
    if (t.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
      // Seconds since the epoch, as the REST API encodes TIMESTAMP cells.
      BigDecimal micros = new BigDecimal(t).movePointRight(6);
      return Instant.EPOCH.plusNanos(micros.longValueExact() * 1000L).toString();
    }
    try {
      return Instant.parse(t).toString();
    } catch (DateTimeParseException e) {
      var parsed = LOOSE_TIMESTAMP.parseBest(t, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime odt) {
        return odt.toInstant().toString();
      }
      // No zone: BigQuery reads it as UTC.
      return ((LocalDateTime) parsed).toInstant(java.time.ZoneOffset.UTC).toString();
    }
  }
}
