package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.gcp.bigquery.TableRowJsonCoder;

/**
 * Benchmark measure 7: the lake sink's encoding CPU per record, JSON file loads against Avro file
 * loads, as BigQueryIO's writers do it (TableRowWriter: format function to a TableRow, then
 * TableRowJsonCoder and a newline; AvroRowWriter: format function to a GenericRecord, then an
 * uncompressed DataFileWriter). Both write to a byte-counting stream, so no I/O is timed; pairs
 * alternate and are timed by the thread's CPU time, the ratio taken per pair.
 */
public final class SinkEncoding {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String TIMESTAMP = "2026-11-01T00:00:00Z";
  private static final String LOAD_ID = "load-bench";

  /** Medians over the pairs: ns a record per format, and JSON's time over Avro's. */
  public record Result(
      int records, int pairs, double jsonNanos, double avroNanos, double ratio, double jsonBytes, double avroBytes) {}

  private SinkEncoding() {}

  public static Result run(Path csv, int maxRecords, int warmupPairs, int pairs) throws IOException {
    List<LakeRecord> records = lakeRecords(csv, maxRecords);
    long micros = LakeAvro.micros(TIMESTAMP);
    double[] json = new double[pairs];
    double[] avro = new double[pairs];
    double[] ratios = new double[pairs];
    long[] bytes = new long[2];
    for (int i = -warmupPairs; i < pairs; i++) {
      boolean jsonFirst = (i & 1) == 0;
      long a = jsonFirst ? timeJson(records, bytes) : timeAvro(records, micros, bytes);
      long b = jsonFirst ? timeAvro(records, micros, bytes) : timeJson(records, bytes);
      if (i >= 0) {
        json[i] = (double) (jsonFirst ? a : b) / records.size();
        avro[i] = (double) (jsonFirst ? b : a) / records.size();
        ratios[i] = json[i] / avro[i];
      }
    }
    return new Result(
        records.size(), pairs, median(json), median(avro), median(ratios),
        (double) bytes[0] / records.size(), (double) bytes[1] / records.size());
  }

  private static long timeJson(List<LakeRecord> records, long[] bytes) throws IOException {
    CountingStream out = new CountingStream();
    Coder<TableRow> coder = TableRowJsonCoder.of();
    long start = cpuNanos();
    for (LakeRecord record : records) {
      coder.encode(record.toTableRow(TIMESTAMP, LOAD_ID), out, Coder.Context.OUTER);
      out.write('\n');
    }
    long spent = cpuNanos() - start;
    bytes[0] = out.count;
    return spent;
  }

  private static long timeAvro(List<LakeRecord> records, long micros, long[] bytes) throws IOException {
    CountingStream out = new CountingStream();
    long start = cpuNanos();
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(LakeAvro.SCHEMA)).create(LakeAvro.SCHEMA, out)) {
      for (LakeRecord record : records) {
        writer.append(LakeAvro.toAvro(record, micros, LOAD_ID));
      }
    }
    long spent = cpuNanos() - start;
    bytes[1] = out.count;
    return spent;
  }

  /** The file's lake records, as the pipeline makes them (at most {@code max}). */
  static List<LakeRecord> lakeRecords(Path csv, int max) throws IOException {
    List<LakeRecord> records = new ArrayList<>();
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    String source = SourceNames.fromPath(csv.toString());
    String file = csv.toAbsolutePath().toString();
    try (SeekableByteChannel channel = Files.newByteChannel(csv, StandardOpenOption.READ);
        CsvRecordReader reader = CsvRecordReader.open(channel, 0, Files.size(csv), false, 32 << 20)) {
      Header header = null;
      while (records.size() < max && reader.advance()) {
        if (reader.isBlank()) {
          continue;
        }
        if (header == null) {
          header = Header.parse(new CsvFieldParser().parse(reader.buffer(), 0, reader.length()));
          continue;
        }
        EncodedRecord e = encoder.encodeLine(source, header, reader.buffer(), 0, reader.length());
        records.add(new LakeRecord(source, file, reader.offset(), e.dataString(), e.recordHash(), e.parseError()));
      }
    }
    return records;
  }

  private static long cpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Counts what would be written to the staged file. */
  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
