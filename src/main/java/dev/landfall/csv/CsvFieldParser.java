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
 * <p>Reusable and not thread-safe: it keeps scratch buffers between calls. Use one per thread.
 */
public final class CsvFieldParser {
  private static final byte QUOTE = '"';
  private static final byte COMMA = ',';

  /**
   * Byte classes, bit flags: one table look-up per byte finds the field ends and, on the way, what
   * {@link LakeRecordEncoder} must know about the record (JSON escapes, non-ASCII).
   */
  static final int DELIMITER = 1;

  static final int QUOTE_BYTE = 2;

  /** A byte JSON must escape: {@code "}, {@code \} or a control byte (see {@link JsonText}). */
  static final int JSON_ESCAPE = 4;

  /** Not ASCII: the record needs the strict UTF-8 check. */
  static final int NON_ASCII = 8;

  /** Record flag (not a byte class): a field was unescaped into the scratch buffer. */
  static final int UNESCAPED = 16;

  private static final byte[] CLASS = new byte[256];

  static {
    for (int b = 0; b < 0x20; b++) {
      CLASS[b] = JSON_ESCAPE;
    }
    CLASS['\\'] = JSON_ESCAPE;
    CLASS[COMMA] = DELIMITER;
    CLASS[QUOTE] = QUOTE_BYTE | JSON_ESCAPE;
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

  /** OR of the byte classes of the field contents, plus {@link #UNESCAPED}. */
  private int classes;

  /** Quoted fields containing {@code ""}, with the doubled quotes collapsed. */
  private byte[] unescaped = new byte[256];

  private int unescapedLength;

  /** Parses {@code buf[off, off + len)}, one record without its line terminator. */
  public ParsedRecord parse(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    String error = split(buf, off, off + len);
    if (error != null) {
      return ParsedRecord.failed(error);
    }
    // Field contents cover every non-ASCII byte of the record (delimiters and quotes are ASCII).
    boolean ascii = (classes & NON_ASCII) == 0;
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
   * Splits {@code buf[off, off + len)} into field bounds without making Strings: the byte path of
   * {@link LakeRecordEncoder#encodeLine}. The bounds are valid until the next call.
   *
   * @return false when the record is malformed ({@link #parse} says why); the UTF-8 check is left
   *     to the caller, see {@link #classes()}
   */
  boolean splitBounds(byte[] buf, int off, int len) {
    return split(buf, off, off + len) == null;
  }

  int fieldCount() {
    return fieldCount;
  }

  /** {@link #DELIMITER}-free OR of the classes of every field byte, plus {@link #UNESCAPED}. */
  int classes() {
    return classes;
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
    classes = 0;
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
        int seen = 0;
        int k;
        while (i < to && ((k = CLASS[buf[i] & 0xFF]) & (DELIMITER | QUOTE_BYTE)) == 0) {
          seen |= k;
          i++;
        }
        if (i < to && buf[i] == QUOTE) {
          return "quote inside unquoted field " + field;
        }
        classes |= seen;
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
    int seen = 0;
    while (true) {
      int k;
      while (i < to && ((k = CLASS[buf[i] & 0xFF]) & QUOTE_BYTE) == 0) {
        seen |= k;
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
      // A quoted comma is data: keep only the content classes. The kept quote is escaped in JSON.
      classes |= seen & ~DELIMITER;
      if (escaped) {
        classes |= UNESCAPED | JSON_ESCAPE;
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
