package dev.landfall.csv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Generates hostile CSV files from a seed: quoted commas, doubled quotes, LF, CRLF and lone CR
 * inside quotes, multi-byte UTF-8, blank lines, CRLF line ends, an optional BOM, stray quotes, and
 * an unterminated quoted field or a missing final newline at the end.
 */
final class RandomCsv {
  private static final String[] UNQUOTED_PIECES = {
    "a", "b", "z", "0", "7", " ", "  ", "é", "中", "😀", "x y", "\r", ".", "-",
  };
  private static final String[] QUOTED_PIECES = {
    "a", "q", "1", ",", ",,", "\"\"", "\"\"\"\"", "\n", "\r\n", "\r", "\n\n", "é", "中", "😀", " ",
  };

  private RandomCsv() {}

  /** A file of about {@code targetChars} characters (more bytes when multi-byte ones occur). */
  static byte[] generate(long seed, int targetChars) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder csv = new StringBuilder();
    if (random.nextInt(4) == 0) {
      csv.append('\uFEFF');
    }
    boolean crlf = random.nextBoolean();
    while (csv.length() < targetChars) {
      int roll = random.nextInt(20);
      if (roll == 0) {
        csv.append(crlf ? "\r\n" : "\n"); // blank line
        continue;
      }
      int fields = 1 + random.nextInt(5);
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          csv.append(',');
        }
        appendField(random, csv);
      }
      if (roll == 1) {
        csv.append("ab\"c"); // a stray quote: flips the quote state for the rest of the file
      }
      csv.append(random.nextInt(10) == 0 ? (crlf ? "\n" : "\r\n") : (crlf ? "\r\n" : "\n"));
    }
    switch (random.nextInt(4)) {
      case 0 -> csv.append("1,\"never closed,\n2,x\r\n3,y\n"); // rest of file is one record
      case 1 -> csv.append("last,record,without,newline");
      case 2 -> csv.append("ends,with,cr\r");
      default -> {}
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void appendField(SplittableRandom random, StringBuilder csv) {
    int pieces = random.nextInt(4);
    if (random.nextInt(3) == 0) {
      csv.append('"');
      for (int p = 0; p < pieces; p++) {
        csv.append(QUOTED_PIECES[random.nextInt(QUOTED_PIECES.length)]);
      }
      csv.append('"');
    } else {
      for (int p = 0; p < pieces; p++) {
        csv.append(UNQUOTED_PIECES[random.nextInt(UNQUOTED_PIECES.length)]);
      }
    }
  }

  /** {@code csv} with stray 0xFF bytes (never valid in UTF-8) after some commas. */
  static byte[] withInvalidBytes(byte[] csv, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : csv) {
      out.write(b);
      if (b == ',' && random.nextInt(10) == 0) {
        out.write(0xFF);
      }
    }
    return out.toByteArray();
  }
}
