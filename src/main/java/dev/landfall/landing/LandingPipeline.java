package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.io.gcp.bigquery.WriteResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The landing job: lands every record of every matched CSV file in the raw lake table, then
 * records each file in the ledger once its rows are committed.
 *
 * <p>Read as a sentence: match files, list them (source, listing identity), skip those the
 * ledger knows (by listing, then by content for the files that had to be hashed), read their
 * headers, read their records in parallel byte ranges, land an erased customer's lines as erased
 * (the erasure log, read once) and record those lines in privacy.erased_lines, guard the row size,
 * write them to the lake, dead-letter refused rows, and after the commits write the ledger rows.
 */
public final class LandingPipeline {
  private LandingPipeline() {}

  public static void main(String[] args) {
    LandingOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(LandingOptions.class);
    if (DirectRunner.class.equals(options.getRunner())) {
      // The DirectRunner's immutability and encodability checks copy every element: they are
      // for testing DoFns (TestPipeline keeps them on), and a real local run does not need them.
      // Off, a 1M-record file lands with a third of the memory.
      options.as(DirectOptions.class).setEnforceImmutability(false);
      options.as(DirectOptions.class).setEnforceEncodability(false);
    }
    long startedNanos = System.nanoTime();
    PipelineResult result = run(options);
    // On Dataflow (and as a Flex Template) the launcher must return once the job is submitted;
    // only a local run waits, to print its summary.
    if (DirectRunner.class.equals(options.getRunner())) {
      LandingSummary.waitAndLog(result, startedNanos);
    }
  }

  /**
   * Builds and starts a run against real BigQuery (or the endpoint in the options). Building
   * makes no query: the ledger is read by the job itself, for its own files.
   */
  public static PipelineResult run(LandingOptions options) {
    RunContext run = RunContext.of(options, Instant.now());
    Pipeline pipeline = Pipeline.create(options);
    LedgerLookup ledger =
        new BigQueryLedgerLookup(options.getProject(), options.getBigQueryEndpoint(), run.ledgerTable());
    ErasureLookup erasures =
        new BigQueryErasureLookup(
            options.getProject(), options.getBigQueryEndpoint(), run.privacyDataset());
    build(pipeline, options, run, ledger, erasures, null);
    return pipeline.run();
  }

  /** The folder source rules are relative to; absolute for a local pattern, as matched paths are. */
  static String landingRoot(String filePattern) {
    String root = SourceRules.root(filePattern);
    if (root.contains("://") || root.startsWith("/")) {
      return root;
    }
    return java.nio.file.Path.of(root.isEmpty() ? "." : root).toAbsolutePath().normalize() + "/";
  }

  /** As the full {@code build}, with an empty erasure log. */
  static void build(
      Pipeline pipeline,
      LandingOptions options,
      RunContext run,
      LedgerLookup ledger,
      BigQueryServices testServices) {
    build(pipeline, options, run, ledger, Erasures::none, testServices);
  }

  /**
   * Adds the landing steps to {@code pipeline}. Tests pass a ledger and an erasure lookup and,
   * optionally, BigQuery test services instead of reaching BigQuery.
   */
  static void build(
      Pipeline pipeline,
      LandingOptions options,
      RunContext run,
      LedgerLookup ledger,
      ErasureLookup erasureLookup,
      BigQueryServices testServices) {
    PCollection<FileListing> listed =
        pipeline
            .apply(
                "MatchFiles",
                FileIO.match()
                    .filepattern(options.getInputFilePattern())
                    .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW_IF_WILDCARD))
            .apply(
                "ListFiles",
                ParDo.of(
                    new ListFilesFn(
                        options.getSource(),
                        options.getOnlySource(),
                        SourceRules.parse(options.getSourceRules()),
                        landingRoot(options.getInputFilePattern()))))
            .setCoder(SerializableCoder.of(FileListing.class));
    // Skip what the ledger knows before reading a byte: by listing identity, then (for the files
    // that had to be hashed) by content. --reprocess lands every matched file again.
    PCollection<FileListing> fresh =
        options.getReprocess()
            ? listed
            : listed.apply("SkipLandedListings", new SkipLanded(ledger, SkipLanded.By.LISTING));
    PCollection<FileListing> hashed =
        fresh
            .apply("HashNewFiles", ParDo.of(new HashFilesFn()))
            .setCoder(SerializableCoder.of(FileListing.class));
    PCollection<FileListing> toLand =
        options.getReprocess()
            ? hashed
            : hashed.apply("SkipLandedContent", new SkipLanded(ledger, SkipLanded.By.CONTENT));
    PCollection<FilePlan> plans =
        toLand
            .apply("PlanFiles", ParDo.of(new PlanFilesFn(options.getMaxRecordBytes())))
            .setCoder(SerializableCoder.of(FilePlan.class));

