package dev.landfall.csv;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A reusable buffer for compact JSON text. A {@code char[]} rather than a {@link StringBuilder}: a
 * builder that once held a non-Latin-1 character (one CJK name in a file) stays in UTF-16 mode and
 * widens every later append char by char, which tripled the encoding time of mixed files.
 */
final class JsonText {
  private static final HexFormat HEX = HexFormat.of();

  private char[] chars = new char[256];
  private int length;

  JsonText clear() {
    length = 0;
    return this;
  }

  JsonText append(char c) {
    ensure(1);
    chars[length++] = c;
    return this;
  }

  /** Appends {@code text} verbatim (already valid JSON). */
  JsonText append(String text) {
    int n = text.length();
    ensure(n);
    text.getChars(0, n, chars, length);
    length += n;
    return this;
  }

  /** Appends {@code value} as a JSON string literal: RFC 8259 escapes, non-ASCII kept as is. */
  JsonText appendQuoted(String value) {
    int n = value.length();
    ensure(n + 2);
    chars[length++] = '"';
    // Bulk-copy first; most values need no escaping, so this is usually all there is to do.
    value.getChars(0, n, chars, length);
    int i = 0;
    while (i < n && !needsEscape(chars[length + i])) {
      i++;
    }
    length += i;
    for (; i < n; i++) {
      char c = value.charAt(i);
      if (!needsEscape(c)) {
        append(c);
        continue;
      }
      ensure(6);
      chars[length++] = '\\';
      switch (c) {
        case '"' -> chars[length++] = '"';
        case '\\' -> chars[length++] = '\\';
        case '\n' -> chars[length++] = 'n';
        case '\r' -> chars[length++] = 'r';
        case '\t' -> chars[length++] = 't';
        case '\b' -> chars[length++] = 'b';
        case '\f' -> chars[length++] = 'f';
        default -> {
          chars[length++] = 'u';
          chars[length++] = '0';
          chars[length++] = '0';
          chars[length++] = HEX.toHighHexDigit(c);
          chars[length++] = HEX.toLowHexDigit(c);
        }
      }
    }
    return append('"');
  }

  /**
   * Appends one byte of UTF-8 text to {@code out} at {@code j} as {@link #appendQuoted} writes its
   * character, and returns the new length: the escapes are ASCII and every byte of a multi-byte
   * UTF-8 sequence is 0x80 or more, so escaping byte by byte gives the same text.
   */
  static int appendEscaped(byte b, byte[] out, int j) {
    if (b < 0 || !needsEscape((char) b)) {
      out[j] = b;
      return j + 1;
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
        out[j++] = (byte) HEX.toHighHexDigit(b);
        out[j++] = (byte) HEX.toLowHexDigit(b);
      }
    }
    return j;
  }

  /**
   * The characters JSON escapes. All ASCII: the byte path ({@link CsvFieldParser#splitAsJson})
   * builds its table from this and copies every non-ASCII byte as it is.
   */
  static boolean needsEscape(char c) {
    return c < 0x20 || c == '"' || c == '\\';
  }

  private void ensure(int more) {
    int needed = length + more;
    if (needed > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(needed, chars.length * 2));
    }
  }

  /** The text so far; the JDK stores it compactly (Latin-1) when it can. */
  @Override
  public String toString() {
    return new String(chars, 0, length);
  }
}
