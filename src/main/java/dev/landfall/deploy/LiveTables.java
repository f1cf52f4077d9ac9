package dev.landfall.deploy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.RangePartitioning;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TimePartitioning;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads live tables with {@code tables.get} and describes them as a {@link TableSpec}. */
final class LiveTables {

  private final BigQuery bigQuery;
  private final String projectId;

  LiveTables(BigQuery bigQuery, String projectId) {
    this.bigQuery = bigQuery;
    this.projectId = projectId;
  }

  /** The live table named {@code dataset.table}, or null when it does not exist. */
  Table get(String qualifiedName) {
    String[] parts = qualifiedName.split("\\.");
    TableId id =
        parts.length == 3
            ? TableId.of(parts[0], parts[1], parts[2])
            : TableId.of(projectId, parts[0], parts[1]);
    return bigQuery.getTable(id);
  }

  /**
   * Whether {@code tables.get} reports partitioning, clustering and column descriptions, and
   * follows ALTER TABLE. Google's endpoint does; the local engine (engine/README.md) leaves them
   * out, so it cannot show a layout or description change.
   */
  boolean reportsMetadata() {
    String host = bigQuery.getOptions().getHost();
    return host == null || host.contains("googleapis.com");
  }

  static TableSpec spec(String name, Table table) {
    TableDefinition definition = table.getDefinition();
    List<TableSpec.Column> columns = new ArrayList<>();
    if (definition.getSchema() != null) {
      for (Field f : definition.getSchema().getFields()) {
        columns.add(
            new TableSpec.Column(
                f.getName(),
                typeOf(f),
                f.getMode() == Field.Mode.REQUIRED,
                f.getDescription()));
      }
    }
    String partitioning = null;
    List<String> clustering = List.of();
    if (definition instanceof StandardTableDefinition standard) {
      TimePartitioning time = standard.getTimePartitioning();
      RangePartitioning range = standard.getRangePartitioning();
      if (time != null) {
        partitioning =
            time.getType().name()
                + "("
                + (time.getField() == null ? "_PARTITIONTIME" : time.getField())
                + ")";
      } else if (range != null) {
        partitioning = "RANGE(" + range.getField() + ")";
      }
      Clustering c = standard.getClustering();
      if (c != null && c.getFields() != null) {
        clustering = c.getFields();
      }
    }
    return new TableSpec(name, columns, partitioning, clustering, table.getDescription());
  }

  /** GoogleSQL name of a field's type; REPEATED fields are ARRAY, records STRUCT. */
  static String typeOf(Field f) {
    String type =
        f.getType().getStandardType() == null
            ? f.getType().name()
            : f.getType().getStandardType().name();
    type = TableDdl.canonicalType(type.toUpperCase(Locale.ROOT));
    if (f.getSubFields() != null && !f.getSubFields().isEmpty()) {
      // The DDL's canonical form of STRUCT<a STRING, b INT64> is STRUCT<ASTRING,BINT64>.
      StringBuilder struct = new StringBuilder("STRUCT<");
      for (Field sub : f.getSubFields()) {
        struct.append(struct.length() > 7 ? "," : "");
        struct.append(sub.getName().toUpperCase(Locale.ROOT)).append(typeOf(sub));
      }
      type = struct.append('>').toString();
    }
    return f.getMode() == Field.Mode.REPEATED ? "ARRAY<" + type + ">" : type;
  }
}
