package dev.landfall.landing;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import dev.landfall.csv.ParsedRecord;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pass 2: reads the records that start in one range, from its exact start state, and turns each
 * into a lake record. A record that cannot be parsed still lands, as {@code _raw} with its
 * reason; nothing is dropped but blank lines, which are counted.
 */
final class ReadRangeFn extends DoFn<FileRange, LakeRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(ReadRangeFn.class);
  static final TupleTag<LakeRecord> RECORDS = new TupleTag<>() {};
  static final TupleTag<KV<String, RangeStats>> STATS = new TupleTag<>() {};

  private final int maxRecordBytes;
  private transient CsvFieldParser parser;
  private transient LakeRecordEncoder encoder;
  private transient LandingMetrics metrics;

  ReadRangeFn(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  @Setup
  public void setup() {
    parser = new CsvFieldParser();
    encoder = new LakeRecordEncoder();
    metrics = new LandingMetrics();
  }

  @ProcessElement
  public void processElement(@Element FileRange range, MultiOutputReceiver out) throws IOException {
    long startedNanos = System.nanoTime();
    FilePlan file = range.file;
    // The names PlanFilesFn already normalized: Header.of is idempotent on them, so no range
    // parses the header line again.
    Header header =
        file.headerError == null && file.rawHeader != null ? Header.of(file.headerNames) : null;
    long records = 0;
    long malformed = 0;
    long blank = 0;
    long bytes;
    try (SeekableByteChannel channel =
            PlanFilesFn.openSeekable(FileSystems.matchNewResource(file.path, false));
        CsvRecordReader reader =
            CsvRecordReader.open(
                channel, range.start, range.end, range.insideQuotesAtStart, maxRecordBytes)) {
      while (reader.advance()) {
        if (reader.isBlank()) {
          blank++;
        } else if (reader.offset() > file.headerOffset
            || (reader.offset() == file.headerOffset && file.headerError != null)) {
          // An unreadable header lands too (as _raw with its reason): a file whose only line
          // is its header is then refused with one counted error, not dropped in silence.
          EncodedRecord encoded = encode(file, header, reader);
          if (encoded.parseError() != null) {
            malformed++;
          }
          records++;
          out.get(RECORDS)
              .output(
                  new LakeRecord(
                      file.source,
                      file.path,
                      reader.offset(),
                      encoded.dataString(),
                      encoded.recordHash(),
                      encoded.parseError()));
        }
      }
      bytes = reader.bytesConsumed();
    }
    metrics.counter(file.source, LandingMetrics.RECORDS).inc(records);
    metrics.counter(file.source, LandingMetrics.MALFORMED).inc(malformed);
    metrics.counter(file.source, LandingMetrics.BLANK_LINES).inc(blank);
    metrics.counter(file.source, LandingMetrics.BYTES).inc(bytes);
    metrics.counter(file.source, LandingMetrics.RANGES).inc();
    out.get(STATS).output(KV.of(file.path, new RangeStats(records, malformed, blank, bytes)));
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    // One line per range (never per record): progress on long files, with the rate.
    LOG.info(
        "Read {}: {} records ({} malformed, {} blank lines) in {} s, {} records/s",
        range,
        records,
        malformed,
        blank,
        String.format("%.1f", seconds),
        Math.round(records / seconds));
  }

  private EncodedRecord encode(FilePlan file, Header header, CsvRecordReader reader) {
    byte[] raw = reader.buffer();
    int length = reader.length();
    if (file.headerError != null) {
      return encoder.encodeRaw(
          file.source, raw, 0, length, "unreadable header: " + file.headerError);
    }
    if (reader.isTruncated()) {
      return encoder.encodeRaw(
          file.source, raw, 0, length, "record longer than " + maxRecordBytes + " bytes, truncated");
    }
    ParsedRecord parsed = parser.parse(raw, 0, length);
    return encoder.encode(file.source, header, parsed, raw, 0, length);
  }
}
