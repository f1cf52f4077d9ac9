package dev.landfall.landing;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of one {@link ReadRangeFn} instance (a worker thread), logged at most every {@link
 * #INTERVAL_NANOS} and when a range is done: records and bytes since its last line, with the rate. A range is read in
 * many small pieces (every checkpoint is one), so a line per piece would flood the log.
 * Not thread-safe: one per DoFn instance.
 */
final class ReadProgressLog {
  private static final Logger LOG = LoggerFactory.getLogger(ReadRangeFn.class);
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private long sinceNanos = System.nanoTime();
  private long records;
  private long bytes;

  void record(FileRange range, long pieceRecords, long pieceBytes, boolean rangeDone) {
    records += pieceRecords;
    bytes += pieceBytes;
    long now = System.nanoTime();
    if (!rangeDone && now - sinceNanos < INTERVAL_NANOS) {
      return;
    }
    double seconds = Math.max(1e-3, (now - sinceNanos) / 1e9);
    // Counts are this worker's since its last line, across ranges; the range is where it is now.
    LOG.info(
        "{} {}; read {} records ({} MiB) in the last {} s, {} records/s",
        rangeDone ? "Finished" : "Reading",
        range,
        records,
        String.format("%.1f", bytes / (1024.0 * 1024.0)),
        String.format("%.1f", seconds),
        Math.round(records / seconds));
    sinceNanos = now;
    records = 0;
    bytes = 0;
  }
}
