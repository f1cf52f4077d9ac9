package dev.landfall.bench;

import dev.landfall.csv.Header;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * A prototype of the fix recommended for measure 1 (not used by the pipeline): the same {@code
 * data_string} and {@code record_hash} as {@link dev.landfall.csv.LakeRecordEncoder}, built from
 * the record's bytes instead of per-field Strings. Fields are split to byte bounds (doubled quotes
 * collapsed into a scratch buffer), the JSON is written as bytes (escaping only {@code "}, {@code
 * \} and control bytes; UTF-8 bytes pass through), the canonical record is assembled in one buffer
 * and hashed with one {@code update}, and the hex is formatted from a table. It handles the
 * well-formed record with one field per column; everything else returns null so the caller falls
 * back to the String path (parse errors, wrong field count, invalid UTF-8: rare).
 *
 * <p>{@link TransformBench} checks that it matches the current encoder on every record of the
 * benchmark file before timing it.
 */
final class ByteLakeEncoder {
  private static final byte QUOTE = '"';
  private static final byte COMMA = ',';
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** Byte classes, so one table look-up per byte serves splitting, escaping and ASCII. */
  private static final int PLAIN = 0;
  private static final int DELIMITER = 1;
  private static final int QUOTE_CLASS = 2;
  private static final int ESCAPE = 4;
  private static final int HIGH = 8;
  private static final byte[] CLASS = new byte[256];

  static {
    for (int b = 0; b < 0x20; b++) {
      CLASS[b] = ESCAPE;
    }
    CLASS['\\'] = ESCAPE;
    CLASS[','] = DELIMITER;
    CLASS['"'] = QUOTE_CLASS;
    for (int b = 0x80; b < 0x100; b++) {
      CLASS[b] = HIGH;
    }
  }

  private final MessageDigest digest;
  private final byte[] hash = new byte[32];
  private final byte[] hex = new byte[64];
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private boolean[] inScratch = new boolean[16];
  /** OR of the byte classes of the record (HIGH: not ASCII) and per field (ESCAPE: JSON needs it). */
  private int recordClasses;
  private int[] fieldClasses = new int[16];
  private int fieldCount;
  private byte[] scratch = new byte[256];
  private int scratchLength;
  private byte[] json = new byte[512];
  private byte[] canonical = new byte[512];

  private Header cachedHeader;
  private byte[][] keyPrefixes;
  private byte[][] keys;
  private int[] hashOrder;
  private String cachedSource;
  private byte[] sourcePrefix;

  ByteLakeEncoder() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** {@code [dataString, recordHash]}, or null when the String path must handle the record. */
  String[] encode(String source, Header header, byte[] buf, int off, int len) {
    if (!split(buf, off, off + len) || fieldCount != header.size()) {
      return null;
    }
    if ((recordClasses & HIGH) != 0) {
      return null; // the prototype leaves UTF-8 validation to the String path
    }
    useHeader(header);
    useSource(source);

    int j = 0;
    ensureJson(len * 2 + 16 * fieldCount + 64);
    json[j++] = '{';
    for (int i = 0; i < fieldCount; i++) {
      if (i > 0) {
        json[j++] = ',';
      }
      byte[] prefix = keyPrefixes[i];
      System.arraycopy(prefix, 0, json, j, prefix.length);
      j += prefix.length;
      json[j++] = '"';
      byte[] src = inScratch[i] ? scratch : buf;
      if ((fieldClasses[i] & ESCAPE) == 0) {
        int n = ends[i] - starts[i];
        System.arraycopy(src, starts[i], json, j, n);
        j += n;
      } else {
        j = appendEscaped(src, starts[i], ends[i], j);
      }
      json[j++] = '"';
    }
    json[j++] = '}';

    int c = 0;
    ensureCanonical(sourcePrefix.length + len + 8 * fieldCount + 64 * fieldCount);
    System.arraycopy(sourcePrefix, 0, canonical, 0, sourcePrefix.length);
    c = sourcePrefix.length;
    for (int column : hashOrder) {
      byte[] key = keys[column];
      c = putLength(key.length, c);
      System.arraycopy(key, 0, canonical, c, key.length);
      c += key.length;
      int valueLength = ends[column] - starts[column];
      c = putLength(valueLength, c);
      System.arraycopy(inScratch[column] ? scratch : buf, starts[column], canonical, c, valueLength);
      c += valueLength;
    }
    digest.update(canonical, 0, c);
    try {
      digest.digest(hash, 0, 32);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < 32; i++) {
      hex[2 * i] = HEX[(hash[i] >> 4) & 0xF];
      hex[2 * i + 1] = HEX[hash[i] & 0xF];
    }
    return new String[] {
      new String(json, 0, j, StandardCharsets.ISO_8859_1),
      new String(hex, 0, 64, StandardCharsets.ISO_8859_1)
    };
  }

