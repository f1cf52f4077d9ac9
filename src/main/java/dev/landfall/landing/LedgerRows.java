package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Joins each planned file with its ranges' counts into its {@code lake.landed_files} row. */
final class LedgerRows extends PTransform<PCollection<FilePlan>, PCollection<TableRow>> {
  private static final TupleTag<FilePlan> PLAN = new TupleTag<>() {};
  private static final TupleTag<RangeStats> STATS = new TupleTag<>() {};

  private final PCollection<KV<String, RangeStats>> stats;
  private final RunContext run;

  LedgerRows(PCollection<KV<String, RangeStats>> stats, RunContext run) {
    this.stats = stats;
    this.run = run;
  }

  @Override
  public PCollection<TableRow> expand(PCollection<FilePlan> plans) {
    PCollection<KV<String, FilePlan>> keyedPlans =
        plans
            .apply("KeyByFile", WithKeys.of((FilePlan p) -> p.path).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(FilePlan.class)));
    return KeyedPCollectionTuple.of(PLAN, keyedPlans)
        .and(STATS, stats)
        .apply("JoinCounts", CoGroupByKey.create())
        .apply("ToLedgerRow", ParDo.of(new ToRowFn(run)))
        .setCoder(TableRowJsonCoder.of());
  }

  private static final class ToRowFn extends DoFn<KV<String, CoGbkResult>, TableRow> {
    private final RunContext run;

    ToRowFn(RunContext run) {
      this.run = run;
    }

    @ProcessElement
    public void processElement(@Element KV<String, CoGbkResult> file, OutputReceiver<TableRow> out) {
      FilePlan plan = file.getValue().getOnly(PLAN);
      RangeStats total = RangeStats.ZERO;
      for (RangeStats range : file.getValue().getAll(STATS)) {
        total = total.plus(range);
      }
      out.output(toRow(plan, total, run));
    }
  }

  static TableRow toRow(FilePlan plan, RangeStats total, RunContext run) {
    TableRow row =
        new TableRow()
            .set("source_file", plan.path)
            .set("source", plan.source)
            .set("file_size_bytes", plan.sizeBytes)
            .set("content_sha256", plan.contentSha256)
            .set("listing_identity", plan.listingIdentity)
            .set("load_id", run.loadId())
            .set("landed_at", run.ingestionTimestamp())
            .set("records_landed", total.records())
            .set("parse_errors", total.parseErrors())
            .set("blank_lines", total.blankLines());
    if (plan.rawHeader != null) {
      row.set("header", plan.rawHeader);
    }
    return row;
  }
}
