package dev.landfall.deploy;

import dev.landfall.config.Pii;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which columns carry the personal-data policy tag: every column of every package table that
 * {@code pii.columns} names (a bare column name in every table, a qualified one in its table).
 * BigQuery DDL cannot attach a policy tag, so the deploy sets it with {@code tables.patch} after
 * the DDL (https://cloud.google.com/bigquery/docs/column-level-security#set_policy).
 */
public final class PiiTags {

  private PiiTags() {}

  /**
   * The tag for a personal-data column of {@code type}: masking by SHA-256 applies to STRING and
   * BYTES only, so every other type (DATE of birth) takes the tag whose data policy returns the
   * type's default value (terraform/pii.tf; https://cloud.google.com/bigquery/docs/column-data-masking-intro#masking_options).
   * Without a second tag the first serves every type.
   */
  public static String tagFor(String type, String textTag, String otherTag) {
    boolean text = type.startsWith("STRING") || type.startsWith("BYTES");
    return text || otherTag == null ? textTag : otherTag;
  }

  /** The columns of {@code table} (declared in package {@code service}) that get the tag. */
  public static Set<String> columns(Pii pii, String service, TableSpec table) {
    String shortName = table.name().substring(table.name().lastIndexOf('.') + 1);
    Set<String> tagged = new TreeSet<>();
    for (TableSpec.Column c : table.columns()) {
      if (pii.holdsPersonalData(service, shortName, c.name())) {
        tagged.add(c.name());
      }
    }
    return tagged;
  }

  /**
   * Qualified entries of {@code pii.columns} that name no column of a table file (a typo would
   * otherwise leave the data untagged, silently); {@code tableColumns} holds {@code
   * service.table.column} of every table file.
   */
  public static List<String> unknownEntries(Pii pii, Set<String> tableColumns) {
    List<String> unknown = new ArrayList<>();
    for (String entry : pii.columns()) {
      if (entry.contains(".") && !tableColumns.contains(entry)) {
        unknown.add(entry);
      }
    }
    return unknown;
  }
}
