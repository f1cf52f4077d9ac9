package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The benchmark's way into the landing pipeline (package-private steps): the reading half of the
 * real pipeline ({@code MatchFiles → PlanFiles → ReadCsvRecords → GuardRowSize}) with its lake rows written as
 * JSON lines to local files (one per bundle) instead of BigQuery. The JSON line is the one
 * BigQuery file loads stage ({@link TableRowJsonCoder} of the lake row), so the benchmark's plain
 * Java baseline can do exactly the same work per record.
 */
public final class BenchEntryPoint {
  private BenchEntryPoint() {}

  /** What a local-files landing run did. */
  public record Outcome(PipelineResult.State state, long records, Map<String, Long> counters) {}

  /**
   * Lands the files matching {@code inputFilePattern} into JSON-lines files under {@code
   * outputPrefix} and waits for the run. {@code args} are extra pipeline options (runner, split
   * size, DirectRunner flags).
   */
  public static Outcome landToFiles(
      String inputFilePattern,
      String outputPrefix,
      String ingestionTimestamp,
      String loadId,
      List<String> args) {
    return landToFiles(inputFilePattern, outputPrefix, ingestionTimestamp, loadId, args, false);
  }

  /**
   * As above; {@code splittableReader} swaps the parse step for the prototype {@link
   * SplittableReadRangeFn} (the fix recommended for the memory measure).
   */
  public static Outcome landToFiles(
      String inputFilePattern,
      String outputPrefix,
      String ingestionTimestamp,
      String loadId,
      List<String> args,
      boolean splittableReader) {
    LandingOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(LandingOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    PCollectionView<Iterable<String>> landed =
        pipeline
            .apply("ReadLedger", Create.empty(StringUtf8Coder.of()))
            .apply("LedgerAsSideInput", View.asIterable());
    PCollection<FilePlan> plans =
        pipeline
            .apply(
                "MatchFiles",
                FileIO.match()
                    .filepattern(inputFilePattern)
                    .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW_IF_WILDCARD))
            .apply(
                "PlanFiles",
                ParDo.of(new PlanFilesFn("", false, options.getMaxRecordBytes(), landed))
                    .withSideInputs(landed))
            .setCoder(SerializableCoder.of(FilePlan.class));
    PCollection<LakeRecord> lakeRecords;
    if (splittableReader) {
      lakeRecords = plans.apply("ReadCsvRecordsSplittable", new ReadSplittable(options));
    } else {
      lakeRecords =
          plans
              .apply(
                  "ReadCsvRecords",
                  new ReadCsvRecords(options.getSplitSizeBytes(), options.getMaxRecordBytes()))
              .get(ReadRangeFn.RECORDS);
    }
    // As the lake write: rows too large for the method are set aside first (none are here).
    PCollectionTuple sized =
        lakeRecords.apply(
            "GuardRowSize",
            ParDo.of(new GuardRowSizeFn(LakeWriteMethod.FILE_LOADS, ingestionTimestamp, loadId))
                .withOutputTags(GuardRowSizeFn.FITS, TupleTagList.of(GuardRowSizeFn.TOO_LARGE)));
    sized.get(GuardRowSizeFn.TOO_LARGE).setCoder(StringUtf8Coder.of());
    sized
        .get(GuardRowSizeFn.FITS)
        .setCoder(LakeRecord.Coder.of())
        .apply(
            "ToJsonLines",
            MapElements.into(TypeDescriptors.strings())
                .via((LakeRecord r) -> jsonLine(r, ingestionTimestamp, loadId)))
        .apply("WriteToFiles", ParDo.of(new WriteBundleFn(outputPrefix)));
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    Map<String, Long> counters = LandingSummary.counters(result);
    long records =
        counters.entrySet().stream()
            .filter(e -> e.getKey().endsWith("." + LandingMetrics.RECORDS))
            .mapToLong(Map.Entry::getValue)
            .sum();
    return new Outcome(state, records, counters);
  }

  /** {@link ReadCsvRecords} with {@link SplittableReadRangeFn} as its parse step. */
  static final class ReadSplittable extends PTransform<PCollection<FilePlan>, PCollection<LakeRecord>> {
    private final long splitSizeBytes;
    private final int maxRecordBytes;

    ReadSplittable(LandingOptions options) {
      this.splitSizeBytes = options.getSplitSizeBytes();
      this.maxRecordBytes = options.getMaxRecordBytes();
    }

