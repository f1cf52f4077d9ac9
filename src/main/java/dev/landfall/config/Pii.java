package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Section {@code pii:}: the policy tag that protects personal data, who may read it, and which
 * columns hold it.
 *
 * @param columns column names that hold personal data: a bare name ({@code email}) is personal in
 *     every table; {@code <dataset key>.<table>.<column>} in that table only (the {@code
 *     data_string} of the tables that hold customers rows)
 * @param readerGroups groups that read tagged columns in clear (besides the data engineers)
 */
public record Pii(
    String taxonomyName, String policyTag, List<String> columns, List<String> readerGroups) {

  /** Names, e-mail, date of birth, and the raw customers rows wherever they are kept. */
  public static final List<String> DEFAULT_COLUMNS =
      List.of(
          "first_name",
          "last_name",
          "email",
          "date_of_birth",
          "lake.raw_records.data_string",
          "customers.rejects.data_string");

  private static final Pattern ENTRY =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|[a-z][a-z0-9_]*\\.[A-Za-z0-9_]+\\.[A-Za-z_][A-Za-z0-9_]*");

  public Pii {
    columns = List.copyOf(columns);
    readerGroups = List.copyOf(readerGroups);
  }

  static Pii read(ConfigReader reader, JsonNode node) {
    JsonNode pii = reader.mapping(node, "pii");
    reader.checkKeys(pii, "pii.", Set.of("taxonomy_name", "policy_tag", "columns", "reader_groups"));
    List<String> columns = reader.stringList(pii, "columns", DEFAULT_COLUMNS, "pii.");
    for (String column : columns) {
      if (!ENTRY.matcher(column).matches()) {
        reader.problem(
            "pii.columns: '" + column + "' must be a column name or <dataset key>.<table>.<column>");
      }
    }
    return new Pii(
        reader.string(pii, "taxonomy_name", "landfall-pii", "pii."),
        reader.string(pii, "policy_tag", "pii", "pii."),
        columns,
        reader.stringList(pii, "reader_groups", List.of(), "pii."));
  }

  /** Whether {@code column} of table {@code datasetKey.table} holds personal data. */
  public boolean holdsPersonalData(String datasetKey, String table, String column) {
    for (String entry : columns) {
      if (entry.equalsIgnoreCase(column)
          || entry.equalsIgnoreCase(datasetKey + "." + table + "." + column)) {
        return true;
      }
    }
    return false;
  }
}
