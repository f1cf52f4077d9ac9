package dev.landfall.csv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Splits one CSV record (as returned by {@link CsvRecordReader}) into fields: RFC 4180, comma
 * delimiter. A quoted field may contain commas, CR, LF and {@code ""} (one {@code "}); an unquoted
 * field is taken verbatim, without trimming (so a space before a quote makes the field unquoted,
 * and the quote an error). Fields are decoded as strict UTF-8.
 *
 * <p>A malformed record is returned as a {@link ParsedRecord} with an error, never thrown, so one
 * bad line never fails a batch. Structural errors are reported before encoding errors; byte
 * positions in messages are 0-based offsets from the start of the record, so {@code source_offset +
 * N} is the file offset of the bad byte.
 *
 * <p>{@link #splitAsJson} is the same split for {@link LakeRecordEncoder}'s byte path: it gives
 * field bounds instead of Strings and writes the lake JSON on the way.
 *
 * <p>Reusable and not thread-safe: it keeps scratch buffers between calls. Use one per thread.
 */
public final class CsvFieldParser {
  private static final byte QUOTE = '"';
  private static final byte COMMA = ',';

  /**
   * Byte classes, bit flags, for {@link #splitAsJson}: one table look-up per byte tells a plain
   * byte (0, the common case: copied) from a delimiter, a quote, a byte JSON escapes and a
   * non-ASCII byte.
   */
  private static final int DELIMITER = 1;

  private static final int QUOTE_BYTE = 2;
  private static final int JSON_ESCAPE = 4;
  private static final int NON_ASCII = 8;
  private static final byte[] CLASS = new byte[256];

  static {
    for (int b = 0; b < 0x80; b++) {
      CLASS[b] = JsonText.needsEscape((char) b) ? (byte) JSON_ESCAPE : 0;
    }
    CLASS[COMMA] = DELIMITER;
    CLASS[QUOTE] = QUOTE_BYTE;
    for (int b = 0x80; b < 0x100; b++) {
      CLASS[b] = NON_ASCII;
    }
  }

  /** Field bounds of the current record: [starts[i], ends[i]) in {@code buf}, or in scratch. */
  private int[] starts = new int[16];

  private int[] ends = new int[16];

  /** Whether field i was unescaped into {@link #unescaped}. */
  private boolean[] inScratch = new boolean[16];

  private int fieldCount;

  /** Quoted fields containing {@code ""}, with the doubled quotes collapsed. */
  private byte[] unescaped = new byte[256];

  private int unescapedLength;

  private boolean nonAscii;

  /** Parses {@code buf[off, off + len)}, one record without its line terminator. */
  public ParsedRecord parse(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    String error = split(buf, off, off + len);
    if (error != null) {
      return ParsedRecord.failed(error);
    }
    boolean ascii = Utf8.isAscii(buf, off, len);
    if (!ascii) {
      int bad = Utf8.firstInvalid(buf, off, len);
      if (bad != Utf8.VALID) {
        return ParsedRecord.failed("invalid UTF-8 at byte " + (bad - off));
      }
    }
    // Doubled quotes are ASCII, so collapsing them keeps valid UTF-8 valid: no re-validation.
    String[] fields = new String[fieldCount];
    for (int i = 0; i < fieldCount; i++) {
      byte[] source = inScratch[i] ? unescaped : buf;
      int start = starts[i];
      int count = ends[i] - start;
      fields[i] =
          ascii
              ? new String(source, start, count, StandardCharsets.ISO_8859_1)
              : new String(source, start, count, StandardCharsets.UTF_8);
    }
    return ParsedRecord.of(List.of(fields));
  }

  /**
   * The byte path of {@link LakeRecordEncoder#encodeLine}: splits {@code buf[off, off + len)} into
   * field bounds like {@link #parse}, and in the same pass writes the lake JSON into {@code out}:
   * for each field i, {@code separators[i]} (the first {@code separatorLengths[i]} bytes), then the
   * field's content JSON-escaped. UTF-8 bytes are copied as they are, unchecked: see {@link
   * #nonAscii()}. The bounds ({@link #fieldStart} ...) are valid until the next call.
   *
   * @param out room for the separators, {@code 6 * len} (every byte escaped), 2 more bytes and
   *     {@link Bytes#SLACK}
   * @return the number of bytes written, without the closing {@code "}} (the caller's); or -1 when
   *     the record is malformed or has another number of fields than {@code separators}, which
   *     {@link #parse} then reports
   */
  int splitAsJson(
      byte[] buf, int off, int len, byte[][] separators, int[] separatorLengths, byte[] out) {
    Objects.checkFromIndexSize(off, len, buf.length);
    int columns = separators.length;
    fieldCount = 0;
    unescapedLength = 0;
    int seen = 0; // OR of the byte classes met on the way: NON_ASCII is what matters
    int to = off + len;
    int i = off;
    int j = 0;
    while (true) {
      if (fieldCount == columns) {
        return -1;
      }
      int separatorLength = separatorLengths[fieldCount];
      Bytes.copy(separators[fieldCount], 0, out, j, separatorLength);
      j += separatorLength;
      if (i < to && buf[i] == QUOTE) {
        i++;
        int contentStart = i;
        int segment = i;
        int scratchStart = unescapedLength;
        boolean escaped = false;
        while (true) {
          int k = 0;
          while (i < to) {
            byte b = buf[i];
            k = CLASS[b & 0xFF];
            if ((k & ~DELIMITER) == 0) {
              out[j++] = b; // a quoted comma is data
            } else if ((k & QUOTE_BYTE) != 0) {
              break;
            } else {
              seen |= k;
              j = JsonText.appendEscaped(b, out, j);
            }
            i++;
          }
          if (i >= to) {
            return -1; // unterminated
          }
          if (i + 1 < to && buf[i + 1] == QUOTE) {
            // "" stands for one quote: JSON gets \", the canonical record the quote alone.
            out[j++] = '\\';
            out[j++] = QUOTE;
            escaped = true;
            copyToScratch(buf, segment, i + 1 - segment);
            i += 2;
            segment = i;
            continue;
          }
          break;
        }
        if (escaped) {
          copyToScratch(buf, segment, i - segment);
          addField(scratchStart, unescapedLength, true);
        } else {
          addField(contentStart, i, false);
        }
        i++; // the closing quote
        if (i < to && buf[i] != COMMA) {
          return -1;
        }
      } else {
        int start = i;
        while (i < to) {
          byte b = buf[i];
          int k = CLASS[b & 0xFF];
          if (k == 0) {
            out[j++] = b;
          } else if ((k & (DELIMITER | QUOTE_BYTE)) != 0) {
            break;
          } else {
            seen |= k;
            j = JsonText.appendEscaped(b, out, j);
          }
          i++;
        }
        if (i < to && buf[i] == QUOTE) {
          return -1;
        }
        addField(start, i, false);
      }
      if (i >= to) {
        nonAscii = (seen & NON_ASCII) != 0;
        return fieldCount == columns ? j : -1;
      }
      i++; // the comma; a comma last in the record is followed by one more (empty) field
    }
  }

  /** Whether the record {@link #splitAsJson} last split has non-ASCII bytes (to check as UTF-8). */
  boolean nonAscii() {
    return nonAscii;
  }

  int fieldCount() {
    return fieldCount;
  }

  /** The array holding field {@code i}: the record's, or the scratch buffer of unescaped fields. */
  byte[] fieldArray(int i, byte[] buf) {
    return inScratch[i] ? unescaped : buf;
  }

  int fieldStart(int i) {
    return starts[i];
  }

  int fieldEnd(int i) {
    return ends[i];
  }

  /** Finds the field bounds of {@code buf[from, to)}; returns an error message or null. */
  private String split(byte[] buf, int from, int to) {
    fieldCount = 0;
    unescapedLength = 0;
    int i = from;
    while (true) {
      int field = fieldCount + 1; // 1-based, for messages
      if (i < to && buf[i] == QUOTE) {
        int closing = scanQuoted(buf, i + 1, to);
        if (closing < 0) {
          return "unterminated quoted field";
        }
        i = closing + 1;
        if (i < to && buf[i] != COMMA) {
          return "unexpected character after closing quote in field " + field;
        }
      } else {
        int start = i;
        while (i < to && buf[i] != COMMA) {
          if (buf[i] == QUOTE) {
            return "quote inside unquoted field " + field;
          }
          i++;
        }
        addField(start, i, false);
      }
      if (i >= to) {
        return null;
      }
      i++; // the comma; a comma last in the record is followed by one more (empty) field
    }
  }

  /**
   * Records the quoted field whose content starts at {@code i} and returns the index of its closing
   * quote, or -1 when the record ends first.
   */
  private int scanQuoted(byte[] buf, int i, int to) {
    int contentStart = i;
    boolean escaped = false;
    int scratchStart = unescapedLength;
    int segment = i;
    while (true) {
      while (i < to && buf[i] != QUOTE) {
        i++;
      }
      if (i >= to) {
        return -1;
      }
      if (i + 1 < to && buf[i + 1] == QUOTE) {
        // "" stands for one quote: copy up to and including the first of the pair.
        escaped = true;
        copyToScratch(buf, segment, i + 1 - segment);
        i += 2;
        segment = i;
        continue;
      }
      if (escaped) {
        copyToScratch(buf, segment, i - segment);
        addField(scratchStart, unescapedLength, true);
      } else {
        addField(contentStart, i, false);
      }
      return i;
    }
  }

  private void copyToScratch(byte[] buf, int from, int count) {
    int needed = unescapedLength + count;
    if (needed > unescaped.length) {
      unescaped = Arrays.copyOf(unescaped, Math.max(needed, unescaped.length * 2));
    }
    System.arraycopy(buf, from, unescaped, unescapedLength, count);
    unescapedLength = needed;
  }

  private void addField(int start, int end, boolean scratch) {
    if (fieldCount == starts.length) {
      int grown = fieldCount * 2;
      starts = Arrays.copyOf(starts, grown);
      ends = Arrays.copyOf(ends, grown);
      inScratch = Arrays.copyOf(inScratch, grown);
    }
    starts[fieldCount] = start;
    ends[fieldCount] = end;
    inScratch[fieldCount] = scratch;
    fieldCount++;
  }
}
