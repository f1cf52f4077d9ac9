package dev.landfall.landing;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Routes each record by its size as the sink encodes it (issue 19 §5: JSON escaping can nearly
 * double a quote-heavy record): to the lake sink when it fits; to JSON file loads when the sink is
 * Avro file loads and only the 16 MB Avro block is too small; otherwise to the dead letters,
 * described and counted, instead of letting a load job fail the whole run.
 */
final class GuardRowSizeFn extends DoFn<LakeRecord, LakeRecord> {
  static final TupleTag<LakeRecord> FITS = new TupleTag<>() {};
  static final TupleTag<LakeRecord> JSON_LOADS = new TupleTag<>() {};
  static final TupleTag<String> TOO_LARGE = new TupleTag<>() {};

  private final LakeSink sink;
  /** JSON file loads, for rows too large for an Avro block; null when the sink is not Avro. */
  private final LakeSink fallback;
  private final String ingestionTimestamp;
  private final String loadId;

  GuardRowSizeFn(LakeSink sink, String ingestionTimestamp, String loadId) {
    this.sink = sink;
    this.fallback = fallbackFor(sink);
    this.ingestionTimestamp = ingestionTimestamp;
    this.loadId = loadId;
  }

  /** The sink for rows too large for {@code sink}'s format, or null. */
  static LakeSink fallbackFor(LakeSink sink) {
    return sink.method() == LakeWriteMethod.FILE_LOADS && sink.format() == LoadFileFormat.AVRO
        ? new LakeSink(LakeWriteMethod.FILE_LOADS, LoadFileFormat.JSON)
        : null;
  }

  @ProcessElement
  public void processElement(@Element LakeRecord record, MultiOutputReceiver out) {
    String data = record.dataString();
    if (sink.fits(data)) {
      out.get(FITS).output(record);
      return;
    }
    if (fallback != null && fallback.fits(data)) {
      out.get(JSON_LOADS).output(record);
      return;
    }
    LakeSink last = fallback != null ? fallback : sink;
    out.get(TOO_LARGE)
        .output(
            DeadLetters.line(
                "row-too-large: data_string of "
                    + last.encodedBytes(data)
                    + " bytes as "
                    + last
                    + " encodes it exceeds its "
                    + last.maxDataStringBytes()
                    + "-byte limit",
                record.toTableRow(ingestionTimestamp, loadId)));
  }
}
