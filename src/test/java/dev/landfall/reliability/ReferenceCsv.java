package dev.landfall.reliability;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The test oracle: what the lake must hold for a file, computed the slow and obvious way (one
 * byte at a time, whole file in memory, no ranges), independently of {@code dev.landfall.csv}.
 * It follows CONTRACT §1–2: a leading UTF-8 BOM is dropped; a record ends at a LF outside quotes
 * (a CR right before it is dropped); empty records are blank lines, skipped; the first record is
 * the header; a record is malformed when its quotes are broken, it is not UTF-8, its field count
 * differs from the header's, the header itself is malformed, or it is longer than the limit. A
 * header is malformed for the same reasons and when it holds a NUL byte (UTF-16 or binary) or a
 * bare CR (CR-only line ends); then it lands too, as the file's first malformed record.
 */
final class ReferenceCsv {
  private ReferenceCsv() {}

  /** One data record the lake must hold, at {@code offset} in its file. */
  record Expected(long offset, byte[] raw, Map<String, String> fields, boolean malformed) {}

  /** A file's expected lake content: its data records, in file order, and its blank lines. */
  record Expectation(List<Expected> records, int blankLines, boolean headerMalformed) {
    long malformed() {
      return records.stream().filter(Expected::malformed).count();
    }
  }

  static Expectation expect(byte[] file, int maxRecordBytes) {
    List<long[]> bounds = new ArrayList<>(); // {start, end} of each non-blank record, end exclusive
    int blank = 0;
    int pos = startsWithBom(file) ? 3 : 0;
    while (pos < file.length) {
      int start = pos;
      boolean inQuotes = false;
      int end = file.length;
      int next = file.length;
      for (int i = pos; i < file.length; i++) {
        if (file[i] == '"') {
          inQuotes = !inQuotes;
        } else if (file[i] == '\n' && !inQuotes) {
          end = i > start && file[i - 1] == '\r' ? i - 1 : i;
          next = i + 1;
          break;
        }
      }
      if (end == start) {
        blank++;
      } else {
        bounds.add(new long[] {start, end});
      }
      pos = next;
    }
    List<Expected> records = new ArrayList<>();
    if (bounds.isEmpty()) {
      return new Expectation(records, blank, false);
    }
    byte[] headerBytes = slice(file, bounds.get(0));
    List<String> header = headerBytes.length > maxRecordBytes || hasNulOrCr(headerBytes) ? null : fields(headerBytes);
    List<String> names = header == null ? null : normalize(header);
    if (names == null) {
      records.add(new Expected(bounds.get(0)[0], headerBytes, null, true));
    }
    for (long[] b : bounds.subList(1, bounds.size())) {
      byte[] raw = slice(file, b);
      List<String> values = raw.length > maxRecordBytes ? null : fields(raw);
      boolean ok = names != null && values != null && values.size() == names.size();
      Map<String, String> map = null;
      if (ok) {
        map = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          map.put(names.get(i), values.get(i));
        }
      }
      records.add(new Expected(b[0], raw, map, !ok));
    }
    return new Expectation(records, blank, names == null);
  }

  /** RFC 4180 fields of one record, or null when it is malformed (quotes or UTF-8). */
  static List<String> fields(byte[] raw) {
    if (!isUtf8(raw)) {
      return null;
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (true) {
      StringBuilder field = new StringBuilder();
      if (i < n && text.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            return null; // unterminated
          }
          char c = text.charAt(i);
          if (c == '"') {
            if (i + 1 < n && text.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field.append(c);
          i++;
        }
        if (i < n && text.charAt(i) != ',') {
          return null; // text after the closing quote
        }
      } else {
        while (i < n && text.charAt(i) != ',') {
          if (text.charAt(i) == '"') {
            return null; // a quote inside an unquoted field
          }
          field.append(text.charAt(i));
          i++;
        }
      }
      out.add(field.toString());
      if (i >= n) {
        return out;
      }
      i++; // the comma
    }
  }

  /** Header names as lake keys: trimmed, lower-case; blank → _colN; repeated → name_N. */
  static List<String> normalize(List<String> header) {
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        name = "_col" + (i + 1);
      }
      while (!seen.add(name)) {
        name = name + "_" + (i + 1);
      }
      names.add(name);
    }
    return names;
  }

  private static boolean hasNulOrCr(byte[] raw) {
    for (byte b : raw) {
      if (b == 0 || b == '\r') {
        return true;
      }
    }
    return false;
  }

  static boolean isUtf8(byte[] raw) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean startsWithBom(byte[] file) {
    return file.length >= 3 && (file[0] & 0xFF) == 0xEF && (file[1] & 0xFF) == 0xBB && (file[2] & 0xFF) == 0xBF;
  }

  private static byte[] slice(byte[] file, long[] bounds) {
    return Arrays.copyOfRange(file, (int) bounds[0], (int) bounds[1]);
  }
}
