package dev.landfall.landing;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The reading half of the pipeline on the DirectRunner over real files: each CONTRACT §1 case
 * lands as the expected lake record, and every record lands exactly once whatever the split size.
 */
@RunWith(JUnit4.class)
public class ReadCsvRecordsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private static final String HEADER = "transaction_id,customer_id,amount\n";

  @Test
  public void read_landsEachRecordAsJsonKeyedByHeader() throws IOException {
    Path file = write("transactions_a.csv", HEADER + "t1,c1,12.50\nt2,c2,3.00\n");

    PCollection<String> rows = summaries(read(file, 1 << 20));

    PAssert.that(rows)
        .containsInAnyOrder(
            "transactions|34|{\"transaction_id\":\"t1\",\"customer_id\":\"c1\",\"amount\":\"12.50\"}|null",
            "transactions|46|{\"transaction_id\":\"t2\",\"customer_id\":\"c2\",\"amount\":\"3.00\"}|null");
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void read_dropsBomHandlesCrlfAndNormalizesHeader() throws IOException {
    Path file =
        write("customers_b.csv", "\uFEFF Customer_ID ,EMAIL\r\nc1,a@x.com\r\n\r\nc2,\"b,\"\"q\"\"@x.com\"\r\n");

    PCollection<String> rows = summaries(read(file, 1 << 20));

    PAssert.that(rows)
        .containsInAnyOrder(
            "customers|24|{\"customer_id\":\"c1\",\"email\":\"a@x.com\"}|null",
            "customers|38|{\"customer_id\":\"c2\",\"email\":\"b,\\\"q\\\"@x.com\"}|null");
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void read_keepsReorderedAndExtraColumnsInFileOrder() throws IOException {
    Path file = write("transactions_d.csv", "Amount, Channel ,TRANSACTION_ID\n3.00,card,t1\n");

    PCollection<String> rows = summaries(read(file, 1 << 20));

    PAssert.that(rows)
        .containsInAnyOrder(
            "transactions|32|{\"amount\":\"3.00\",\"channel\":\"card\",\"transaction_id\":\"t1\"}|null");
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void read_landsUnparseableLinesRawWithTheirReason() throws IOException {
    Path file = write("transactions_c.csv", HEADER + "t1,c1\nt2,\"c2\"x,1\n");

    PCollection<String> errors =
        read(file, 1 << 20)
            .get(ReadRangeFn.RECORDS)
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(r -> r.sourceOffset() + "|" + r.dataString().startsWith("{\"_raw\":") + "|" + r.parseError()));

    PAssert.that(errors)
        .containsInAnyOrder(
            "34|true|expected 3 fields, found 2",
            "40|true|unexpected character after closing quote in field 2");
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void read_emptyAndHeaderOnlyFilesLandNothing() throws IOException {
    write("transactions_empty.csv", "");
    write("transactions_header.csv", HEADER);

    PCollectionTuple read = readPattern(folder.getRoot().toPath().resolve("*.csv").toString(), 1 << 20);

    PAssert.that(read.get(ReadRangeFn.RECORDS).apply(Count.globally())).containsInAnyOrder(0L);
    pipeline.run().waitUntilFinish();
  }

  /**
   * The core property of byte-range reading: with quoted line breaks and escaped quotes that
   * straddle range borders, tiny splits land exactly the records one sequential read lands.
   */
  @Test
  public void read_tinySplitsLandEveryRecordExactlyOnce() throws IOException {
    StringBuilder csv = new StringBuilder("id,note,amount\r\n");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String note = i % 3 == 0 ? "line one\nline \"\"two\"\", still " + i : "plain " + i;
      csv.append("id").append(i).append(",\"").append(note).append("\",").append(i).append(".25\r\n");
      if (i % 7 == 0) {
        csv.append("\r\n"); // blank lines between records
      }
      expected.add("id" + i + "|" + note.replace("\"\"", "\"").replace("\n", "\\n") + "|" + i + ".25");
    }
    Path file = write("transactions_split.csv", csv.toString());

    for (long split : new long[] {13, 97, 1 << 20}) {
      Pipeline p = Pipeline.create();
      PCollection<String> values = decodedValues(readPattern(p, file.toString(), split));
      PAssert.that(values).containsInAnyOrder(expected);
      p.run().waitUntilFinish();
    }
  }

  /**
   * Resuming after a checkpoint: the DirectRunner checkpoints a splittable DoFn every 100 outputs,
   * so one range of 5,000 records (quoted line breaks, escaped quotes, blank lines, a BOM, CRLF)
   * is read in dozens of pieces, each reopening the file at the last claimed record. Every record
   * must land once, and the pieces' counts must add up to the file.
   */
  @Test
  public void read_checkpointedRangeResumesExactlyOnce() throws IOException {
    StringBuilder csv = new StringBuilder("\uFEFFid,note,amount\r\n");
    List<String> expected = new ArrayList<>();
    int blankLines = 0;
    for (int i = 0; i < 5000; i++) {
      String note = i % 5 == 0 ? "first\n\"\"second\"\"\nthird " + i : "n" + i;
      csv.append("id").append(i).append(",\"").append(note).append("\",").append(i).append("\r\n");
      if (i % 250 == 0) {
        csv.append("\r\n");
        blankLines++;
      }
      expected.add("id" + i + "|" + note.replace("\"\"", "\"").replace("\n", "\\n") + "|" + i);
    }
    Path file = write("transactions_resume.csv", csv.toString());
    long bomBytes = 3;

    for (long split : new long[] {1 << 20, 40_000}) {
      Pipeline p = Pipeline.create();
      PCollectionTuple read = readPattern(p, file.toString(), split);
      PAssert.that(decodedValues(read)).containsInAnyOrder(expected);
      PCollection<String> totals =
          read.get(ReadRangeFn.STATS)
              .apply(
                  "Totals",
                  MapElements.into(TypeDescriptors.strings())
                      .via(kv -> kv.getValue().records() + "," + kv.getValue().blankLines() + "," + kv.getValue().bytes()))
              .apply(org.apache.beam.sdk.transforms.Combine.globally(ReadCsvRecordsTest::sumTriples));
      PAssert.that(totals)
          .containsInAnyOrder(
              (long) expected.size() + "," + blankLines + "," + (Files.size(file) - bomBytes));
      p.run().waitUntilFinish();
    }
  }

  /** Sums "records,blank,bytes" triples (bytes cover every line, the header's too). */
  private static String sumTriples(Iterable<String> triples) {
    long[] sum = new long[3];
    for (String triple : triples) {
      String[] parts = triple.split(",");
      for (int i = 0; i < 3; i++) {
        sum[i] += Long.parseLong(parts[i]);
      }
    }
    return sum[0] + "," + sum[1] + "," + sum[2];
  }

  @Test
  public void read_invalidUtf8LandsRawAndLossless() throws IOException {
    Path file = folder.getRoot().toPath().resolve("transactions_bin.csv");
    byte[] bytes = (HEADER + "t1,c\u00e9,1\n").getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[bytes.length + 7];
    System.arraycopy(bytes, 0, bad, 0, bytes.length);
    System.arraycopy(new byte[] {'t', '2', ',', (byte) 0xC3, (byte) 0x28, ',', '\n'}, 0, bad, bytes.length, 7);
    Files.write(file, bad);

    PCollection<String> rows = summaries(read(file, 1 << 20));

    PAssert.that(rows)
        .containsInAnyOrder(
            "transactions|34|{\"transaction_id\":\"t1\",\"customer_id\":\"c\u00e9\",\"amount\":\"1\"}|null",
            "transactions|43|{\"_raw\":\"t2,\uFFFD(,\",\"_raw_base64\":\"dDIswygs\"}|invalid UTF-8 at byte 3");
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void read_countsBlankLinesPerFile() throws IOException {
    Path file = write("transactions_blank.csv", HEADER + "\n\nt1,c1,1\n\r\n");

    PCollection<Long> blank =
        read(file, 4)
            .get(ReadRangeFn.STATS)
            .apply(MapElements.into(TypeDescriptors.longs()).via(kv -> kv.getValue().blankLines()))
            .apply(org.apache.beam.sdk.transforms.Sum.longsGlobally());

    PAssert.that(blank).containsInAnyOrder(3L);
    pipeline.run().waitUntilFinish();
  }

  private PCollectionTuple read(Path file, long splitSize) {
    return readPattern(pipeline, file.toString(), splitSize);
  }

  private PCollectionTuple readPattern(String pattern, long splitSize) {
    return readPattern(pipeline, pattern, splitSize);
  }

  static PCollectionTuple readPattern(Pipeline p, String pattern, long splitSize) {
    return p.apply(FileIO.match().filepattern(pattern))
        .apply(
            ParDo.of(
                new ListFilesFn(
                    "", "", SourceRules.parse("customers;transactions"), LandingPipeline.landingRoot(pattern))))
        .setCoder(SerializableCoder.of(FileListing.class))
        .apply(ParDo.of(new HashFilesFn()))
        .setCoder(SerializableCoder.of(FileListing.class))
        .apply(ParDo.of(new PlanFilesFn(1 << 20)))
        .setCoder(SerializableCoder.of(FilePlan.class))
        .apply(new ReadCsvRecords(splitSize, 1 << 20));
  }

  private static PCollection<String> summaries(PCollectionTuple read) {
    return read.get(ReadRangeFn.RECORDS)
        .apply(
            "Summarize",
            MapElements.into(TypeDescriptors.strings())
                .via(r -> r.source() + "|" + r.sourceOffset() + "|" + r.dataString() + "|" + r.parseError()));
  }

  /** id|note|amount of each record, with line breaks shown as \n. */
  private static PCollection<String> decodedValues(PCollectionTuple read) {
    return read.get(ReadRangeFn.RECORDS)
        .apply(
            "Decode",
            MapElements.into(TypeDescriptors.strings())
                .via(
                    r -> {
                      try {
                        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.dataString());
                        return json.path("id").asText()
                            + "|"
                            + json.path("note").asText().replace("\n", "\\n")
                            + "|"
                            + json.path("amount").asText();
                      } catch (IOException e) {
                        throw new IllegalStateException(e);
                      }
                    }));
  }

  private Path write(String name, String content) throws IOException {
    Path file = folder.getRoot().toPath().resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