  private int appendEscaped(byte[] src, int from, int to, int j) {
    byte[] out = json;
    for (int i = from; i < to; i++) {
      byte b = src[i];
      if ((b & 0xFF) >= 0x20 && b != '"' && b != '\\') {
        out[j++] = b;
        continue;
      }
      out[j++] = '\\';
      switch (b) {
        case '"' -> out[j++] = '"';
        case '\\' -> out[j++] = '\\';
        case '\n' -> out[j++] = 'n';
        case '\r' -> out[j++] = 'r';
        case '\t' -> out[j++] = 't';
        case '\b' -> out[j++] = 'b';
        case '\f' -> out[j++] = 'f';
        default -> {
          out[j++] = 'u';
          out[j++] = '0';
          out[j++] = '0';
          out[j++] = HEX[(b >> 4) & 0xF];
          out[j++] = HEX[b & 0xF];
        }
      }
    }
    return j;
  }

  private int putLength(int length, int c) {
    canonical[c] = (byte) (length >>> 24);
    canonical[c + 1] = (byte) (length >>> 16);
    canonical[c + 2] = (byte) (length >>> 8);
    canonical[c + 3] = (byte) length;
    return c + 4;
  }

  private void ensureJson(int size) {
    if (json.length < size) {
      json = new byte[Math.max(size, json.length * 2)];
    }
  }

  private void ensureCanonical(int size) {
    if (canonical.length < size) {
      canonical = new byte[Math.max(size, canonical.length * 2)];
    }
  }

  private void useSource(String source) {
    if (!source.equals(cachedSource)) {
      byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
      sourcePrefix = Arrays.copyOf(bytes, bytes.length + 1); // then a 0x00 byte
      cachedSource = source;
    }
  }

  private void useHeader(Header header) {
    if (header == cachedHeader) {
      return;
    }
    List<String> names = header.names();
    int n = names.size();
    keyPrefixes = new byte[n][];
    keys = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
      // Header names are JSON-escaped the same way as values.
      byte[] saved = json;
      json = new byte[keys[i].length * 6 + 3];
      int j = 0;
      json[j++] = '"';
      j = appendEscaped(keys[i], 0, keys[i].length, j);
      json[j++] = '"';
      json[j++] = ':';
      keyPrefixes[i] = Arrays.copyOf(json, j);
      json = saved;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
    hashOrder = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    cachedHeader = header;
  }

  /** Field bounds of {@code buf[from, to)} as {@code CsvFieldParser} finds them; false on error. */
  private boolean split(byte[] buf, int from, int to) {
    fieldCount = 0;
    scratchLength = 0;
    recordClasses = 0;
    int i = from;
    while (true) {
      if (i < to && buf[i] == QUOTE) {
        int closing = scanQuoted(buf, i + 1, to);
        if (closing < 0) {
          return false;
        }
        i = closing + 1;
        if (i < to && buf[i] != COMMA) {
          return false;
        }
      } else {
        int start = i;
        int classes = 0;
        int k;
        while (i < to && (k = CLASS[buf[i] & 0xFF]) != DELIMITER) {
          classes |= k;
          i++;
        }
        if ((classes & QUOTE_CLASS) != 0) {
          return false;
        }
        addField(start, i, false, classes);
      }
      if (i >= to) {
        return true;
      }
      i++;
    }
  }

  private int scanQuoted(byte[] buf, int i, int to) {
    int contentStart = i;
    boolean escaped = false;
    int scratchStart = scratchLength;
    int segment = i;
    int classes = 0;
    while (true) {
      int k;
      while (i < to && (k = CLASS[buf[i] & 0xFF]) != QUOTE_CLASS) {
        classes |= k;
        i++;
      }
      if (i >= to) {
        return -1;
      }
      if (i + 1 < to && buf[i + 1] == QUOTE) {
        escaped = true;
        classes |= ESCAPE; // the quote left in the value is escaped in JSON
        copyToScratch(buf, segment, i + 1 - segment);
        i += 2;
        segment = i;
        continue;
      }
      if (escaped) {
        copyToScratch(buf, segment, i - segment);
        addField(scratchStart, scratchLength, true, classes);
      } else {
        addField(contentStart, i, false, classes);
      }
      return i;
    }
  }

  private void copyToScratch(byte[] buf, int from, int count) {
    int needed = scratchLength + count;
    if (needed > scratch.length) {
      scratch = Arrays.copyOf(scratch, Math.max(needed, scratch.length * 2));
    }
    System.arraycopy(buf, from, scratch, scratchLength, count);
    scratchLength = needed;
  }

  private void addField(int start, int end, boolean inScratchBuffer, int classes) {
    if (fieldCount == starts.length) {
      starts = Arrays.copyOf(starts, fieldCount * 2);
      ends = Arrays.copyOf(ends, fieldCount * 2);
      inScratch = Arrays.copyOf(inScratch, fieldCount * 2);
      fieldClasses = Arrays.copyOf(fieldClasses, fieldCount * 2);
    }
    fieldClasses[fieldCount] = classes;
    recordClasses |= classes;
    starts[fieldCount] = start;
    ends[fieldCount] = end;
    inScratch[fieldCount] = inScratchBuffer;
    fieldCount++;
  }
}
