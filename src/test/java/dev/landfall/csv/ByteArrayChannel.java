package dev.landfall.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only in-memory file, so property tests can open thousands of ranges cheaply. Reads return
 * at most {@code maxRead} bytes, like object-store channels that return short reads.
 */
final class ByteArrayChannel implements SeekableByteChannel {
  private final byte[] data;
  private final int maxRead;
  private long position;
  private boolean open = true;

  ByteArrayChannel(byte[] data) {
    this(data, Integer.MAX_VALUE);
  }

  ByteArrayChannel(byte[] data, int maxRead) {
    this.data = data;
    this.maxRead = maxRead;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= data.length) {
      return -1;
    }
    int n = (int) Math.min(Math.min(dst.remaining(), maxRead), data.length - position);
    dst.put(data, (int) position, n);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return data.length;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
