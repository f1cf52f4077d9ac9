package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import dev.landfall.csv.ParsedRecord;
import dev.landfall.csv.QuoteCounter;
import dev.landfall.reliability.BadInputCorpus.Case;
import dev.landfall.reliability.BadInputCorpus.Size;
import dev.landfall.reliability.ReferenceCsv.Expectation;
import dev.landfall.reliability.ReferenceCsv.Expected;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the bad-input corpus read the way the landing pipeline reads it (quote counts per
 * range, then each range from its start state) at many split sizes, without Beam or BigQuery:
 * the records and their lake JSON must equal the oracle's, each record exactly once, whatever
 * the split. The engine test ({@link BadInputLandingTest}) then checks the same files landed and
 * unpacked; this one pins down the reading at split sizes a pipeline run cannot afford.
 */
class CorpusReadingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RECORD_BYTES = 32 << 20;

  @TempDir static Path dir;

  static Stream<Case> cases() {
    return Stream.concat(BadInputCorpus.of(Size.SMALL).stream(), BadInputCorpus.of(Size.LARGE).stream());
  }

  @Test
  void corpus_hasAtLeastFiftyKinds() {
    assertTrue(BadInputCorpus.all().size() >= 50, "kinds: " + BadInputCorpus.all().size());
    Figures.set("bad input: kinds of file", BadInputCorpus.all().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void oracle_agreesWithTheCase(Case c) {
    Expectation expected = ReferenceCsv.expect(c.content().get(), MAX_RECORD_BYTES);

    long wellFormed = expected.records().size() - expected.malformed();
    if (c.malformed() < 0) {
      assertEquals(0, wellFormed, "a case of unreadable files has no well-formed record");
    } else {
      assertEquals(c.malformed(), expected.malformed(), "malformed records");
      assertEquals(c.outcomes().size(), wellFormed, "well-formed records");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rangedReading_landsEveryRecordOnceAtEverySplitSize(Case c) throws IOException {
    byte[] content = c.content().get();
    Path file = dir.resolve(c.fileName());
    Files.write(file, content);
    Expectation expected = ReferenceCsv.expect(content, MAX_RECORD_BYTES);

    for (long split : splitSizes(content.length, c.size())) {
      List<Landed> landed = read(file, content.length, split, c.source());
      assertEquals(expected.records().size(), landed.size(), c + ": records at split " + split);
      for (int i = 0; i < landed.size(); i++) {
        assertMatches(expected.records().get(i), landed.get(i), c + " split " + split + " record " + i,
            MAX_RECORD_BYTES);
      }
    }
    Figures.add("bad input: records read at every split size (readings)",
        (long) expected.records().size() * splitSizes(content.length, c.size()).size());
    Files.delete(file);
  }

  /** Every split size up to 24 bytes for small files (boundaries at every byte), a few for large. */
  private static List<Long> splitSizes(int size, Size kind) {
    if (kind == Size.SMALL) {
      List<Long> sizes = new ArrayList<>(IntStream.rangeClosed(1, 24).mapToObj(i -> (long) i).toList());
      sizes.addAll(List.of(97L, 1024L, (long) Math.max(1, size)));
      return sizes;
    }
    return List.of(4093L, 1L << 20, (long) Math.max(1, size));
  }

  /** One lake row as the pipeline builds it. */
  record Landed(long offset, EncodedRecord encoded) {}

  /** Reads {@code file} as PlanFiles + ReadCsvRecords do: header once, then ranges. */
  static List<Landed> read(Path file, long size, long split, String source) throws IOException {
    CsvFieldParser parser = new CsvFieldParser();
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    Header header = null;
    String headerError = null;
    long headerOffset = -1;
    try (SeekableByteChannel ch = Files.newByteChannel(file);
        CsvRecordReader reader = CsvRecordReader.open(ch, 0, size, false, MAX_RECORD_BYTES)) {
      while (reader.advance()) {
        if (reader.isBlank()) {
          continue;
        }
        headerOffset = reader.offset();
        ParsedRecord parsed = parser.parse(reader.buffer(), 0, reader.length());
        if (reader.isTruncated() || !parsed.isValid() || hasNulOrCr(reader.buffer(), reader.length())) {
          headerError = reader.isTruncated() ? "header too long" : parsed.isValid() ? "NUL or CR" : parsed.error();
        } else {
          header = Header.parse(parsed);
        }
        break;
      }
    }
    List<Landed> out = new ArrayList<>();
    long quotesBefore = 0;
    for (long start = 0; start < size; start += split) {
      long end = Math.min(size, start + split);
      try (SeekableByteChannel ch = Files.newByteChannel(file);
          CsvRecordReader reader = CsvRecordReader.open(ch, start, end, quotesBefore % 2 == 1, MAX_RECORD_BYTES)) {
        while (reader.advance()) {
          // An unreadable header lands as a malformed record too (PlanFilesFn, ReadRangeFn).
          boolean landsHeader = reader.offset() == headerOffset && headerError != null;
          if (reader.isBlank() || (reader.offset() <= headerOffset && !landsHeader)) {
            continue;
          }
          byte[] raw = reader.buffer();
          int length = reader.length();
          EncodedRecord encoded;
          if (headerError != null) {
            encoded = encoder.encodeRaw(source, raw, 0, length, "unreadable header: " + headerError);
          } else if (reader.isTruncated()) {
            encoded = encoder.encodeRaw(source, raw, 0, length, "truncated");
          } else {
            encoded = encoder.encode(source, header, parser.parse(raw, 0, length), raw, 0, length);
          }
          out.add(new Landed(reader.offset(), encoded));
        }
      }
      try (SeekableByteChannel ch = Files.newByteChannel(file)) {
        ch.position(start);
        quotesBefore += QuoteCounter.countQuotes(ch, end - start);
      }
    }
    return out;
  }

  private static boolean hasNulOrCr(byte[] buf, int length) {
    for (int i = 0; i < length; i++) {
      if (buf[i] == 0 || buf[i] == '\r') {
        return true;
      }
    }
    return false;
  }

  /** The lake row holds the oracle's record: its fields, or its exact bytes when malformed. */
  static void assertMatches(Expected expected, Landed landed, String where, int maxRecordBytes)
      throws IOException {
    assertEquals(expected.offset(), landed.offset(), where + ": offset");
    Map<String, String> json = JSON.readValue(landed.encoded().dataString(), new TypeReference<>() {});
    if (!expected.malformed()) {
      assertNull(landed.encoded().parseError(), where + ": parse_error");
      assertEquals(expected.fields(), json, where + ": data_string");
      return;
    }
    assertNotNull(landed.encoded().parseError(), where + ": a malformed record has a parse_error");
    byte[] kept = json.containsKey("_raw_base64")
        ? Base64.getDecoder().decode(json.get("_raw_base64"))
        : json.get("_raw").getBytes(StandardCharsets.UTF_8);
    byte[] raw = expected.raw();
    // A record longer than the limit keeps its first maxRecordBytes bytes.
    assertArrayEquals(Arrays.copyOf(raw, Math.min(raw.length, maxRecordBytes)), kept, where + ": _raw bytes");
  }
}
