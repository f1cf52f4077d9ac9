package dev.landfall.flow;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a query result as RFC 4180 CSV: header row, comma-delimited, CRLF, quoted when needed.
 *
 * <p>These files are for people, who open them in a spreadsheet: a text cell that a spreadsheet
 * would run as a formula (it starts with {@code = + - @}, a tab or a CR, and is not a number) is
 * written with a leading {@code '}, as OWASP advises against CSV injection. A customer named
 * {@code =HYPERLINK(...)} then shows as text. The lake and the tables keep the value verbatim.
 */
final class CsvWriter {
  private static final String FORMULA_STARTS = "=+-@\t\r";

  /** A plain number: a signed figure is data, not a formula. */
  private static final Pattern NUMBER = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private CsvWriter() {}

  static void write(Path file, Queries.Table table) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeRow(out, table.columns());
      for (List<String> row : table.rows()) {
        writeRow(out, row);
      }
    }
  }

  private static void writeRow(Writer out, List<String> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(quote(cells.get(i)));
    }
    out.write("\r\n");
  }

  static String quote(String value) {
    if (value == null) {
      return "";
    }
    String cell = neutralizeFormula(value);
    boolean needsQuotes =
        cell.indexOf(',') >= 0
            || cell.indexOf('"') >= 0
            || cell.indexOf('\n') >= 0
            || cell.indexOf('\r') >= 0;
    return needsQuotes ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
  }

  /** The cell, with a leading {@code '} when a spreadsheet would run it as a formula. */
  static String neutralizeFormula(String cell) {
    if (cell.isEmpty()
        || FORMULA_STARTS.indexOf(cell.charAt(0)) < 0
        || NUMBER.matcher(cell).matches()) {
      return cell;
    }
    return "'" + cell;
  }
}
