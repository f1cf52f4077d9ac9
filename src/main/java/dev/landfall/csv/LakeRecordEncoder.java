package dev.landfall.csv;

import dev.landfall.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Turns a parsed CSV record into the lake's {@code data_string} JSON and {@code record_hash}
 * (CONTRACT §2).
 *
 * <p>A well-formed record with one field per header column becomes {@code {"<name>":"<value>",...}}
 * in header order, every value a JSON string holding the exact field text. Anything else becomes
 * {@code {"_raw":"<line>"}} with the reason in {@code parseError}; when the line is not valid
 * UTF-8, {@code "_raw_base64"} carries its exact bytes too, so no line is ever lost.
 *
 * <p>{@code recordHash} is the lower-case hex SHA-256 of: the UTF-8 bytes of the source, a 0x00
 * byte, then the canonical record. For a well-formed record that is its (key, value) pairs sorted
 * by key in code point order (the order of their UTF-8 bytes), each key and value written as a
 * 4-byte big-endian length followed by its UTF-8 bytes; so the column order of a file does not
 * change the hash. For a {@code _raw} record it is the byte 0x01 followed by the raw bytes.
 *
 * <p>{@link #encodeLine} is the entry point: it parses and encodes a line. A well-formed line
 * (the common case) never becomes Strings field by field: the JSON and the canonical record are
 * built from the line's bytes, which gives the same text because JSON escapes only ASCII bytes and
 * valid UTF-8 round-trips. Anything else takes {@link #encode}, the String path, which defines the
 * output; the tests check the two agree byte for byte.
 *
 * <p>Reusable and not thread-safe (it keeps its digest and buffers): use one per thread.
 */
public final class LakeRecordEncoder {
  private static final HexFormat HEX = HexFormat.of();
  private static final Comparator<byte[]> UTF8_ORDER = Arrays::compareUnsigned;
  private static final byte SOURCE_END = 0x00;
  private static final byte RAW_MARK = 0x01;
  private static final String RAW_KEY = "_raw";
  private static final String RAW_BASE64_KEY = "_raw_base64";

  /**
   * Longer lines take the String path: the byte path's JSON buffer is sized for the worst case
   * (every byte escaped, 6 bytes), too much to hold for a line of megabytes.
   */
  private static final int MAX_BYTE_PATH_LENGTH = 1 << 16;

  /**
   * One lake row's payload.
   *
   * @param dataString the {@code data_string} JSON object
   * @param recordHash lower-case hex SHA-256 of the source and the canonical record
   * @param parseError null, or why the line landed as {@code _raw}
   */
  public record EncodedRecord(String dataString, String recordHash, String parseError) {
    public boolean isValid() {
      return parseError == null;
    }
  }

  private final MessageDigest digest;
  private final JsonText json = new JsonText();
  private final CsvFieldParser parser = new CsvFieldParser();

  // Byte path buffers.
  private byte[] jsonBytes = new byte[512];
  private byte[] lineCanonical = new byte[512];
  private final byte[] hash = new byte[32];
  private final byte[] hex = new byte[64 + Bytes.SLACK];

  /** The canonical record of a well-formed row, hashed with one digest update. */
  private byte[] canonical = new byte[512];

  private int canonicalLength;

  private String cachedSource;
  private byte[] cachedSourceBytes;
  private Header cachedHeader;

  /** {@code "<name>":} per column, JSON-escaped. */
  private String[] keyPrefixes;

  /** Column indexes in hash order (keys sorted by UTF-8 bytes). */
  private int[] hashOrder;

  private byte[][] keyBytes;

  /**
   * Byte path: what precedes value i in the JSON ({@code {"name":"} or {@code ","name":"}), the
   * sum of their lengths, and whether they are all ASCII. Arrays carry {@link Bytes#SLACK} spare
   * bytes, hence the separate lengths.
   */
  private byte[][] jsonSeparators;

  private int[] jsonSeparatorLengths;
  private int separatorsLength;
  private boolean separatorsAscii;

  /** Byte path: each key as written in the canonical record, its 4-byte length first. */
  private byte[][] keyChunks;

  private int[] keyChunkLengths;

  /** Whether the names survive UTF-8 (no unpaired surrogate), so the byte path may use them. */
  private boolean keysRoundTrip;

  private int keyChunksLength;

  public LakeRecordEncoder() {
    digest = Sha256.newDigest();
  }

  /**
   * Parses and encodes one data record: the same result as {@code encode(source, header,
   * parser.parse(raw, off, len), raw, off, len)}, faster.
   *
   * @param source the service the file belongs to
   * @param header the file's header
   * @param raw holds the record's bytes as read (no line terminator) in {@code [off, off + len)}
   */
  public EncodedRecord encodeLine(String source, Header header, byte[] raw, int off, int len) {
    Objects.checkFromIndexSize(off, len, raw.length);
    if (len <= MAX_BYTE_PATH_LENGTH) {
      useHeader(header);
      if (keysRoundTrip) {
        int capacity = separatorsLength + 6 * len + 2 + Bytes.SLACK; // a control byte takes 6
        if (capacity > jsonBytes.length) {
          jsonBytes = new byte[Math.max(capacity, jsonBytes.length * 2)];
        }
        byte[] out = jsonBytes;
        CsvFieldParser fields = parser;
        int j = fields.splitAsJson(raw, off, len, jsonSeparators, jsonSeparatorLengths, out);
        if (j >= 0
            && (!fields.nonAscii() || Utf8.firstInvalid(raw, off, len) == Utf8.VALID)) {
          out[j++] = '"';
          out[j++] = '}';
          // The bytes decode to the String path's text; Latin-1 is the JDK's compact form, so an
          // ASCII line becomes a String by one copy.
          String dataString =
              new String(
                  out,
                  0,
                  j,
                  fields.nonAscii() || !separatorsAscii
                      ? StandardCharsets.UTF_8
                      : StandardCharsets.ISO_8859_1);
          return new EncodedRecord(dataString, hashFromBounds(source, raw, len), null);
        }
      }
    }
    // Malformed, wrong field count, invalid UTF-8 or huge (rare): the String path, which says why.
    return encode(source, header, parser.parse(raw, off, len), raw, off, len);
  }

  /** The {@code record_hash} of the fields {@link #parser} just split from {@code raw}. */
  private String hashFromBounds(String source, byte[] raw, int len) {
    CsvFieldParser fields = parser;
    useSource(source);
    byte[] prefix = cachedSourceBytes;
    int capacity =
        prefix.length + 1 + len + keyChunksLength + 4 * fields.fieldCount() + Bytes.SLACK;
    if (capacity > lineCanonical.length) {
      lineCanonical = new byte[Math.max(capacity, lineCanonical.length * 2)];
    }
    byte[] out = lineCanonical;
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int c = prefix.length;
    out[c++] = SOURCE_END;
    byte[][] chunks = keyChunks;
    int[] chunkLengths = keyChunkLengths;
    for (int column : hashOrder) {
      int chunkLength = chunkLengths[column];
      Bytes.copy(chunks[column], 0, out, c, chunkLength);
      c += chunkLength;
      int start = fields.fieldStart(column);
      int count = fields.fieldEnd(column) - start;
      Bytes.putIntBigEndian(out, c, count);
      Bytes.copy(fields.fieldArray(column, raw), start, out, c + 4, count);
      c += 4 + count;
    }
    digest.reset(); // a no-op after the last digest(), which reset it
    digest.update(out, 0, c);
    try {
      digest.digest(hash, 0, hash.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 gives 32 bytes", e);
    }
    Bytes.hex32(hash, hex);
    return new String(hex, 0, 64, StandardCharsets.ISO_8859_1);
  }

  /**
   * Encodes one data record.
   *
   * @param source the service the file belongs to
   * @param header the file's header
   * @param parsed the record parsed from {@code raw[off, off + len)}
   * @param raw the record's bytes as read (no line terminator), used for {@code _raw} rows
   */
  public EncodedRecord encode(
      String source, Header header, ParsedRecord parsed, byte[] raw, int off, int len) {
    if (!parsed.isValid()) {
      return encodeRaw(source, raw, off, len, parsed.error());
    }
    List<String> fields = parsed.fields();
    if (fields.size() != header.size()) {
      return encodeRaw(
          source, raw, off, len, "expected " + header.size() + " fields, found " + fields.size());
    }
    useHeader(header);
    json.clear().append('{');
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(keyPrefixes[i]).appendQuoted(fields.get(i));
    }
    json.append('}');

    startHash(source);
    canonicalLength = 0;
    for (int column : hashOrder) {
      byte[] key = keyBytes[column];
      ensureCanonicalCapacity(4 + key.length);
      putLength(canonicalLength, key.length);
      System.arraycopy(key, 0, canonical, canonicalLength + 4, key.length);
      canonicalLength += 4 + key.length;
      appendUtf8WithLength(fields.get(column));
    }
    digest.update(canonical, 0, canonicalLength);
    return new EncodedRecord(json.toString(), HEX.formatHex(digest.digest()), null);
  }

  /**
   * Encodes a line as {@code {"_raw": ...}} with the given reason, e.g. every line of a file whose
   * header is unreadable ({@code "unreadable header: " + why}).
   */
  public EncodedRecord encodeRaw(String source, byte[] raw, int off, int len, String reason) {
    boolean valid = Utf8.firstInvalid(raw, off, len) == Utf8.VALID;
    // Invalid bytes become U+FFFD here; the base64 copy keeps the line lossless.
    json.clear().append('{').appendQuoted(RAW_KEY).append(':');
    json.appendQuoted(new String(raw, off, len, StandardCharsets.UTF_8));
    if (!valid) {
      json.append(',').appendQuoted(RAW_BASE64_KEY).append(':');
      json.appendQuoted(
          Base64.getEncoder().encodeToString(Arrays.copyOfRange(raw, off, off + len)));
    }
    json.append('}');

    startHash(source);
    digest.update(RAW_MARK);
    digest.update(raw, off, len);
    return new EncodedRecord(json.toString(), HEX.formatHex(digest.digest()), reason);
  }

  private void startHash(String source) {
    useSource(source);
    digest.reset();
    digest.update(cachedSourceBytes);
    digest.update(SOURCE_END);
  }

  private void useSource(String source) {
    if (!source.equals(cachedSource)) {
      cachedSource = source;
      cachedSourceBytes = source.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Writes {@code length} as 4 big-endian bytes at {@code at} in the canonical buffer. */
  private void putLength(int at, int length) {
    canonical[at] = (byte) (length >>> 24);
    canonical[at + 1] = (byte) (length >>> 16);
    canonical[at + 2] = (byte) (length >>> 8);
    canonical[at + 3] = (byte) length;
  }

  private void ensureCanonicalCapacity(int more) {
    int needed = canonicalLength + more;
    if (needed > canonical.length) {
      canonical = Arrays.copyOf(canonical, Math.max(needed, canonical.length * 2));
    }
  }

  /** Prepares the per-header key material once per header rather than once per record. */
  private void useHeader(Header header) {
    if (header == cachedHeader
        || (cachedHeader != null && cachedHeader.names().equals(header.names()))) {
      cachedHeader = header;
      return;
    }
    List<String> names = header.names();
    int n = names.size();
    keyPrefixes = new String[n];
    keyBytes = new byte[n][];
    for (int i = 0; i < n; i++) {
      keyPrefixes[i] = json.clear().appendQuoted(names.get(i)).append(':').toString();
      keyBytes[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
    }
    prepareBytePath(names);
    byte[][] keys = keyBytes;
    hashOrder =
        IntStream.range(0, n)
            .boxed()
            .sorted((a, b) -> UTF8_ORDER.compare(keys[a], keys[b]))
            .mapToInt(Integer::intValue)
            .toArray();
    cachedHeader = header;
  }

  private void prepareBytePath(List<String> names) {
    int n = names.size();
    jsonSeparators = new byte[n][];
    jsonSeparatorLengths = new int[n];
    keyChunks = new byte[n][];
    keyChunkLengths = new int[n];
    separatorsLength = 0;
    keyChunksLength = 0;
    keysRoundTrip = true;
    for (int i = 0; i < n; i++) {
      byte[] separator =
          ((i == 0 ? "{" : "\",") + keyPrefixes[i] + '"').getBytes(StandardCharsets.UTF_8);
      jsonSeparators[i] = Arrays.copyOf(separator, separator.length + Bytes.SLACK);
      jsonSeparatorLengths[i] = separator.length;
      separatorsLength += separator.length;
      byte[] key = keyBytes[i];
      keyChunks[i] = new byte[4 + key.length + Bytes.SLACK];
      Bytes.putIntBigEndian(keyChunks[i], 0, key.length);
      System.arraycopy(key, 0, keyChunks[i], 4, key.length);
      keyChunkLengths[i] = 4 + key.length;
      keyChunksLength += 4 + key.length;
      keysRoundTrip &= new String(key, StandardCharsets.UTF_8).equals(names.get(i));
    }
    separatorsAscii = Utf8.isAscii(concat(jsonSeparators), 0, separatorsLength + n * Bytes.SLACK);
  }

  private static byte[] concat(byte[][] parts) {
    int n = 0;
    for (byte[] part : parts) {
      n += part.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  /**
   * Appends {@code value} to the canonical buffer as a 4-byte length and its UTF-8 bytes, without
   * the {@code getBytes} allocation per field. An unpaired surrogate becomes '?', as in {@link
   * String#getBytes}.
   */
  private void appendUtf8WithLength(String value) {
    int n = value.length();
    ensureCanonicalCapacity(4 + n * 3);
    byte[] out = canonical;
    int lengthAt = canonicalLength;
    int start = lengthAt + 4;
    int j = start;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        out[j++] = (byte) c;
      } else if (c < 0x800) {
        out[j++] = (byte) (0xC0 | (c >> 6));
        out[j++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        int cp;
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          cp = Character.toCodePoint(c, value.charAt(++i));
          out[j++] = (byte) (0xF0 | (cp >> 18));
          out[j++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          out[j++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          out[j++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          out[j++] = '?';
        }
      } else {
        out[j++] = (byte) (0xE0 | (c >> 12));
        out[j++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[j++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    putLength(lengthAt, j - start);
    canonicalLength = j;
  }
}
