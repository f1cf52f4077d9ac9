package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LakeRecordEncoder#encodeLine} (the byte path) must give exactly what the String path
 * {@code encode(source, header, parse(line), line)} gives, on every line: the String path is the
 * reference, and {@link LakeRecordEncoderTest} checks it against the contract.
 */
class EncodeLineTest {
  private static final Header TRANSACTIONS =
      Header.of(
          List.of(
              "transaction_id", "customer_id", "transaction_date", "amount", "currency",
              "merchant", "category"));

  /** Headers of 1 to 5 columns (RandomCsv writes 1 to 5 fields), with names JSON must escape. */
  private static final List<Header> HEADERS =
      List.of(
          Header.of(List.of("a")),
          Header.of(List.of("id", "Name ")),
          Header.of(List.of("zeta", "Alpha", "é")),
          Header.of(List.of("q\"uote", "back\\slash", "tab\there", "中")),
          Header.of(List.of("b", "a", "", "b", "😀")));

  /** Pieces of hostile fields: every byte JSON escapes, non-ASCII, and the separators. */
  private static final String[] PIECES = {
    "a", "Z", "0", " ", ",", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u0001",
    "\u001f", "\u007f", "\u0080", "é", "中", "😀", "\u2028", "\u2029", "\uFEFF", "\uFFFD",
  };

  /** Byte sequences that are not valid UTF-8 (overlong, surrogate, truncated, stray). */
  private static final byte[][] INVALID = {
    {(byte) 0xFF},
    {(byte) 0x80},
    {(byte) 0xC0, (byte) 0xAF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xE4, (byte) 0xB8}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
  };

  private final LakeRecordEncoder byteEncoder = new LakeRecordEncoder();
  private final LakeRecordEncoder stringEncoder = new LakeRecordEncoder();
  private final CsvFieldParser parser = new CsvFieldParser();

  /** Varies the bytes after the line: the byte path reads whole words where it may. */
  private final SplittableRandom slack = new SplittableRandom(7);

  /** Asserts the two paths agree on {@code line}, placed inside a larger array among junk. */
  private EncodedRecord assertSame(String source, Header header, byte[] line) {
    byte[] buf = new byte[3 + line.length + slack.nextInt(40)];
    Arrays.fill(buf, (byte) '"');
    buf[1] = ',';
    System.arraycopy(line, 0, buf, 3, line.length);
    EncodedRecord expected =
        stringEncoder.encode(
            source, header, parser.parse(line, 0, line.length), line, 0, line.length);
    EncodedRecord actual = byteEncoder.encodeLine(source, header, buf, 3, line.length);
    String what = header + " " + HexFormat.of().formatHex(line);
    assertEquals(expected.dataString(), actual.dataString(), what);
    assertEquals(expected.recordHash(), actual.recordHash(), what);
    assertEquals(expected.parseError(), actual.parseError(), what);
    return actual;
  }

