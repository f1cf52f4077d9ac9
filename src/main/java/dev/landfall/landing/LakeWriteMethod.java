package dev.landfall.landing;

import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;

/** The BigQuery write methods a landing run may use; a subset of Beam's, named the same. */
public enum LakeWriteMethod {
  // Largest row each method accepts, in bytes: BigQuery's 100 MB per JSON row in a load job;
  // 10 MB per AppendRows request; Beam batches insertAll requests at 9 MB. A bigger row is
  // refused before the write (dead-lettered) instead of failing the whole run.
  FILE_LOADS(BigQueryIO.Write.Method.FILE_LOADS, 100L << 20),
  STORAGE_WRITE_API(BigQueryIO.Write.Method.STORAGE_WRITE_API, 10L << 20),
  STREAMING_INSERTS(BigQueryIO.Write.Method.STREAMING_INSERTS, 9L << 20);

  /** Room for the JSON framing and the other columns of a row. */
  private static final long ROW_OVERHEAD_BYTES = 64L << 10;

  private final BigQueryIO.Write.Method beamMethod;
  private final long maxRowBytes;

  LakeWriteMethod(BigQueryIO.Write.Method beamMethod, long maxRowBytes) {
    this.beamMethod = beamMethod;
    this.maxRowBytes = maxRowBytes;
  }

  /** The largest {@code data_string}, in UTF-8 bytes, this method can write. */
  long maxDataStringBytes() {
    return maxRowBytes - ROW_OVERHEAD_BYTES;
  }

  BigQueryIO.Write.Method beamMethod() {
    return beamMethod;
  }
}
