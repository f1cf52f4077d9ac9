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
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
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
    LandingOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(LandingOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    // No ledger: every matched file is new, as on a first run.
    PCollection<FilePlan> plans =
        pipeline
            .apply(
                "MatchFiles",
                FileIO.match()
                    .filepattern(inputFilePattern)
                    .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW_IF_WILDCARD))
            .apply(
                "ListFiles",
                ParDo.of(
                    new ListFilesFn(
                        "",
                        "",
                        SourceRules.parse(options.getSourceRules()),
                        LandingPipeline.landingRoot(inputFilePattern))))
            .setCoder(SerializableCoder.of(FileListing.class))
            .apply("HashNewFiles", ParDo.of(new HashFilesFn()))
            .setCoder(SerializableCoder.of(FileListing.class))
            .apply("PlanFiles", ParDo.of(new PlanFilesFn(options.getMaxRecordBytes())))
            .setCoder(SerializableCoder.of(FilePlan.class));
    PCollection<LakeRecord> lakeRecords =
        plans
            .apply(
                "ReadCsvRecords",
                new ReadCsvRecords(options.getSplitSizeBytes(), options.getMaxRecordBytes()))
            .get(ReadRangeFn.RECORDS);
    // As the lake write: rows too large for the method are set aside first (none are here).
    PCollectionTuple sized =
        lakeRecords.apply(
            "GuardRowSize",
            ParDo.of(
                    new GuardRowSizeFn(
                        new LakeSink(LakeWriteMethod.FILE_LOADS, LoadFileFormat.JSON), ingestionTimestamp, loadId))
                .withOutputTags(
                    GuardRowSizeFn.FITS,
                    TupleTagList.of(GuardRowSizeFn.JSON_LOADS).and(GuardRowSizeFn.TOO_LARGE)));
    sized.get(GuardRowSizeFn.TOO_LARGE).setCoder(StringUtf8Coder.of());
    sized.get(GuardRowSizeFn.JSON_LOADS).setCoder(LakeRecord.Coder.of());
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

  /** A local file's content SHA-256, computed as {@code PlanFilesFn} computes it off Cloud Storage. */
  public static String contentSha256(java.nio.file.Path file) throws IOException {
    return ContentHashes.read(FileSystems.matchNewResource(file.toAbsolutePath().toString(), false));
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
