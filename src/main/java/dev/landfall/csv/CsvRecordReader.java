package dev.landfall.csv;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * Reads the CSV records that start in one byte range {@code [start, end)} of a file, so a large
 * file can be read by many workers in parallel.
 *
 * <p>RFC 4180 quoted fields may contain line breaks, so a range must begin at a true record
 * boundary, which a reader cannot find by looking at bytes near {@code start} alone. We use exact
 * quote parity: every {@code "} toggles the in-quotes state (an escaped {@code ""} toggles twice),
 * so "inside quotes at byte p" is "an odd number of {@code "} bytes in [0, p)". Pass 1 ({@link
 * QuoteCounter}) counts the quotes of every range in parallel; prefix sums give each range's start
 * state; pass 2 (this class) parses each range exactly from that state. This is the two-pass scheme
 * of Ge et al., "Speculative Distributed CSV Data Parsing for Big Data Analytics", SIGMOD 2019;
 * their speculative variant skips pass 1 by guessing the state from the bytes near the split and
 * re-parsing on a wrong guess. Quotes are cheap to count, so we keep the exact version.
 *
 * <p>A record ends at a LF outside quotes, or at end of file. A record whose first byte is in
 * {@code [start, end)} belongs to the range; the reader reads past {@code end} to finish its last
 * record, so every record is returned by exactly one range. The first record of a file belongs to
 * the range with {@code start == 0}, even when a UTF-8 byte order mark moves it to offset 3.
 *
 * <p>An unbalanced quote makes the rest of the file one record. That is what RFC 4180 says it is;
 * {@link CsvFieldParser} then reports it as an unterminated quoted field, and {@code
 * maxRecordBytes} bounds the memory it takes.
 *
 * <p>Not thread-safe. {@link #close()} closes the channel.
 */
public final class CsvRecordReader implements Closeable {
  private static final int READ_BUFFER_BYTES = 1 << 16;
  private static final int INITIAL_RECORD_BYTES = 1 << 10;
  private static final byte QUOTE = '"';
  private static final byte LF = '\n';
  private static final byte CR = '\r';

  /** {@link #nextStart} when no record is left. */
  private static final long NONE = -1;

  private final SeekableByteChannel channel;
  private final long end;
  private final int maxRecordBytes;

  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private final byte[] chunk = readBuffer.array();

  /** File offset of {@code chunk[0]}. */
  private long chunkStart;

  private int pos;
  private int limit;
  private boolean eof;

  /** File offset where the next record starts, or {@link #NONE}. */
  private long nextStart;

  /** The next record belongs to this range whatever its offset (a BOM-shifted first record). */
  private boolean nextIsOwned;

  private byte[] record = new byte[0];
  private int length;
  private boolean truncated;
  private long offset = NONE;
  private long bytesConsumed;

  private CsvRecordReader(SeekableByteChannel channel, long end, int maxRecordBytes) {
    this.channel = channel;
    this.end = end;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Opens a reader over the records that start in {@code [start, end)}.
   *
   * @param channel the whole file; it is repositioned, and closed by {@link #close()}
   * @param insideQuotesAtStart whether the number of {@code "} bytes in [0, start) is odd
   * @param maxRecordBytes longer records are truncated to this many bytes (see {@link
   *     #isTruncated()})
   */
  public static CsvRecordReader open(
      SeekableByteChannel channel,
      long start,
      long end,
      boolean insideQuotesAtStart,
      int maxRecordBytes)
      throws IOException {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be >= 1, was " + maxRecordBytes);
    }
    if (start == 0 && insideQuotesAtStart) {
      throw new IllegalArgumentException("no quote precedes offset 0, so it cannot be inside one");
    }
    CsvRecordReader reader = new CsvRecordReader(channel, end, maxRecordBytes);
    reader.seekFirstRecord(start, insideQuotesAtStart);
    return reader;
  }

  private void seekFirstRecord(long start, boolean insideQuotes) throws IOException {
    if (start == 0) {
      channel.position(0);
      chunkStart = 0;
      boolean hasBom =
          fillAtLeast(3)
              && chunk[0] == (byte) 0xEF
              && chunk[1] == (byte) 0xBB
              && chunk[2] == (byte) 0xBF;
      pos = hasBom ? 3 : 0;
      nextStart = pos;
      nextIsOwned = end > 0;
      return;
    }
    // Byte start-1 decides whether start itself is a record start; it is never a quote when it
    // is a LF, so the state after it equals the state before it.
    channel.position(start - 1);
    chunkStart = start - 1;
    if (!fill()) {
      nextStart = NONE; // the range lies beyond the end of the file
      return;
    }
    if (chunk[0] == LF && !insideQuotes) {
      pos = 1;
      nextStart = start;
      return;
    }
    pos = 1;
    nextStart = skipPastRecordEnd(insideQuotes) ? position() : NONE;
  }

  /**
   * Moves to the next record of this range.
   *
   * @return false when no further record starts before {@code end}
   */
  public boolean advance() throws IOException {
    if (nextStart == NONE || (nextStart >= end && !nextIsOwned)) {
      nextStart = NONE;
      return false;
    }
    nextIsOwned = false;
    if (pos == limit && !fill()) {
      nextStart = NONE; // the last record ended with a LF right before end of file
      return false;
    }
    readRecord();
    return true;
  }

  /** Byte offset in the file of the current record's first byte. */
  public long offset() {
    return offset;
  }

  /**
   * The current record's bytes in {@code [0, length())}: without its terminating LF and without one
   * CR right before that LF. The array is reused and overwritten by the next {@link #advance()};
   * copy what you keep.
   */
  public byte[] buffer() {
    return record;
  }

  /** Number of bytes of the current record in {@link #buffer()}. */
  public int length() {
    return length;
  }

  /** Whether the current record is a blank line (a LF or CRLF alone). */
  public boolean isBlank() {
    return length == 0 && !truncated;
  }

  /**
   * Whether the current record was longer than {@code maxRecordBytes}: only its first {@code
   * maxRecordBytes} bytes are in {@link #buffer()}. The reader still skipped to the record's true
   * end, so the records after it are exact.
   */
  public boolean isTruncated() {
    return truncated;
  }

  /**
   * File bytes covered by the records returned so far, line ends included (for metrics). Summed
   * over all ranges of a file it is the file size less a BOM.
   */
  public long bytesConsumed() {
    return bytesConsumed;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Reads one record starting at the current position, which is outside quotes. */
  private void readRecord() throws IOException {
    offset = position();
    length = 0;
    long size = 0; // bytes before the terminator, kept or not
    byte last = 0;
    boolean inQuotes = false;
    boolean endedByLf = false;
    while (pos < limit || fill()) {
      byte[] b = chunk;
      int i = pos;
      int n = limit;
      // Two tight loops, one per state, so the common unquoted case tests two values per byte.
      while (i < n) {
        if (inQuotes) {
          while (i < n && b[i] != QUOTE) {
            i++;
          }
          if (i < n) {
            inQuotes = false;
            i++;
          }
        } else {
          byte c = 0;
          while (i < n && (c = b[i]) != QUOTE && c != LF) {
            i++;
          }
          if (i == n) {
            break;
          }
          if (c == LF) {
            endedByLf = true;
            break;
          }
          inQuotes = true;
          i++;
        }
      }
      if (i > pos) {
        append(b, pos, i - pos);
        size += i - pos;
        last = b[i - 1];
      }
      pos = endedByLf ? i + 1 : i;
      if (endedByLf) {
        break;
      }
    }
    if (endedByLf && size > 0 && last == CR) {
      size--;
    }
    truncated = size > maxRecordBytes;
    length = (int) Math.min(size, length);
    long next = position();
    bytesConsumed += next - offset;
    nextStart = endedByLf ? next : NONE;
  }

  /** Keeps what fits of {@code src[from, from + count)} in the record buffer. */
  private void append(byte[] src, int from, int count) {
    int keep = Math.min(count, maxRecordBytes - length);
    if (keep <= 0) {
      return;
    }
    int needed = length + keep;
    if (needed > record.length) {
      int grown = Math.max(needed, Math.max(INITIAL_RECORD_BYTES, record.length * 2));
      record = Arrays.copyOf(record, Math.min(grown, maxRecordBytes));
    }
    System.arraycopy(src, from, record, length, keep);
    length = needed;
  }

  /**
   * Scans from the current position, starting in the given quote state, past the first LF outside
   * quotes.
   *
   * @return false when the file ends first
   */
  private boolean skipPastRecordEnd(boolean inQuotes) throws IOException {
    while (pos < limit || fill()) {
      for (int i = pos; i < limit; i++) {
        byte c = chunk[i];
        if (c == QUOTE) {
          inQuotes = !inQuotes;
        } else if (c == LF && !inQuotes) {
          pos = i + 1;
          return true;
        }
      }
      pos = limit;
    }
    return false;
  }

  private long position() {
    return chunkStart + pos;
  }

  /** Replaces the consumed chunk with the next bytes of the channel; false at end of file. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    chunkStart += limit;
    pos = 0;
    limit = 0;
    readBuffer.clear();
    int n;
    do {
      n = channel.read(readBuffer);
    } while (n == 0);
    if (n < 0) {
      eof = true;
      return false;
    }
    limit = n;
    return true;
  }

  /**
   * Fills an empty buffer with at least {@code count} bytes unless the file is shorter (channels
   * such as GCS may return short reads).
   */
  private boolean fillAtLeast(int count) throws IOException {
    readBuffer.clear();
    while (readBuffer.position() < count) {
      int n = channel.read(readBuffer);
      if (n < 0) {
        eof = true;
        break;
      }
    }
    limit = readBuffer.position();
    return limit >= count;
  }
}
