package dev.landfall.routines;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Renders expected and actual rows side by side, marking the rows that differ with '!'. */
final class RowTable {

  private RowTable() {}

  /** {@code expected} may be null to show the actual rows only. */
  static String render(
      List<String> columns, List<List<String>> expected, List<List<String>> actual) {
    int count = Math.max(expected == null ? 0 : expected.size(), actual.size());
    List<String> left = new ArrayList<>();
    List<String> right = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      left.add(expected == null ? "" : row(expected, i));
      right.add(row(actual, i));
    }
    int width = "expected".length();
    for (String s : left) {
      width = Math.max(width, s.length());
    }
    StringBuilder out = new StringBuilder();
    out.append("  columns: ").append(String.join(" | ", columns)).append('\n');
    if (expected == null) {
      out.append("  actual rows:\n");
      right.forEach(r -> out.append("    ").append(r).append('\n'));
      return out.toString();
    }
    out.append(String.format("      %-" + width + "s    %s%n", "expected", "actual"));
    for (int i = 0; i < count; i++) {
      boolean same =
          i < expected.size()
              && i < actual.size()
              && Objects.equals(expected.get(i), actual.get(i));
      out.append(
          String.format(
              "  %s%3d %-" + width + "s    %s%n",
              same ? " " : "!",
              i + 1,
              left.get(i),
              right.get(i)));
    }
    return out.toString();
  }

  private static String row(List<List<String>> rows, int i) {
    if (i >= rows.size()) {
      return "(no row)";
    }
    List<String> cells = new ArrayList<>();
    for (String cell : rows.get(i)) {
      cells.add(cell == null ? "NULL" : cell);
    }
    return String.join(" | ", cells);
  }
}
