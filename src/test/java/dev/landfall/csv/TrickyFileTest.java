package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole chain on one hand-written file, as the landing pipeline uses it: reader, then the
 * header from the first non-blank record, then parser and encoder per data record, with blank lines
 * skipped. The file has a BOM, CRLF line ends, a quoted CRLF, a blank line, non-ASCII text, every
 * kind of malformed row, and an unterminated quote that swallows the rest of the file.
 */
class TrickyFileTest {
  private static final String SOURCE = "transactions";

  /** One lake row's CSV-derived columns. */
  record Row(long offset, String dataString, String parseError) {}

  private static byte[] fixture() throws IOException {
    try (InputStream in =
        TrickyFileTest.class.getResourceAsStream("/csv/transactions_tricky.csv")) {
      return in.readAllBytes();
    }
  }

  private static long offsetOf(byte[] file, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + needle.length <= file.length; i++) {
      if (Arrays.equals(file, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError(text + " not in fixture");
  }

  /** Lands the file in ranges of {@code splitSize} bytes, like the pipeline's workers. */
  private static List<Row> land(byte[] file, long splitSize) throws IOException {
    Header header;
    long headerOffset;
    try (CsvRecordReader reader =
        CsvRecordReader.open(new ByteArrayChannel(file), 0, file.length, false, 1 << 20)) {
      do {
        reader.advance();
      } while (reader.isBlank());
      String rawLine = new String(reader.buffer(), 0, reader.length(), StandardCharsets.UTF_8);
      header =
          Header.parse(new CsvFieldParser().parse(reader.buffer(), 0, reader.length()), rawLine);
      headerOffset = reader.offset();
    }
    List<Row> rows = new ArrayList<>();
    CsvFieldParser parser = new CsvFieldParser();
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    long quotesBefore = 0;
    for (long start = 0; start < file.length; start += splitSize) {
      long end = Math.min(file.length, start + splitSize);
      try (CsvRecordReader reader =
          CsvRecordReader.open(
              new ByteArrayChannel(file), start, end, quotesBefore % 2 == 1, 1 << 20)) {
        while (reader.advance()) {
          if (reader.isBlank() || reader.offset() == headerOffset) {
            continue;
          }
          ParsedRecord parsed = parser.parse(reader.buffer(), 0, reader.length());
          EncodedRecord encoded =
              encoder.encode(SOURCE, header, parsed, reader.buffer(), 0, reader.length());
          rows.add(new Row(reader.offset(), encoded.dataString(), encoded.parseError()));
        }
      }
      ByteArrayChannel counter = new ByteArrayChannel(file);
      counter.position(start);
      quotesBefore += QuoteCounter.countQuotes(counter, end - start);
    }
    return rows;
  }

  @Test
  void land_turnsEveryLineOfTheTrickyFileIntoTheExpectedLakeRow() throws IOException {
    byte[] file = fixture();
    List<Row> expected =
        List.of(
            new Row(
                offsetOf(file, "t1,"),
                "{\"transaction_id\":\"t1\",\"customer_id\":\"c1\",\"amount\":\"12.50\","
                    + "\"merchant\":\"Smith, Jones & Co\",\"note\":\"said \\\"hi\\\"\"}",
                null),
            new Row(
                offsetOf(file, "t2,"),
                "{\"transaction_id\":\"t2\",\"customer_id\":\"c2\",\"amount\":\"3.00\","
                    + "\"merchant\":\"Café Noir\",\"note\":\"line one\\r\\nline two\"}",
                null),
            new Row(
                offsetOf(file, "t3,"),
                "{\"transaction_id\":\"t3\",\"customer_id\":\"c3\",\"amount\":\"1.00\","
                    + "\"merchant\":\"東京 😀\",\"note\":\"\"}",
                null),
            new Row(
                offsetOf(file, "t4,"),
                "{\"_raw\":\"t4,c4,2.00,Bad \\\"quote\\\",x\"}",
                "quote inside unquoted field 4"),
            new Row(
                offsetOf(file, "t5,"),
                "{\"_raw\":\"t5,c5,9.99,\\\"closed\\\"junk,x\"}",
                "unexpected character after closing quote in field 4"),
            new Row(
                offsetOf(file, "t6,"),
                "{\"_raw\":\"t6,c6,1.00,too,many,fields\"}",
                "expected 5 fields, found 6"),
            new Row(offsetOf(file, "t7,"), "{\"_raw\":\"t7,c7\"}", "expected 5 fields, found 2"),
            new Row(
                offsetOf(file, "  t8 ,"),
                "{\"transaction_id\":\"  t8 \",\"customer_id\":\"c8\",\"amount\":\"0.10\","
                    + "\"merchant\":\"  spaced  \",\"note\":\"\"}",
                null),
            new Row(
                offsetOf(file, "t9,"),
                "{\"_raw\":\"t9,c9,5.00,\\\"never closed,x\\r\\nt10,c10,1.00,m,n\\r\\n\"}",
                "unterminated quoted field"));

    for (long splitSize : new long[] {file.length, 1, 2, 3, 7, 50}) {
      assertEquals(expected, land(file, splitSize), "split size " + splitSize);
    }
  }

  @Test
  void header_isNormalizedFromTheBomPrefixedFirstLine() throws IOException {
    byte[] file = fixture();
    try (CsvRecordReader reader =
        CsvRecordReader.open(new ByteArrayChannel(file), 0, 1, false, 1 << 20)) {
      reader.advance();
      Header header = Header.parse(new CsvFieldParser().parse(reader.buffer(), 0, reader.length()));

      assertEquals(3, reader.offset());
      assertEquals(
          List.of("transaction_id", "customer_id", "amount", "merchant", "note"), header.names());
    }
  }
}
