package dev.landfall.flow;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a query result as RFC 4180 CSV: header row, comma-delimited, CRLF, quoted when needed. */
final class CsvWriter {
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

  static String quote(String cell) {
    if (cell == null) {
      return "";
    }
    boolean needsQuotes =
        cell.indexOf(',') >= 0
            || cell.indexOf('"') >= 0
            || cell.indexOf('\n') >= 0
            || cell.indexOf('\r') >= 0;
    return needsQuotes ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
  }
}
