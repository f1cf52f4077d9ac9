package dev.landfall.landing;

import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;

/**
 * The BigQuery write methods a landing run may use; a subset of Beam's, named the same. Their
 * row limits are {@link LakeSink}'s.
 */
public enum LakeWriteMethod {
  FILE_LOADS(BigQueryIO.Write.Method.FILE_LOADS),
  STORAGE_WRITE_API(BigQueryIO.Write.Method.STORAGE_WRITE_API),
  STREAMING_INSERTS(BigQueryIO.Write.Method.STREAMING_INSERTS);

  private final BigQueryIO.Write.Method beamMethod;

  LakeWriteMethod(BigQueryIO.Write.Method beamMethod) {
    this.beamMethod = beamMethod;
  }

  BigQueryIO.Write.Method beamMethod() {
    return beamMethod;
  }
}
