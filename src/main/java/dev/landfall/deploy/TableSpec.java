package dev.landfall.deploy;

import java.util.List;

/**
 * A table as a {@code CREATE TABLE} file declares it, or as BigQuery reports it: what schema
 * evolution compares. Types are GoogleSQL names ({@code INT64}, {@code BOOL}, {@code NUMERIC}).
 *
 * @param partitioning normalized partitioning ({@code DAY(ingestion_timestamp)}, {@code
 *     MONTH(transaction_date)}), or null when not partitioned
 * @param clustering clustering columns in order; empty when not clustered
 * @param description the table's description, or null
 */
public record TableSpec(
    String name,
    List<Column> columns,
    String partitioning,
    List<String> clustering,
    String description) {

  /** One top-level column. */
  public record Column(String name, String type, boolean required, String description) {}

  public TableSpec {
    columns = List.copyOf(columns);
    clustering = List.copyOf(clustering);
  }

  /** The column of that name (case-insensitive, as BigQuery compares column names), or null. */
  public Column column(String columnName) {
    for (Column c : columns) {
      if (c.name().equalsIgnoreCase(columnName)) {
        return c;
      }
    }
    return null;
  }
}
