package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.io.gcp.bigquery.InsertRetryPolicy;
import org.apache.beam.sdk.io.gcp.bigquery.WriteResult;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;

/**
 * One BigQueryIO configuration for every table a run appends to (the lake and the ledger), per
 * write method: tables are deployed beforehand (CREATE_NEVER) and only appended to. Each method
 * is asked to report what it committed, so the ledger can wait for it, and what it refused, so
 * nothing is dropped silently.
 */
final class WriteToBigQuery {
  private WriteToBigQuery() {}

  static <T> WriteResult append(
      PCollection<T> rows,
      String stepName,
      String table,
      LakeWriteMethod method,
      SerializableFunction<T, TableRow> format,
      BigQueryServices testServices) {
    BigQueryIO.Write<T> write =
        BigQueryIO.<T>write()
            .to(table)
            .withFormatFunction(format)
            .withCreateDisposition(BigQueryIO.Write.CreateDisposition.CREATE_NEVER)
            .withWriteDisposition(BigQueryIO.Write.WriteDisposition.WRITE_APPEND)
            .withMethod(method.beamMethod());
    switch (method) {
      case STREAMING_INSERTS ->
          write =
              write
                  .withExtendedErrorInfo()
                  .withFailedInsertRetryPolicy(InsertRetryPolicy.retryTransientErrors())
                  .withSuccessfulInsertsPropagation(true);
      case STORAGE_WRITE_API -> write = write.withPropagateSuccessfulStorageApiWrites(true);
      case FILE_LOADS -> {
        // Load jobs are all-or-nothing per job: a refused load fails the run loudly, and its
        // rerun re-lands the files (their ledger rows were never written).
      }
    }
    if (testServices != null) {
      write = write.withTestServices(testServices);
    }
    return rows.apply(stepName, write);
  }

  /** The output that completes only once every row of {@code result} is committed. */
  static PCollection<?> committed(WriteResult result, LakeWriteMethod method) {
    return switch (method) {
      case FILE_LOADS -> result.getSuccessfulTableLoads();
      case STREAMING_INSERTS -> result.getSuccessfulInserts();
      case STORAGE_WRITE_API -> result.getSuccessfulStorageApiInserts();
    };
  }
}
