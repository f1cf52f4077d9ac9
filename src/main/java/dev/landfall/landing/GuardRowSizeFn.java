package dev.landfall.landing;

import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Routes a record too large for the write method to the dead letters, described (and counted
 * there), instead of letting BigQueryIO fail the whole run on it. Only records near the limit pay for measuring
 * their UTF-8 size: a Java char is at most 3 UTF-8 bytes.
 */
final class GuardRowSizeFn extends DoFn<LakeRecord, LakeRecord> {
  static final TupleTag<LakeRecord> FITS = new TupleTag<>() {};
  static final TupleTag<String> TOO_LARGE = new TupleTag<>() {};

  private final LakeWriteMethod method;
  private final String ingestionTimestamp;
  private final String loadId;

  GuardRowSizeFn(LakeWriteMethod method, String ingestionTimestamp, String loadId) {
    this.method = method;
    this.ingestionTimestamp = ingestionTimestamp;
    this.loadId = loadId;
  }

  @ProcessElement
  public void processElement(@Element LakeRecord record, MultiOutputReceiver out) {
    long limit = method.maxDataStringBytes();
    String data = record.dataString();
    if (3L * data.length() <= limit) {
      out.get(FITS).output(record);
      return;
    }
    long bytes = data.getBytes(StandardCharsets.UTF_8).length;
    if (bytes <= limit) {
      out.get(FITS).output(record);
      return;
    }
    out.get(TOO_LARGE)
        .output(
            DeadLetters.line(
                "row-too-large: data_string of "
                    + bytes
                    + " bytes exceeds the "
                    + limit
                    + "-byte limit of "
                    + method
                    + " (land it with FILE_LOADS)",
                record.toTableRow(ingestionTimestamp, loadId)));
  }
}
