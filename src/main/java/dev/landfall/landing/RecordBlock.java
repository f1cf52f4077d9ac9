package dev.landfall.landing;

import dev.landfall.csv.CsvRecordReader;
import java.io.IOException;
import java.util.Arrays;

/**
 * The next few records of a range, copied out of the reader so that {@link ReadRangeFn} can claim
 * them with one {@code tryClaim} before it encodes and outputs them. Claiming a block, not a
 * record, keeps the piece's counts outputtable: Beam refuses output after a failed claim, so the
 * counts of every claimed block are output before the next claim is tried.
 *
 * <p>Reused: {@link #fill} overwrites it. Not thread-safe.
 */
final class RecordBlock {
  /** Records per block; also about the DirectRunner's bundle size, so it bounds its memory. */
  static final int MAX_RECORDS = 1000;

  /** Bytes per block, so long records make short blocks (a block holds at least one record). */
  static final int MAX_BYTES = 1 << 20;

  private final long[] offsets = new long[MAX_RECORDS];
  private final int[] starts = new int[MAX_RECORDS + 1];
  private final long[] consumed = new long[MAX_RECORDS];
  private final boolean[] truncated = new boolean[MAX_RECORDS];
  private byte[] data = new byte[1 << 16];
  private int size;
  private long lastClaim;

  /**
   * Reads up to {@link #MAX_RECORDS} records whose claim position is at least {@code from}
   * (records before it were claimed by an earlier piece: skipped).
   *
   * @return false when the reader had no record left
   */
  boolean fill(CsvRecordReader reader, FileRange range, long from) throws IOException {
    size = 0;
    int used = 0;
    if (data.length > 4 * MAX_BYTES) {
      data = new byte[1 << 16]; // a huge record passed: do not keep its buffer
    }
    long consumedBefore = reader.bytesConsumed();
    while (size < MAX_RECORDS && used < MAX_BYTES && reader.advance()) {
      long recordBytes = reader.bytesConsumed() - consumedBefore;
      consumedBefore = reader.bytesConsumed();
      long claim = claimPosition(range, reader.offset());
      if (claim < from) {
        continue;
      }
      int length = reader.length();
      if (used + length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, used + length));
      }
      System.arraycopy(reader.buffer(), 0, data, used, length);
      offsets[size] = reader.offset();
      starts[size] = used;
      consumed[size] = recordBytes;
      truncated[size] = reader.isTruncated();
      used += length;
      lastClaim = claim;
      size++;
    }
    starts[size] = used;
    return size > 0;
  }

  /**
   * The offset a record is claimed at: its start, except that a file's first record, shifted by
   * a 3-byte BOM, belongs to the first range even when that range is shorter than the BOM.
   */
  static long claimPosition(FileRange range, long recordStart) {
    return Math.min(recordStart, range.end - 1);
  }

  int size() {
    return size;
  }

  /** The claim position of the block's last record: claiming it claims the whole block. */
  long lastClaim() {
    return lastClaim;
  }

  long offset(int i) {
    return offsets[i];
  }

  byte[] data() {
    return data;
  }

  int start(int i) {
    return starts[i];
  }

  int length(int i) {
    return starts[i + 1] - starts[i];
  }

  /** File bytes the record covered, line end included. */
  long bytesConsumed(int i) {
    return consumed[i];
  }

  boolean isTruncated(int i) {
    return truncated[i];
  }

  boolean isBlank(int i) {
    return length(i) == 0 && !truncated[i];
  }
}
