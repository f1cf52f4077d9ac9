package dev.landfall.flow;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.ParsedRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an exported CSV file back with landfall's own RFC 4180 reader (not with {@link CsvWriter}'s
 * logic), as rows of header name → cell; an empty cell (NULL) is "".
 */
final class ExportedCsv {
  private ExportedCsv() {}

  static List<Map<String, String>> read(Path file) throws IOException {
    List<List<String>> records = new ArrayList<>();
    CsvFieldParser parser = new CsvFieldParser();
    try (CsvRecordReader reader =
        CsvRecordReader.open(
            FileChannel.open(file, StandardOpenOption.READ),
            0,
            Files.size(file),
            false,
            Integer.MAX_VALUE - 8)) {
      while (reader.advance()) {
        ParsedRecord record = parser.parse(reader.buffer(), 0, reader.length());
        if (!record.isValid()) {
          throw new IllegalStateException(
              file + " at byte " + reader.offset() + ": " + record.error());
        }
        records.add(List.copyOf(record.fields()));
      }
    }
    List<String> header = records.get(0);
    List<Map<String, String>> rows = new ArrayList<>();
    for (List<String> fields : records.subList(1, records.size())) {
      if (fields.size() != header.size()) {
        throw new IllegalStateException(
            file + ": " + fields.size() + " fields, header has " + header.size());
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), fields.get(i));
      }
      rows.add(row);
    }
    return rows;
  }
}
