package dev.landfall.bench;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import java.io.IOException;

/**
 * The data records of one whole CSV file as the landing sees them: blank lines skipped, the
 * first record read as the header. The bench's single-threaded loops (measure 1's transform and
 * String path, the plain-Java landing of measure 2) walk files with it; the pipeline does the same
 * split over byte ranges ({@code PlanFilesFn} reads the header, {@code ReadRangeFn} the records).
 */
final class DataRecords {
  private final CsvRecordReader reader;
  private final CsvFieldParser headerParser = new CsvFieldParser();
  private Header header;

  DataRecords(CsvRecordReader reader) {
    this.reader = reader;
  }

  /** Moves to the next data record; false when the file has no more. */
  boolean next() throws IOException {
    while (reader.advance()) {
      if (reader.isBlank()) {
        continue;
      }
      if (header == null) {
        header = Header.parse(headerParser.parse(reader.buffer(), 0, reader.length()));
        continue;
      }
      return true;
    }
    return false;
  }

  Header header() {
    return header;
  }

  /** The current record's bytes in {@code [0, length())}; overwritten by {@link #next()}. */
  byte[] buffer() {
    return reader.buffer();
  }

  int length() {
    return reader.length();
  }

  long offset() {
    return reader.offset();
  }
}
