package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableSchema;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The lake row as an Avro record for BigQuery file loads: {@link #SCHEMA} mirrors the columns of
 * {@code routines/lake/raw_records.sql} (LakeAvroTest checks it), and with {@code
 * useAvroLogicalTypes} BigQuery loads the {@code timestamp-micros} long as TIMESTAMP. BigQuery
 * matches Avro fields to columns by name.
 * https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-avro#logical_types
 */
final class LakeAvro {
  static final TableSchema TABLE_SCHEMA =
      new TableSchema()
          .setFields(
              List.of(
                  field("data_string", "STRING", "REQUIRED"),
                  field("source", "STRING", "REQUIRED"),
                  field("ingestion_timestamp", "TIMESTAMP", "REQUIRED"),
                  field("source_file", "STRING", "REQUIRED"),
                  field("source_offset", "INTEGER", "REQUIRED"),
                  field("record_hash", "STRING", "REQUIRED"),
                  field("load_id", "STRING", "REQUIRED"),
                  field("parse_error", "STRING", "NULLABLE")));

  /** Required fields are plain types, the nullable one a union with null, as BigQuery maps them. */
  static final Schema SCHEMA =
      SchemaBuilder.record("raw_records")
          .namespace("dev.landfall.lake")
          .fields()
          .requiredString("data_string")
          .requiredString("source")
          .name("ingestion_timestamp")
          .type(LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))
          .noDefault()
          .requiredString("source_file")
          .requiredLong("source_offset")
          .requiredString("record_hash")
          .requiredString("load_id")
          .optionalString("parse_error")
          .endRecord();

  private LakeAvro() {}

  /** The run start in microseconds since the epoch, as a timestamp-micros value. */
  static long micros(String ingestionTimestamp) {
    Instant start = Instant.parse(ingestionTimestamp);
    return ChronoUnit.MICROS.between(Instant.EPOCH, start);
  }

  /** {@code record} as an Avro record of {@link #SCHEMA}, fields set by position. */
  static GenericRecord toAvro(LakeRecord record, long ingestionMicros, String loadId) {
    GenericData.Record avro = new GenericData.Record(SCHEMA);
    avro.put(0, record.dataString());
    avro.put(1, record.source());
    avro.put(2, ingestionMicros);
    avro.put(3, record.sourceFile());
    avro.put(4, record.sourceOffset());
    avro.put(5, record.recordHash());
    avro.put(6, loadId);
    avro.put(7, record.parseError());
    return avro;
  }

  private static TableFieldSchema field(String name, String type, String mode) {
    return new TableFieldSchema().setName(name).setType(type).setMode(mode);
  }
}
