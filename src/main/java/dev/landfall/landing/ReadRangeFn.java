package dev.landfall.landing;

import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Pass 2: reads the records that start in one range, from its exact start state, and turns each
 * into a lake record. A record that cannot be parsed still lands, as {@code _raw} with its
 * reason; nothing is dropped but blank lines, which are counted.
 *
 * <p>Splittable over the range's byte offsets, records claimed by their start offsets a block at
 * a time ({@link RecordStartTracker}, {@link RecordBlock}): the runner can checkpoint a long range and commit what was read
 * so far. That is what bounds memory on the DirectRunner, which otherwise holds a whole range's
 * output (and queues every range's) before any later step runs; on Dataflow it makes a range
 * resumable. A resumed piece reopens the file at the last claimed record start, which is outside
 * quotes, and skips that record. {@link #STATS} gets one row per block, summed per file.
 */
@DoFn.BoundedPerElement
final class ReadRangeFn extends DoFn<FileRange, LakeRecord> {
  static final TupleTag<LakeRecord> RECORDS = new TupleTag<>() {};
  static final TupleTag<KV<String, RangeStats>> STATS = new TupleTag<>() {};

  private final int maxRecordBytes;
  private transient LakeRecordEncoder encoder;
  private transient LandingMetrics metrics;
  private transient ReadProgressLog progress;
  private transient RecordBlock block;

  ReadRangeFn(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  @Setup
  public void setup() {
    encoder = new LakeRecordEncoder();
    metrics = new LandingMetrics();
    progress = new ReadProgressLog();
    block = new RecordBlock();
  }

  @GetInitialRestriction
  public OffsetRange initialRestriction(@Element FileRange range) {
    return new OffsetRange(range.start, range.end);
  }

  @NewTracker
  public RecordStartTracker newTracker(@Restriction OffsetRange restriction) {
    return new RecordStartTracker(restriction);
  }

  @GetRestrictionCoder
  public Coder<OffsetRange> restrictionCoder() {
    return OffsetRange.Coder.of();
  }

  @ProcessElement
  public ProcessContinuation processElement(
      @Element FileRange range,
      RestrictionTracker<OffsetRange, Long> tracker,
      MultiOutputReceiver out)
      throws IOException {
    FilePlan file = range.file;
    OffsetRange piece = tracker.currentRestriction();
    boolean resumed = piece.getFrom() > range.start;
    // The names PlanFilesFn already normalized: Header.of is idempotent on them, so no range
    // parses the header line again.
    Header header =
        file.headerError == null && file.rawHeader != null ? Header.of(file.headerNames) : null;
    RangeStats total = RangeStats.ZERO;
    boolean finished;
    try (SeekableByteChannel channel =
            PlanFilesFn.openSeekable(FileSystems.matchNewResource(file.path, false));
        CsvRecordReader reader =
            CsvRecordReader.open(
                channel,
                resumed ? piece.getFrom() - 1 : range.start,
                piece.getTo(),
                !resumed && range.insideQuotesAtStart,
                maxRecordBytes)) {
      while (true) {
        if (!block.fill(reader, range, piece.getFrom())) {
          finished = true;
          break;
        }
        if (!tracker.tryClaim(block.lastClaim())) {
          finished = false; // checkpointed: the rest is a new piece
          break;
        }
        RangeStats stats = land(file, header, block, out);
        out.get(STATS).output(KV.of(file.path, stats));
        total = total.plus(stats);
      }
    }
    // The piece holding the range's end is the one that finishes the range.
    boolean rangeDone = finished && tracker.currentRestriction().getTo() == range.end;
    if (finished) {
      tracker.tryClaim(Long.MAX_VALUE); // no record starts later in the piece: it is done
    }
    if (rangeDone) {
      metrics.counter(file.source, LandingMetrics.RANGES).inc();
    }
    metrics.counter(file.source, LandingMetrics.RECORDS).inc(total.records());
    metrics.counter(file.source, LandingMetrics.MALFORMED).inc(total.parseErrors());
    metrics.counter(file.source, LandingMetrics.BLANK_LINES).inc(total.blankLines());
    metrics.counter(file.source, LandingMetrics.BYTES).inc(total.bytes());
    progress.record(range, total.records(), total.bytes(), rangeDone);
    return ProcessContinuation.stop();
  }

  /** Encodes and outputs a claimed block's records; returns its counts. */
  private RangeStats land(FilePlan file, Header header, RecordBlock block, MultiOutputReceiver out) {
    long records = 0;
    long malformed = 0;
    long blank = 0;
    long bytes = 0;
    for (int i = 0; i < block.size(); i++) {
      bytes += block.bytesConsumed(i);
      long offset = block.offset(i);
      if (block.isBlank(i)) {
        blank++;
      } else if (offset > file.headerOffset
          || (offset == file.headerOffset && file.headerError != null)) {
        // An unreadable header lands too (as _raw with its reason): a file whose only line
        // is its header is then refused with one counted error, not dropped in silence.
        EncodedRecord encoded = encode(file, header, block, i);
        if (encoded.parseError() != null) {
          malformed++;
        }
        records++;
        out.get(RECORDS)
            .output(
                new LakeRecord(
                    file.source,
                    file.path,
                    offset,
                    encoded.dataString(),
                    encoded.recordHash(),
                    encoded.parseError()));
      }
    }
    return new RangeStats(records, malformed, blank, bytes);
  }

  private EncodedRecord encode(FilePlan file, Header header, RecordBlock block, int i) {
    byte[] raw = block.data();
    int off = block.start(i);
    int length = block.length(i);
    if (file.headerError != null) {
      return encoder.encodeRaw(
          file.source, raw, off, length, "unreadable header: " + file.headerError);
    }
    if (block.isTruncated(i)) {
      return encoder.encodeRaw(
          file.source, raw, off, length, "record longer than " + maxRecordBytes + " bytes, truncated");
    }
    return encoder.encodeLine(file.source, header, raw, off, length);
  }
}
