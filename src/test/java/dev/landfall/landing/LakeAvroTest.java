package dev.landfall.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The Avro load files against the lake's DDL (routines/lake/raw_records.sql): one field per
 * column, same name and order, the BigQuery type's Avro form, nullable exactly where the column
 * is. End to end on the local engine: the landing tests with the engine (RerunTest, the demo
 * flow) land through Avro loads, the default.
 */
class LakeAvroTest {
  private static final Pattern COLUMN =
      Pattern.compile("^\\s+([a-z_]+) (STRING|INT64|TIMESTAMP)( NOT NULL)?", Pattern.MULTILINE);

  @Test
  void schema_mirrorsTheLakeTable() throws IOException {
    Map<String, String> ddl = new LinkedHashMap<>();
    Matcher m = COLUMN.matcher(Files.readString(Path.of("routines/lake/raw_records.sql")));
    while (m.find()) {
      ddl.put(m.group(1), m.group(2) + (m.group(3) != null ? " NOT NULL" : ""));
    }
    Map<String, String> avro = new LinkedHashMap<>();
    for (Schema.Field field : LakeAvro.SCHEMA.getFields()) {
      avro.put(field.name(), bigQueryType(field.schema()));
    }

    assertEquals(ddl, avro);
    assertEquals(
        new ArrayList<>(ddl.keySet()),
        LakeAvro.TABLE_SCHEMA.getFields().stream().map(f -> f.getName()).toList());
  }

  @Test
  void records_readBackAsTheLakeRow() throws IOException {
    LakeRecord ok = new LakeRecord("transactions", "gs://b/t.csv", 42, "{\"id\":\"\\\"q\\\"\"}", "ab12", null);
    LakeRecord bad = new LakeRecord("customers", "gs://b/c.csv", 7, "{\"_raw\":\"x\"}", "cd34", "unterminated quote");
    long micros = LakeAvro.micros("2026-11-01T10:00:00.123456Z");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(LakeAvro.SCHEMA)).create(LakeAvro.SCHEMA, bytes)) {
      writer.append(LakeAvro.toAvro(ok, micros, "load-1"));
      writer.append(LakeAvro.toAvro(bad, micros, "load-1"));
    }
    List<GenericRecord> read = new ArrayList<>();
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(new SeekableByteArrayInput(bytes.toByteArray()), new GenericDatumReader<>())) {
      reader.forEach(read::add);
    }

    assertEquals(2, read.size());
    GenericRecord first = read.get(0);
    assertEquals(ok.dataString(), first.get("data_string").toString());
    assertEquals("transactions", first.get("source").toString());
    assertEquals(1_793_527_200_123_456L, first.get("ingestion_timestamp"));
    assertEquals("gs://b/t.csv", first.get("source_file").toString());
    assertEquals(42L, first.get("source_offset"));
    assertEquals("ab12", first.get("record_hash").toString());
    assertEquals("load-1", first.get("load_id").toString());
    assertNull(first.get("parse_error"));
    assertEquals("unterminated quote", read.get(1).get("parse_error").toString());
  }

  /** The BigQuery column type an Avro field loads as, with NOT NULL unless it is a null union. */
  private static String bigQueryType(Schema schema) {
    boolean nullable = schema.getType() == Schema.Type.UNION;
    Schema type = nullable ? schema.getTypes().get(1) : schema;
    String name =
        switch (type.getType()) {
          case STRING -> "STRING";
          case LONG -> type.getLogicalType() instanceof LogicalTypes.TimestampMicros ? "TIMESTAMP" : "INT64";
          default -> type.getType().toString();
        };
    return nullable ? name : name + " NOT NULL";
  }
}
