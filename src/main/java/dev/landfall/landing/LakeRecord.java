package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One landed CSV record. The run-wide columns ({@code ingestion_timestamp}, {@code load_id}) are
 * added when the row is formatted for BigQuery, so they are not carried through the shuffle.
 */
public record LakeRecord(
    String source,
    String sourceFile,
    long sourceOffset,
    String dataString,
    String recordHash,
    String parseError) {

  /** The lake row, with the run's constants. Column names are CONTRACT §2. */
  TableRow toTableRow(String ingestionTimestamp, String loadId) {
    TableRow row =
        new TableRow()
            .set("data_string", dataString)
            .set("source", source)
            .set("ingestion_timestamp", ingestionTimestamp)
            .set("source_file", sourceFile)
            .set("source_offset", sourceOffset)
            .set("record_hash", recordHash)
            .set("load_id", loadId);
    if (parseError != null) {
      row.set("parse_error", parseError);
    }
    return row;
  }


  /** A compact coder: records are the bulk of every shuffle, so no JSON or Java serialization. */
  public static final class Coder extends AtomicCoder<LakeRecord> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final NullableCoder<String> NULLABLE_STRING = NullableCoder.of(STRING);
    private static final VarLongCoder LONG = VarLongCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(LakeRecord value, OutputStream out) throws IOException {
      STRING.encode(value.source, out);
      STRING.encode(value.sourceFile, out);
      LONG.encode(value.sourceOffset, out);
      STRING.encode(value.dataString, out);
      STRING.encode(value.recordHash, out);
      NULLABLE_STRING.encode(value.parseError, out);
    }

    @Override
    public LakeRecord decode(InputStream in) throws IOException {
      return new LakeRecord(
          STRING.decode(in),
          STRING.decode(in),
          LONG.decode(in),
          STRING.decode(in),
          STRING.decode(in),
          NULLABLE_STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