    @Override
    public PCollection<LakeRecord> expand(PCollection<FilePlan> files) {
      SerializableCoder<FileRange> rangeCoder = SerializableCoder.of(FileRange.class);
      return files
          .apply(
              "SplitIntoRanges",
              FlatMapElements.into(TypeDescriptor.of(FileRange.class))
                  .via(file -> FileRange.split(file, splitSizeBytes)))
          .setCoder(rangeCoder)
          .apply("SpreadRanges", Reshuffle.viaRandomKey())
          .apply("CountQuotes", ParDo.of(new CountQuotesFn()))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(rangeCoder, VarLongCoder.of())))
          .apply("GroupRangesByFile", GroupByKey.create())
          .apply("AssignStartStates", ParDo.of(new AssignStartStatesFn()))
          .setCoder(rangeCoder)
          .apply("SpreadParsing", Reshuffle.viaRandomKey())
          .apply("ParseRanges", ParDo.of(new SplittableReadRangeFn(maxRecordBytes)))
          .setCoder(LakeRecord.Coder.of());
    }
  }

  /**
   * Prototype of the recommended fix for the memory measure: {@link ReadRangeFn} as a splittable
   * DoFn whose restriction is the range's byte offsets, each record claimed by its start offset.
   * The DirectRunner then checkpoints the parse every 100 records (or second) and commits what was
   * read as a small bundle, so the steps after it run between checkpoints and memory stays bounded;
   * the plain DoFn's output is one bundle per range, and the DirectRunner queues every range's
   * parse before any consumer, so it holds all of a file's records at once.
   *
   * <p>A residual starts just after the last claimed record start {@code c}, which is outside
   * quotes by definition: the reader reopens at {@code c} and skips that record. Splits at other
   * points (Dataflow's dynamic rebalancing) would need the quote state there, so a production
   * version should use a tracker that refuses {@code trySplit} with a fraction above 0.
   */
  @DoFn.BoundedPerElement
  static final class SplittableReadRangeFn extends DoFn<FileRange, LakeRecord> {
    private final int maxRecordBytes;
    private transient CsvFieldParser parser;
    private transient LakeRecordEncoder encoder;
    private transient Counter records;

    SplittableReadRangeFn(int maxRecordBytes) {
      this.maxRecordBytes = maxRecordBytes;
    }

    @Setup
    public void setup() {
      parser = new CsvFieldParser();
      encoder = new LakeRecordEncoder();
      records = Metrics.counter(LandingMetrics.NAMESPACE, "bench." + LandingMetrics.RECORDS);
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction(@Element FileRange range) {
      return new OffsetRange(range.start, range.end);
    }

    @ProcessElement
    public ProcessContinuation processElement(
        @Element FileRange range,
        RestrictionTracker<OffsetRange, Long> tracker,
        OutputReceiver<LakeRecord> out)
        throws IOException {
      FilePlan file = range.file;
      OffsetRange restriction = tracker.currentRestriction();
      boolean resumed = restriction.getFrom() > range.start;
      long openAt = resumed ? restriction.getFrom() - 1 : range.start;
      Header header =
          file.headerError == null && file.rawHeader != null
              ? Header.parse(parser.parse(file.rawHeader.getBytes(StandardCharsets.UTF_8), 0,
                  file.rawHeader.getBytes(StandardCharsets.UTF_8).length))
              : null;
      long count = 0;
      try (SeekableByteChannel channel =
              PlanFilesFn.openSeekable(FileSystems.matchNewResource(file.path, false));
          CsvRecordReader reader =
              CsvRecordReader.open(
                  channel,
                  openAt,
                  restriction.getTo(),
                  !resumed && range.insideQuotesAtStart,
                  maxRecordBytes)) {
        while (reader.advance()) {
          long offset = reader.offset();
          if (offset < restriction.getFrom()) {
            continue; // the record claimed before the checkpoint
          }
          if (!tracker.tryClaim(offset)) {
            records.inc(count);
            return ProcessContinuation.stop();
          }
          if (reader.isBlank() || offset <= file.headerOffset) {
            continue;
          }
          byte[] raw = reader.buffer();
          int length = reader.length();
          EncodedRecord encoded =
              file.headerError != null
                  ? encoder.encodeRaw(file.source, raw, 0, length, "unreadable header: " + file.headerError)
                  : reader.isTruncated()
                      ? encoder.encodeRaw(file.source, raw, 0, length, "record too long, truncated")
                      : encoder.encode(file.source, header, parser.parse(raw, 0, length), raw, 0, length);
          out.output(
              new LakeRecord(file.source, file.path, offset, encoded.dataString(),
                  encoded.recordHash(), encoded.parseError()));
          count++;
        }
      }
      tracker.tryClaim(Long.MAX_VALUE); // no record left: the restriction is done
      records.inc(count);
      return ProcessContinuation.stop();
    }
  }

  /** The lake row of a record as the JSON line a BigQuery file load stages. */
  public static String jsonLine(LakeRecord record, String ingestionTimestamp, String loadId) {
    return toJson(record.toTableRow(ingestionTimestamp, loadId));
  }

  private static final ThreadLocal<ByteArrayOutputStream> BUFFER =
      ThreadLocal.withInitial(() -> new ByteArrayOutputStream(512));

  private static String toJson(TableRow row) {
    ByteArrayOutputStream out = BUFFER.get();
    out.reset();
    try {
      TableRowJsonCoder.of().encode(row, out, Coder.Context.OUTER);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a lake row as JSON", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Writes each bundle to its own file, as BigQuery file loads stage rows (one file per bundle,
   * no shuffle of the rows). {@code TextIO} would not do: on the DirectRunner its unsharded write
   * is replaced by a sharded one that groups every row by key first, a cost the lake write does
   * not have.
   */
  static final class WriteBundleFn extends DoFn<String, Void> {
    private final String outputPrefix;
    private transient Writer writer;

    WriteBundleFn(String outputPrefix) {
      this.outputPrefix = outputPrefix;
    }

    @StartBundle
    public void startBundle() throws IOException {
      ResourceId file =
          FileSystems.matchNewResource(outputPrefix + "-" + UUID.randomUUID() + ".json", false);
      writer =
          new BufferedWriter(
              Channels.newWriter(FileSystems.create(file, "application/json"), StandardCharsets.UTF_8),
              1 << 16);
    }

    @ProcessElement
    public void processElement(@Element String line) throws IOException {
      writer.write(line);
      writer.write('\n');
    }

    @FinishBundle
    public void finishBundle() throws IOException {
      writer.close();
      writer = null;
    }
  }
}
