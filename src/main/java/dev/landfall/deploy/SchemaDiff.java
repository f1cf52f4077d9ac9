package dev.landfall.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a redeploy may change in a table that exists: the difference between its {@code CREATE
 * TABLE} file and the live table, split into what BigQuery does in place and what is refused.
 *
 * <p>Applied: a new NULLABLE column ({@code ALTER TABLE ADD COLUMN}), REQUIRED → NULLABLE ({@code
 * ALTER COLUMN DROP NOT NULL}), the widening type changes BigQuery allows in place ({@code ALTER
 * COLUMN SET DATA TYPE}: INT64 → NUMERIC, BIGNUMERIC or FLOAT64; NUMERIC → BIGNUMERIC or FLOAT64;
 * see "Modifying table schemas", https://cloud.google.com/bigquery/docs/managing-table-schemas),
 * and changed descriptions (a metadata patch). Refused, naming table and column: a dropped or
 * renamed column, any other type change, NULLABLE → REQUIRED, a new REQUIRED column, a
 * partitioning or clustering change. A refused change needs a migration file.
 */
public final class SchemaDiff {

  /** Coercions BigQuery applies in place with ALTER COLUMN SET DATA TYPE. */
  static final Map<String, Set<String>> WIDENINGS =
      Map.of(
          "INT64", Set.of("NUMERIC", "BIGNUMERIC", "FLOAT64"),
          "NUMERIC", Set.of("BIGNUMERIC", "FLOAT64"));

  /** One change, with the statement that applies it (null for a metadata-only change). */
  public record Change(String summary, String ddl) {}

  /** The outcome for one table. */
  public record Result(String table, List<Change> changes, List<String> refusals) {
    public boolean isEmpty() {
      return changes.isEmpty() && refusals.isEmpty();
    }
  }

  private SchemaDiff() {}

  /**
   * @param reportsMetadata whether {@code live} carries partitioning, clustering and column
   *     descriptions (BigQuery does; the local engine's {@code tables.get} does not, see
   *     engine/README.md)
   */
  public static Result compare(TableSpec desired, TableSpec live, boolean reportsMetadata) {
    String table = desired.name();
    String quoted = "`" + table + "`";
    List<Change> changes = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (TableSpec.Column old : live.columns()) {
      if (desired.column(old.name()) == null) {
        refusals.add(
            table + "." + old.name() + ": column dropped or renamed (the live table has it)");
      }
    }
    for (TableSpec.Column col : desired.columns()) {
      TableSpec.Column old = live.column(col.name());
      String where = table + "." + col.name();
      if (old == null) {
        if (col.required()) {
          refusals.add(where + ": new column is REQUIRED (existing rows have no value)");
        } else {
          changes.add(
              new Change(
                  "add column " + where + " " + col.type(),
                  "ALTER TABLE " + quoted + " ADD COLUMN IF NOT EXISTS `" + col.name() + "` "
                      + col.type() + descriptionOption(col.description())));
        }
        continue;
      }
      if (!old.type().equals(col.type())) {
        if (WIDENINGS.getOrDefault(old.type(), Set.of()).contains(col.type())) {
          changes.add(
              new Change(
                  "widen " + where + " " + old.type() + " -> " + col.type(),
                  "ALTER TABLE " + quoted + " ALTER COLUMN `" + col.name() + "` SET DATA TYPE "
                      + col.type()));
        } else {
          refusals.add(where + ": type change " + old.type() + " -> " + col.type());
        }
      }
      if (old.required() && !col.required()) {
        changes.add(
            new Change(
                "relax " + where + " REQUIRED -> NULLABLE",
                "ALTER TABLE " + quoted + " ALTER COLUMN `" + col.name() + "` DROP NOT NULL"));
      } else if (!old.required() && col.required()) {
        refusals.add(where + ": NULLABLE -> REQUIRED");
      }
      if (reportsMetadata
          && !Objects.equals(blankToNull(old.description()), blankToNull(col.description()))) {
        changes.add(new Change("description of " + where, null));
      }
    }
    if (reportsMetadata) {
      if (!Objects.equals(live.partitioning(), desired.partitioning())) {
        refusals.add(
            table + ": partitioning change " + live.partitioning() + " -> "
                + desired.partitioning());
      }
      if (!lower(live.clustering()).equals(lower(desired.clustering()))) {
        refusals.add(
            table + ": clustering change " + live.clustering() + " -> " + desired.clustering());
      }
    }
    if (!Objects.equals(blankToNull(live.description()), blankToNull(desired.description()))) {
      changes.add(new Change("description of " + table, null));
    }
    return new Result(table, changes, refusals);
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String descriptionOption(String description) {
    return description == null ? "" : " OPTIONS (description = " + sqlString(description) + ")";
  }

  /** A GoogleSQL string literal holding {@code value}. */
  static String sqlString(String value) {
    StringBuilder out = new StringBuilder("'");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.append('\'').toString();
  }
}
