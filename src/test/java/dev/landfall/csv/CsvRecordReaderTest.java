package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CsvRecordReaderTest {
  private static final int NO_LIMIT = 1 << 20;
  private static final String BOM = "\uFEFF";

  /** One record as a reader returned it; bytes as ISO-8859-1 so every byte maps to one char. */
  record Rec(long offset, String bytes, boolean truncated) {
    static Rec of(long offset, String text) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      return new Rec(offset, new String(utf8, StandardCharsets.ISO_8859_1), false);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Records of one range, and the bytes the reader says it consumed. */
  private static List<Rec> readRange(
      byte[] file,
      long start,
      long end,
      boolean inside,
      int maxRecordBytes,
      int maxRead,
      long[] consumed)
      throws IOException {
    List<Rec> records = new ArrayList<>();
    try (CsvRecordReader reader =
        CsvRecordReader.open(
            new ByteArrayChannel(file, maxRead), start, end, inside, maxRecordBytes)) {
      while (reader.advance()) {
        assertTrue(reader.length() <= maxRecordBytes, "kept bytes within the limit");
        assertEquals(reader.length() == 0 && !reader.isTruncated(), reader.isBlank());
        records.add(
            new Rec(
                reader.offset(),
                new String(reader.buffer(), 0, reader.length(), StandardCharsets.ISO_8859_1),
                reader.isTruncated()));
      }
      assertFalse(reader.advance(), "advance stays false once exhausted");
      if (consumed != null) {
        consumed[0] += reader.bytesConsumed();
      }
    }
    return records;
  }

  private static List<Rec> readAll(byte[] file, int maxRecordBytes) throws IOException {
    return readRange(file, 0, file.length, false, maxRecordBytes, Integer.MAX_VALUE, null);
  }

  /**
   * Reads {@code file} as the pipeline does: pass 1 counts quotes per range, prefix sums give each
   * range's start state, pass 2 reads every range.
   */
  private static List<Rec> readInRanges(
      byte[] file, long[] bounds, int maxRecordBytes, int maxRead, long[] consumed)
      throws IOException {
    List<Rec> records = new ArrayList<>();
    long quotesBefore = 0;
    for (int k = 0; k + 1 < bounds.length; k++) {
      long start = bounds[k];
      long end = bounds[k + 1];
      records.addAll(
          readRange(file, start, end, quotesBefore % 2 == 1, maxRecordBytes, maxRead, consumed));
      try (ByteArrayChannel channel = new ByteArrayChannel(file, maxRead)) {
        channel.position(start);
        quotesBefore += QuoteCounter.countQuotes(channel, end - start);
      }
    }
    return records;
  }

  private static long[] evenSplits(long size, long splitSize) {
    return LongStream.concat(
            LongStream.iterate(0, s -> s < size, s -> s + splitSize), LongStream.of(size))
        .toArray();
  }

  /**
   * The specification written as plainly as possible, byte by byte over the whole file: an
   * independent oracle for the reader.
   */
  private static List<Rec> reference(byte[] file, int maxRecordBytes) {
    List<Rec> records = new ArrayList<>();
    int i =
        file.length >= 3
                && file[0] == (byte) 0xEF
                && file[1] == (byte) 0xBB
                && file[2] == (byte) 0xBF
            ? 3
            : 0;
    while (i < file.length) {
      int start = i;
      boolean inQuotes = false;
      while (i < file.length && (inQuotes || file[i] != '\n')) {
        if (file[i] == '"') {
          inQuotes = !inQuotes;
        }
        i++;
      }
      int stop = i;
      if (i < file.length) {
        i++; // the LF
        if (stop > start && file[stop - 1] == '\r') {
          stop--;
        }
      }
      int kept = Math.min(stop - start, maxRecordBytes);
      records.add(
          new Rec(
              start,
              new String(file, start, kept, StandardCharsets.ISO_8859_1),
              stop - start > maxRecordBytes));
    }
    return records;
  }

  // ---- hand-written cases -------------------------------------------------------------------

  @Test
  void advance_returnsRecordsWithTheirOffsets() throws IOException {
    byte[] file = utf8("id,name\n1,Ada\n2,Bob\n");

    List<Rec> records = readAll(file, NO_LIMIT);

    assertEquals(List.of(Rec.of(0, "id,name"), Rec.of(8, "1,Ada"), Rec.of(14, "2,Bob")), records);
  }

  @Test
  void advance_stripsCrLfButKeepsOtherCarriageReturns() throws IOException {
    byte[] file = utf8("a\rb\r\nc\r\r\nd");

    List<Rec> records = readAll(file, NO_LIMIT);

    assertEquals(List.of(Rec.of(0, "a\rb"), Rec.of(5, "c\r"), Rec.of(9, "d")), records);
  }

  @Test
  void advance_returnsLastRecordWithoutNewline() throws IOException {
    assertEquals(List.of(Rec.of(0, "a"), Rec.of(2, "b")), readAll(utf8("a\nb"), NO_LIMIT));
  }

  @Test
  void advance_keepsCarriageReturnAtEndOfFileWithoutNewline() throws IOException {
    assertEquals(List.of(Rec.of(0, "a\r")), readAll(utf8("a\r"), NO_LIMIT));
  }

  @Test
  void advance_reportsBlankLines() throws IOException {
    byte[] file = utf8("a\n\n\r\nb\n");
    List<Boolean> blanks = new ArrayList<>();
    try (CsvRecordReader reader =
        CsvRecordReader.open(new ByteArrayChannel(file), 0, file.length, false, NO_LIMIT)) {
      while (reader.advance()) {
        blanks.add(reader.isBlank());
      }
    }

    assertEquals(List.of(false, true, true, false), blanks);
    assertEquals(
        List.of(Rec.of(0, "a"), Rec.of(2, ""), Rec.of(3, ""), Rec.of(5, "b")),
        readAll(file, NO_LIMIT));
  }

  @Test
  void advance_returnsNothingForEmptyFile() throws IOException {
    assertEquals(List.of(), readAll(new byte[0], NO_LIMIT));
    assertEquals(List.of(), readAll(utf8(BOM), NO_LIMIT));
  }

  @Test
  void open_skipsByteOrderMark() throws IOException {
    byte[] file = utf8(BOM + "id\n1\n");

    assertEquals(List.of(Rec.of(3, "id"), Rec.of(6, "1")), readAll(file, NO_LIMIT));
  }

  @Test
  void open_firstRangeOwnsBomShiftedFirstRecordEvenWhenShorterThanTheBom() throws IOException {
    byte[] file = utf8(BOM + "id\n1\n");

    List<Rec> records =
        readInRanges(file, new long[] {0, 1, 2, 3, 4, file.length}, NO_LIMIT, 64, null);

    assertEquals(List.of(Rec.of(3, "id"), Rec.of(6, "1")), records);
    assertEquals(List.of(Rec.of(3, "id")), readRange(file, 0, 1, false, NO_LIMIT, 64, null));
  }

  @Test
  void open_startRightAfterLineFeedIsARecordStart() throws IOException {
    byte[] file = utf8("ab\ncd\nef\n");

    assertEquals(List.of(Rec.of(3, "cd")), readRange(file, 3, 6, false, NO_LIMIT, 64, null));
    assertEquals(List.of(Rec.of(3, "cd")), readRange(file, 2, 6, false, NO_LIMIT, 64, null));
    assertEquals(List.of(Rec.of(6, "ef")), readRange(file, 4, 7, false, NO_LIMIT, 64, null));
    assertEquals(List.of(), readRange(file, 4, 6, false, NO_LIMIT, 64, null));
  }

  @Test
  void open_rangeBeyondEndOfFileIsEmpty() throws IOException {
    byte[] file = utf8("a\n");

    assertEquals(List.of(), readRange(file, 5, 9, false, NO_LIMIT, 64, null));
    assertEquals(List.of(), readRange(file, 2, 3, false, NO_LIMIT, 64, null));
  }

  @Test
  void advance_keepsQuotedLineBreakWholeAcrossSplit() throws IOException {
    // A split right after the quoted LF lands on "b": without the start state it would look like
    // a record start.
    String text = "id,note\n1,\"a\nb,\"\"c\"\"\n\"\n2,d\n";
    byte[] file = utf8(text);
    int afterQuotedLf = text.indexOf("b,");
    int lastRecord = text.indexOf("2,d");
    List<Rec> expected =
        List.of(
            Rec.of(0, "id,note"), Rec.of(8, "1,\"a\nb,\"\"c\"\"\n\""), Rec.of(lastRecord, "2,d"));

    List<Rec> records =
        readInRanges(file, new long[] {0, afterQuotedLf, file.length}, NO_LIMIT, 64, null);

    assertEquals(expected, readAll(file, NO_LIMIT));
    assertEquals(expected, records);
    assertEquals(
        List.of(Rec.of(lastRecord, "2,d")),
        readRange(file, afterQuotedLf, file.length, true, NO_LIMIT, 64, null),
        "the range inside quotes starts at the next real record");
  }

  @Test
  void advance_splitsAtEveryPositionOfAQuotedLineBreakFile() throws IOException {
    byte[] file = utf8("h1,h2\r\n\"x\r\ny\",\"\"\"\"\r\n\r\n\"é,😀\n\",z\r\nlast");
    List<Rec> expected = readAll(file, NO_LIMIT);

    for (long p = 0; p <= file.length; p++) {
      assertEquals(
          expected,
          readInRanges(file, new long[] {0, p, file.length}, NO_LIMIT, 3, null),
          "split at " + p);
    }
  }

  @Test
  void advance_makesTheRestOfTheFileOneRecordAfterAnUnbalancedQuote() throws IOException {
    byte[] file = utf8("a\n\"b\nc\nd\n");

    assertEquals(List.of(Rec.of(0, "a"), Rec.of(2, "\"b\nc\nd\n")), readAll(file, NO_LIMIT));
  }

  @Test
  void isTruncated_keepsFirstBytesAndResumesAtTheRecordsTrueEnd() throws IOException {
    byte[] file = utf8("abcdefgh\nxy\n\"1\n2\n3\n4\"\nok\n");

    List<Rec> records = readAll(file, 4);

    assertEquals(
        List.of(
            new Rec(0, "abcd", true),
            Rec.of(9, "xy"),
            new Rec(12, "\"1\n2", true),
            Rec.of(22, "ok")),
        records);
  }

  @Test
  void isTruncated_doesNotCountTheStrippedCarriageReturn() throws IOException {
    assertEquals(List.of(Rec.of(0, "abcd")), readAll(utf8("abcd\r\n"), 4));
  }

  @Test
  void bytesConsumed_coversTheFileLessTheBom() throws IOException {
    byte[] file = utf8(BOM + "a,b\r\n\n\"x\ny\"\nlast");
    long[] consumed = {0};

    readInRanges(file, evenSplits(file.length, 3), NO_LIMIT, 64, consumed);

    assertEquals(file.length - 3, consumed[0]);
  }

  @Test
  void open_rejectsInconsistentArguments() {
    byte[] file = utf8("a\n");

    assertThrows(IllegalArgumentException.class, () -> readRange(file, 0, 1, true, 10, 64, null));
    assertThrows(IllegalArgumentException.class, () -> readRange(file, 2, 1, false, 10, 64, null));
    assertThrows(IllegalArgumentException.class, () -> readRange(file, 0, 1, false, 0, 64, null));
  }

  @Test
  void advance_readsRealFilesInRanges(@TempDir Path dir) throws IOException {
    byte[] file = RandomCsv.generate(42, 200_000); // several read buffers long
    Path path = Files.write(dir.resolve("big.csv"), file);
    List<Rec> expected = reference(file, NO_LIMIT);
    List<Rec> records = new ArrayList<>();
    long[] bounds = evenSplits(file.length, 70_001);
    long quotesBefore = 0;

    for (int k = 0; k + 1 < bounds.length; k++) {
      try (FileChannel counter = FileChannel.open(path)) {
        counter.position(bounds[k]);
        long quotes = QuoteCounter.countQuotes(counter, bounds[k + 1] - bounds[k]);
        try (CsvRecordReader reader =
            CsvRecordReader.open(
                FileChannel.open(path),
                bounds[k],
                bounds[k + 1],
                quotesBefore % 2 == 1,
                NO_LIMIT)) {
          while (reader.advance()) {
            records.add(
                new Rec(
                    reader.offset(),
                    new String(reader.buffer(), 0, reader.length(), StandardCharsets.ISO_8859_1),
                    reader.isTruncated()));
          }
        }
        quotesBefore += quotes;
      }
    }

    assertEquals(expected, records);
  }

  // ---- the key property ---------------------------------------------------------------------

  static LongStream seeds() {
    return LongStream.range(0, 150);
  }

  @Test
  void generate_coversEveryHostileFeatureAcrossTheSeeds() {
    // Guards the property tests below against a generator that silently stops producing a case.
    String[] features = {
      "\uFEFF", "\"\"", ",\"\n", "\r\n\r\n", "\n\n", "never closed", "é", "😀", "ab\"c"
    };
    for (String feature : features) {
      long files =
          seeds()
              .filter(
                  seed ->
                      new String(RandomCsv.generate(seed, 400), StandardCharsets.UTF_8)
                          .contains(feature))
              .count();
      assertTrue(
          files >= 10, feature.codePoints().boxed().toList() + " in only " + files + " files");
    }
  }

  /**
   * For random hostile files and many split sizes (1, 2 and 3 bytes put a split at every position:
   * inside {@code ""}, right after a CR, inside multi-byte characters), reading all ranges gives
   * exactly the records of one sequential read, which matches the plain reference.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void advance_rangesTogetherReturnEveryRecordExactlyOnce(long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(~seed); // independent of the file's stream
    byte[] file = RandomCsv.generate(seed, 50 + random.nextInt(700));
    if (seed % 5 == 0) {
      file = RandomCsv.withInvalidBytes(file, seed);
    }
    int maxRecordBytes =
        switch ((int) (seed % 3)) {
          case 0 -> 6;
          case 1 -> 40;
          default -> NO_LIMIT;
        };
    int maxRead = seed % 2 == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(7); // short reads
    List<Rec> expected = reference(file, maxRecordBytes);
    assertEquals(expected, readAll(file, maxRecordBytes), "sequential read");

    List<Long> splitSizes =
        new ArrayList<>(List.of(1L, 2L, 3L, (long) file.length, file.length + 1L));
    for (int i = 0; i < 6; i++) {
      splitSizes.add(4L + random.nextInt(60));
    }
    for (long splitSize : splitSizes) {
      long[] consumed = {0};

      List<Rec> records =
          readInRanges(file, evenSplits(file.length, splitSize), maxRecordBytes, maxRead, consumed);

      assertEquals(expected, records, "seed " + seed + ", split size " + splitSize);
      long bom = file.length >= 3 && file[0] == (byte) 0xEF ? 3 : 0;
      assertEquals(file.length - bom, consumed[0], "bytes consumed, split size " + splitSize);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void advance_unevenRandomRangesReturnEveryRecordExactlyOnce(long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(~(seed + 1_000));
    byte[] file = RandomCsv.generate(seed + 1_000, 100 + random.nextInt(400));
    long[] bounds =
        LongStream.concat(
                LongStream.of(0, file.length), random.longs(random.nextInt(12), 0, file.length + 1))
            .sorted()
            .toArray(); // duplicates give empty ranges, which must return nothing

    List<Rec> records = readInRanges(file, bounds, NO_LIMIT, Integer.MAX_VALUE, null);

    assertEquals(reference(file, NO_LIMIT), records);
  }
}
