package dev.landfall.csv;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Pass 1 of the two-pass split scheme (see {@link CsvRecordReader}): counts the {@code "} bytes of
 * a byte range. The parity of the prefix sum over all earlier ranges tells whether a range starts
 * inside a quoted field.
 */
public final class QuoteCounter {
  private static final int BUFFER_BYTES = 1 << 16;
  private static final long QUOTES = 0x2222_2222_2222_2222L;
  private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private QuoteCounter() {}

  /**
   * Number of {@code "} (0x22) bytes in the next {@code maxBytes} bytes of {@code channel}, read
   * from its current position (fewer bytes at end of stream). Leaves the channel after the last
   * byte counted.
   */
  public static long countQuotes(ReadableByteChannel channel, long maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_BYTES, Math.max(maxBytes, 1)));
    byte[] bytes = buffer.array();
    long remaining = maxBytes;
    long count = 0;
    while (remaining > 0) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), remaining));
      int n = channel.read(buffer);
      if (n < 0) {
        break;
      }
      count += count(bytes, n);
      remaining -= n;
    }
    return count;
  }

  /** Quotes in {@code bytes[0, n)}, eight bytes per step (SWAR). */
  static long count(byte[] bytes, int n) {
    long count = 0;
    int i = 0;
    for (int last = n - Long.BYTES; i <= last; i += Long.BYTES) {
      long v = (long) LONGS.get(bytes, i) ^ QUOTES; // a quote byte becomes 0x00
      // Exact zero-byte test: the high bit of each byte of t is set iff that byte of v is 0x00
      // (no carries cross bytes since (v & 0x7F) + 0x7F <= 0xFE).
      long t = ~(((v & LOW7) + LOW7) | v | LOW7);
      count += Long.bitCount(t);
    }
    for (; i < n; i++) {
      if (bytes[i] == '"') {
        count++;
      }
    }
    return count;
  }
}