    PCollectionTuple read =
        plans.apply(
            "ReadCsvRecords",
            new ReadCsvRecords(options.getSplitSizeBytes(), options.getMaxRecordBytes()));

    // An erased customer's re-delivered lines land as erased (the log is read once, in the job).
    PCollectionView<Erasures> erasures =
        pipeline.apply("ReadErasureLog", new ReadErasureLog(erasureLookup));
    PCollectionTuple applied =
        read.get(ReadRangeFn.RECORDS)
            .apply(
                "ApplyErasures",
                ParDo.of(new ApplyErasuresFn(erasures))
                    .withSideInputs(erasures)
                    .withOutputTags(
                        ApplyErasuresFn.RECORDS, TupleTagList.of(ApplyErasuresFn.ERASED_LINES)));
    PCollection<LakeRecord> records =
        applied.get(ApplyErasuresFn.RECORDS).setCoder(LakeRecord.Coder.of());
    PCollection<ErasedLine> erasedLines =
        applied.get(ApplyErasuresFn.ERASED_LINES).setCoder(SerializableCoder.of(ErasedLine.class));

    String ingestionTimestamp = run.ingestionTimestamp();
    String loadId = run.loadId();
    LakeWriteMethod method = options.getWriteMethod();
    LakeSink sink = LakeSink.of(options);
    PCollectionTuple sized =
        records
            .apply(
                "GuardRowSize",
                ParDo.of(new GuardRowSizeFn(sink, ingestionTimestamp, loadId))
                    .withOutputTags(
                        GuardRowSizeFn.FITS,
                        TupleTagList.of(GuardRowSizeFn.JSON_LOADS).and(GuardRowSizeFn.TOO_LARGE)));
    sized.get(GuardRowSizeFn.FITS).setCoder(LakeRecord.Coder.of());
    sized.get(GuardRowSizeFn.JSON_LOADS).setCoder(LakeRecord.Coder.of());
    WriteResult written =
        WriteToBigQuery.appendLake(
            sized.get(GuardRowSizeFn.FITS),
            "WriteToLake",
            run.outputTable(),
            sink,
            ingestionTimestamp,
            loadId,
            testServices);
    List<PCollection<?>> commits = new ArrayList<>();
    commits.add(WriteToBigQuery.committed(written, method));
    LakeSink fallback = GuardRowSizeFn.fallbackFor(sink);
    if (fallback != null) {
      // Rows over Avro's 16 MB block (rare): their own JSON load, committed before the ledger too.
      WriteResult large =
          WriteToBigQuery.appendLake(
              sized.get(GuardRowSizeFn.JSON_LOADS),
              "WriteLargeRowsToLake",
              run.outputTable(),
              fallback,
              ingestionTimestamp,
              loadId,
              testServices);
      commits.add(WriteToBigQuery.committed(large, method));
    }
    // The lines landed as erased, for cleaning their landing copies (privacy.erased_lines). The
    // ledger waits for them too: a file is recorded as landed only once its erased lines are
    // recorded, so no landing copy keeps an erased customer's lines unnoticed.
    WriteResult erasedWritten =
        WriteToBigQuery.appendWhenAny(
            erasedLines,
            "RecordErasedLines",
            run.erasedLinesTable(),
            method,
            (ErasedLine line) -> line.toTableRow(ingestionTimestamp, loadId),
            testServices);
    commits.add(WriteToBigQuery.committed(erasedWritten, method));
    PCollection<Void> erasedRefused =
        WriteToBigQuery.failOnRefusal(erasedWritten, method, "FailOnRefusedErasedLines", run.erasedLinesTable());
    if (erasedRefused != null) {
      commits.add(erasedRefused);
    }
    DeadLetters.write(
        sized.get(GuardRowSizeFn.TOO_LARGE).setCoder(StringUtf8Coder.of()),
        written,
        method,
        run.deadLetterDirectory());

    PCollection<TableRow> ledgerRows =
        plans
            .apply("BuildLedgerRows", new LedgerRows(read.get(ReadRangeFn.STATS), run))
            .apply("AfterLakeCommit", Wait.on(commits.toArray(PCollection<?>[]::new)));
    WriteToBigQuery.append(
        ledgerRows, "WriteLedger", run.ledgerTable(), method, (TableRow row) -> row, testServices);
  }
}
