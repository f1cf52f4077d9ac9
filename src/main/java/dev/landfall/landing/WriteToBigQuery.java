package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryInsertError;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryStorageApiInsertError;
import org.apache.beam.sdk.io.gcp.bigquery.InsertRetryPolicy;
import org.apache.beam.sdk.io.gcp.bigquery.TableDestination;
import org.apache.beam.sdk.io.gcp.bigquery.WriteResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
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

  /** Appends lake records through {@code sink}: Avro records or TableRow JSON for file loads. */
  static WriteResult appendLake(
      PCollection<LakeRecord> records,
      String stepName,
      String table,
      LakeSink sink,
      String ingestionTimestamp,
      String loadId,
      BigQueryServices testServices) {
    BigQueryIO.Write<LakeRecord> write = BigQueryIO.<LakeRecord>write();
    if (sink.method() == LakeWriteMethod.FILE_LOADS && sink.format() == LoadFileFormat.AVRO) {
      long micros = LakeAvro.micros(ingestionTimestamp);
      write =
          write
              .withSchema(LakeAvro.TABLE_SCHEMA)
              .withAvroSchemaFactory(schema -> LakeAvro.SCHEMA)
              .withAvroFormatFunction(request -> LakeAvro.toAvro(request.getElement(), micros, loadId))
              .useAvroLogicalTypes();
    } else {
      write = write.withFormatFunction(r -> r.toTableRow(ingestionTimestamp, loadId));
    }
    return records.apply(stepName, configure(write, table, sink.method(), testServices));
  }

  /** Appends TableRows (the ledger) with {@code method}. */
  static <T> WriteResult append(
      PCollection<T> rows,
      String stepName,
      String table,
      LakeWriteMethod method,
      SerializableFunction<T, TableRow> format,
      BigQueryServices testServices) {
    return rows.apply(
        stepName, configure(BigQueryIO.<T>write().withFormatFunction(format), table, method, testServices));
  }

  /**
   * Appends TableRows with {@code method}, touching {@code table} only when there is a row: the
   * destination is given as a function, not a constant. With a constant table, BigQueryIO checks
   * at launch that a CREATE_NEVER table exists, and FILE_LOADS loads an empty file when the input
   * is empty (Beam's WritePartition does so for a "singleton table", to create or truncate it), so
   * every run would need the table and the right to write it. This way a run with nothing to
   * write here (no erased customer's line: the common case, or no privacy package deployed)
   * makes no call at all (LandingErasuresTest).
   */
  static <T> WriteResult appendWhenAny(
      PCollection<T> rows,
      String stepName,
      String table,
      LakeWriteMethod method,
      SerializableFunction<T, TableRow> format,
      BigQueryServices testServices) {
    BigQueryIO.Write<T> write =
        BigQueryIO.<T>write()
            .withFormatFunction(format)
            .to(row -> new TableDestination(table, null));
    return rows.apply(stepName, configure(write, null, method, testServices));
  }

  private static <T> BigQueryIO.Write<T> configure(
      BigQueryIO.Write<T> write, String table, LakeWriteMethod method, BigQueryServices testServices) {
    if (table != null) {
      write = write.to(table);
    }
    write =
        write
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
    return write;
  }

  /**
   * For a table whose every row must be written (privacy.erased_lines: a row refused would leave
   * a landing copy's erased line unrecorded): fails the run on any row BigQuery refused, instead
   * of handing it on as the lake's writes do (dead letters). Returns the check's (empty) output,
   * for the ledger to wait on, or null for FILE_LOADS, whose refused load already fails the run.
   */
  static PCollection<Void> failOnRefusal(
      WriteResult result, LakeWriteMethod method, String stepName, String table) {
    return switch (method) {
      case STREAMING_INSERTS ->
          result
              .getFailedInsertsWithErr()
              .apply(
                  stepName,
                  ParDo.of(
                      new DoFn<BigQueryInsertError, Void>() {
                        @ProcessElement
                        public void refuse(@Element BigQueryInsertError e) {
                          throw new IllegalStateException(
                              table + " refused a row (" + e.getError() + "): " + e.getRow());
                        }
                      }));
      case STORAGE_WRITE_API ->
          result
              .getFailedStorageApiInserts()
              .apply(
                  stepName,
                  ParDo.of(
                      new DoFn<BigQueryStorageApiInsertError, Void>() {
                        @ProcessElement
                        public void refuse(
                            @Element BigQueryStorageApiInsertError e) {
                          throw new IllegalStateException(
                              table + " refused a row (" + e.getErrorMessage() + "): " + e.getRow());
                        }
                      }));
      case FILE_LOADS -> null;
    };
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