  private EncodedRecord assertSame(Header header, String line) {
    return assertSame("transactions", header, line.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodeLine_matchesTheStringPathOnTargetedCases() {
    Header three = Header.of(List.of("id", "Name ", "note"));
    for (String line :
        List.of(
            "1,Ann,plain",
            "2,\"Smith, J\",\"say \"\"hi\"\"\"",
            "3,back\\slash,tab\there",
            "4,\"two\nlines\",\"\"",
            "5,,",
            ",,",
            "6,\"\",x\u0001y\u001f\u007f",
            "7,\"\"\"\"\"\",\"\"\"a,b\"\"\"",
            "8,Zoë,中文😀",
            "9,\u2028\u2029,\uFEFFbom",
            "10,\"é\"\"\",\"\r\n\"",
            "11,a field longer than sixteen bytes and forty,\"quoted, also long enough\"")) {
      assertNull(assertSame(three, line).parseError(), line);
    }
    String crown = "T1,C1,2026-01-02,1.50,GBP,\"The \"\"Crown\"\" Inn\",dining";
    assertNull(assertSame(TRANSACTIONS, crown).parseError());
  }

  @Test
  void encodeLine_fallsBackWithTheStringPathsErrors() {
    Header three = Header.of(List.of("id", "Name ", "note"));
    for (String line :
        List.of(
            "1,2",
            "1,2,3,4",
            "",
            "1,\"open,2,3",
            "1,a\"b,c",
            "1,\"a\"b,c",
            "1,\"a\" ,c",
            "\"",
            "1,2,\"")) {
      assertNotNull(assertSame(three, line).parseError(), line);
    }
    byte[] invalid = "1,Zo\u00eb,x".getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(assertSame("s", three, invalid).parseError().startsWith("invalid UTF-8"));
    // Structural errors win over encoding errors, as in parse.
    byte[] both = "1,\u00ff\"x,y".getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(assertSame("s", three, both).parseError().startsWith("quote inside"));
  }

  @Test
  void encodeLine_matchesTheStringPathOnLinesLongerThanTheBytePathTakes() {
    Header three = Header.of(List.of("id", "Name ", "note"));
    String big = "x\"y\u0001é".repeat(20_000); // 120,000 bytes, JSON escapes, non-ASCII
    assertNull(assertSame(three, "1,\"" + big.replace("\"", "\"\"") + "\",z").parseError());
    assertNotNull(assertSame(three, "1,\"" + big + "\",z").parseError());
    String justUnder = "a".repeat((1 << 16) - 4);
    assertNull(assertSame(three, "1," + justUnder + ",").parseError());
  }

  @Test
  void encodeLine_handlesKeysTheBytePathCannotWrite() {
    // An unpaired surrogate has no UTF-8 form: the String path keeps it in the JSON.
    Header lone = Header.of(List.of("a\uD800", "b"));
    assertNull(assertSame(lone, "1,2").parseError());
    assertNull(assertSame(Header.of(List.of("\u0000", "\u2028")), "1,2").parseError());
  }

  @Test
  void encodeLine_followsHeaderAndSourceChanges() {
    for (int round = 0; round < 3; round++) {
      for (Header header : HEADERS) {
        for (String source : List.of("transactions", "customers", "é")) {
          String line = String.join(",", header.names()).replace("\"", "x");
          assertSame(source, header, line.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }

  /** Random lines from hostile pieces, quoted or not, some with invalid bytes or stray quotes. */
  @Test
  void encodeLine_matchesTheStringPathOnRandomHostileLines() {
    SplittableRandom random = new SplittableRandom(20260402);
    int valid = 0;
    for (int n = 0; n < 40_000; n++) {
      Header header = HEADERS.get(random.nextInt(HEADERS.size()));
      int fields = random.nextInt(8) == 0 ? 1 + random.nextInt(6) : header.size();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          line.write(',');
        }
        writeField(random, line);
      }
      if (random.nextInt(20) == 0) {
        line.write('"'); // a stray quote
      }
      EncodedRecord encoded = assertSame("src" + random.nextInt(3), header, line.toByteArray());
      valid += encoded.isValid() ? 1 : 0;
    }
    // The property covers both paths in bulk.
    assertTrue(valid > 15_000 && valid < 38_000, "valid lines: " + valid);
  }

  private static void writeField(SplittableRandom random, ByteArrayOutputStream out) {
    boolean quoted = random.nextInt(3) == 0;
    if (quoted) {
      out.write('"');
    }
    int pieces = random.nextInt(8) == 0 ? random.nextInt(40) : random.nextInt(5); // some long
    for (int p = 0; p < pieces; p++) {
      if (random.nextInt(60) == 0) {
        out.writeBytes(INVALID[random.nextInt(INVALID.length)]);
        continue;
      }
      String piece = PIECES[random.nextInt(PIECES.length)];
      if (!quoted && (piece.equals(",") || piece.equals("\"")) && random.nextInt(10) != 0) {
        piece = "u"; // mostly well-formed: unquoted fields rarely get a separator
      } else if (quoted && piece.equals("\"") && random.nextInt(10) != 0) {
        piece = "\"\"";
      }
      out.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
    }
    if (quoted) {
      out.write('"');
    }
  }

  /** Every record of RandomCsv files (quoted line breaks, CRLF, BOM) as the reader returns it. */
  @Test
  void encodeLine_matchesTheStringPathOnEveryRecordOfRandomFiles() throws IOException {
    for (long seed = 0; seed < 300; seed++) {
      byte[] file = RandomCsv.generate(seed, 3_000);
      if (seed % 3 == 0) {
        file = RandomCsv.withInvalidBytes(file, seed);
      }
      List<byte[]> records = new ArrayList<>();
      try (CsvRecordReader reader =
          CsvRecordReader.open(new ByteArrayChannel(file), 0, file.length, false, 1 << 20)) {
        while (reader.advance()) {
          records.add(Arrays.copyOf(reader.buffer(), reader.length()));
        }
      }
      for (byte[] record : records) {
        for (Header header : HEADERS) {
          assertSame("s" + seed % 2, header, record);
        }
      }
    }
  }
}
