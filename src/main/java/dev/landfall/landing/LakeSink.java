package dev.landfall.landing;

import java.io.Serializable;

/**
 * How lake rows reach BigQuery: the write method and, for file loads, the staged file format;
 * with the largest row each accepts, measured as it is encoded.
 *
 * <p>Limits (https://cloud.google.com/bigquery/quotas#load_jobs and #write-api-limits): a JSON
 * load row at most 100 MB; an Avro data block at most 16 MB, and a block holds whole records; an
 * AppendRows request at most 10 MB; Beam batches insertAll requests at 9 MB. Room is left for the
 * other columns of a row. A bigger row is set aside before the write instead of failing the load
 * job, which would fail the run and every later run over the same file.
 */
record LakeSink(LakeWriteMethod method, LoadFileFormat format) implements Serializable {
  /** Room for the other columns (a Cloud Storage object name is at most 1,024 bytes) and framing. */
  private static final long ROW_OVERHEAD_BYTES = 64L << 10;

  static LakeSink of(LandingOptions options) {
    return new LakeSink(options.getWriteMethod(), options.getLoadFileFormat());
  }

  /** Whether rows travel as JSON text (load lines, insertAll bodies), escaping data_string again. */
  boolean jsonEncoded() {
    return switch (method) {
      case FILE_LOADS -> format == LoadFileFormat.JSON;
      case STREAMING_INSERTS -> true;
      case STORAGE_WRITE_API -> false;
    };
  }

  /** The largest {@code data_string}, as encoded, this sink can write. */
  long maxDataStringBytes() {
    long maxRow =
        switch (method) {
          case FILE_LOADS -> format == LoadFileFormat.JSON ? 100L << 20 : 16L << 20;
          case STORAGE_WRITE_API -> 10L << 20;
          case STREAMING_INSERTS -> 9L << 20;
        };
    return maxRow - ROW_OVERHEAD_BYTES;
  }

  /** Whether {@code data} fits, measured only when it could be near the limit. */
  boolean fits(String data) {
    // A char is at most 6 bytes as JSON (a control char as \\u00XX) and 3 as UTF-8.
    long bound = (jsonEncoded() ? 6L : 3L) * data.length();
    return bound <= maxDataStringBytes() || encodedBytes(data) <= maxDataStringBytes();
  }

  /** {@code data}'s size as this sink encodes it: UTF-8, plus JSON's escapes where rows are JSON. */
  long encodedBytes(String data) {
    long bytes = 0;
    boolean json = jsonEncoded();
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c < 0x80) {
        bytes += json ? jsonAsciiBytes(c) : 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < data.length()
          && Character.isLowSurrogate(data.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Jackson's escaping, as TableRowJsonCoder writes a load line: quote, backslash, controls. */
  private static int jsonAsciiBytes(char c) {
    if (c == '"' || c == '\\') {
      return 2;
    }
    if (c < 0x20) {
      return c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
    }
    return 1;
  }

  @Override
  public String toString() {
    return method == LakeWriteMethod.FILE_LOADS ? method + " (" + format + ")" : method.toString();
  }
}
