package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LakeRecordEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CsvFieldParser parser = new CsvFieldParser();
  private final LakeRecordEncoder encoder = new LakeRecordEncoder();

  private EncodedRecord encode(String source, Header header, String line) {
    byte[] raw = line.getBytes(StandardCharsets.UTF_8);
    return encode(source, header, raw);
  }

  private EncodedRecord encode(String source, Header header, byte[] raw) {
    return encoder.encode(source, header, parser.parse(raw, 0, raw.length), raw, 0, raw.length);
  }

  private static Map<String, String> readJson(String json) throws Exception {
    return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
  }

  /** The hash of a well-formed record, computed straight from the written definition. */
  private static String expectedHash(String source, Map<String, String> record)
      throws NoSuchAlgorithmException {
    ByteArrayOutputStream canonical = new ByteArrayOutputStream();
    canonical.writeBytes(source.getBytes(StandardCharsets.UTF_8));
    canonical.write(0);
    // Code point order, written independently of the encoder's UTF-8 byte comparison.
    Map<String, String> sorted =
        new TreeMap<>((x, y) -> Arrays.compare(x.codePoints().toArray(), y.codePoints().toArray()));
    sorted.putAll(record);
    for (Map.Entry<String, String> pair : sorted.entrySet()) {
      for (String part : List.of(pair.getKey(), pair.getValue())) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        canonical.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        canonical.writeBytes(bytes);
      }
    }
    return sha256Hex(canonical.toByteArray());
  }

  private static String sha256Hex(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void encode_writesCompactJsonInHeaderOrder() {
    Header header = Header.of(List.of("Transaction_ID", "amount", "Currency"));

    EncodedRecord encoded = encode("transactions", header, "t-1,12.50,GBP");

    assertEquals(
        "{\"transaction_id\":\"t-1\",\"amount\":\"12.50\",\"currency\":\"GBP\"}",
        encoded.dataString());
    assertNull(encoded.parseError());
    assertTrue(encoded.isValid());
  }

  @Test
  void encode_keepsValuesExactlyAsUnquoted() throws Exception {
    Header header = Header.of(List.of("a", "b", "c"));

    EncodedRecord encoded = encode("s", header, "  x ,\"a \"\"b\"\"\",");

    assertEquals(Map.of("a", "  x ", "b", "a \"b\"", "c", ""), readJson(encoded.dataString()));
  }

  @Test
  void encode_escapesControlCharactersQuotesAndBackslashes() {
    Header header = Header.of(List.of("k"));
    String value = "q\"b\\s/n\nr\rt\tb\bf\f\u0001\u001f\u007f";

    EncodedRecord encoded =
        encoder.encode("s", header, ParsedRecord.of(List.of(value)), new byte[0], 0, 0);

    assertEquals(
        "{\"k\":\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f\u007f\"}", encoded.dataString());
  }

  @Test
  void encode_keepsNonAsciiAndNonBmpCharactersLiteral() throws Exception {
    Header header = Header.of(List.of("name", "note"));

    EncodedRecord encoded = encode("s", header, "José 東京,\"😀 \"\"ok\"\"\"");

    assertEquals("{\"name\":\"José 東京\",\"note\":\"😀 \\\"ok\\\"\"}", encoded.dataString());
    assertEquals(Map.of("name", "José 東京", "note", "😀 \"ok\""), readJson(encoded.dataString()));
  }

  @Test
  void encode_escapesKeysToo() throws Exception {
    Header header = Header.of(List.of("say \"hi\"", "back\\slash"));

    EncodedRecord encoded = encode("s", header, "1,2");

    assertEquals(
        List.of("say \"hi\"", "back\\slash"), List.copyOf(readJson(encoded.dataString()).keySet()));
  }

  @Test
  void encode_roundTripsEveryFieldThroughAJsonParser() throws Exception {
    byte[] file = RandomCsv.generate(99, 20_000);
    Header header = Header.of(List.of("c1", "c2", "c3"));
    int checked = 0;
    try (CsvRecordReader reader =
        CsvRecordReader.open(new ByteArrayChannel(file), 0, file.length, false, 1 << 20)) {
      while (reader.advance()) {
        ParsedRecord parsed = parser.parse(reader.buffer(), 0, reader.length());
        EncodedRecord encoded =
            encoder.encode("s", header, parsed, reader.buffer(), 0, reader.length());
        Map<String, String> json = readJson(encoded.dataString());
        if (encoded.isValid()) {
          assertEquals(parsed.fields(), List.copyOf(json.values()));
          checked++;
        } else {
          assertEquals(
              new String(reader.buffer(), 0, reader.length(), StandardCharsets.UTF_8),
              json.get("_raw"));
        }
      }
    }
    assertTrue(checked > 20, "enough well-formed records: " + checked);
  }

  @Test
  void recordHash_followsTheCanonicalDefinition() throws Exception {
    // U+FF21 sorts before U+1F600 by code point, though not by UTF-16 unit.
    Header header = Header.of(List.of("b", "a", "é", "Z", "\uFF21", "😀"));

    EncodedRecord encoded = encode("customers", header, "2,1,\"x,y\",😀,,v");

    assertEquals(
        expectedHash(
            "customers",
            Map.of("b", "2", "a", "1", "é", "x,y", "z", "😀", "\uFF41", "", "😀", "v")),
        encoded.recordHash());
    assertTrue(encoded.recordHash().matches("[0-9a-f]{64}"));
  }

  @Test
  void recordHash_ignoresColumnOrder() {
    EncodedRecord first = encode("customers", Header.of(List.of("id", "city")), "c1,Leeds");
    EncodedRecord second = encode("customers", Header.of(List.of("City", "ID")), "Leeds,c1");

    assertEquals(first.recordHash(), second.recordHash());
    assertNotEquals(first.dataString(), second.dataString());
  }

  @Test
  void recordHash_isEqualForEqualRecordsAndDiffersPerSource() {
    Header header = Header.of(List.of("id"));

    String customers = encode("customers", header, "1").recordHash();
    String again = encode("customers", header, "\"1\"").recordHash();
    String transactions = encode("transactions", header, "1").recordHash();

    assertEquals(customers, again, "quoting does not change the record");
    assertNotEquals(customers, transactions);
  }

  @Test
  void recordHash_separatesFieldBoundaries() {
    Header header = Header.of(List.of("a", "b"));

    assertNotEquals(
        encode("s", header, "xy,z").recordHash(), encode("s", header, "x,yz").recordHash());
    assertNotEquals(
        encode("s", header, "1,2").recordHash(),
        encode("s", Header.of(List.of("a", "c")), "1,2").recordHash());
  }

  @Test
  void encode_landsUnparseableLineAsRaw() throws Exception {
    Header header = Header.of(List.of("a", "b"));
    String line = "1,\"open\nstill open";

    EncodedRecord encoded = encode("s", header, line);

    assertEquals("{\"_raw\":\"1,\\\"open\\nstill open\"}", encoded.dataString());
    assertEquals(Map.of("_raw", line), readJson(encoded.dataString()));
    assertEquals("unterminated quoted field", encoded.parseError());
    assertFalse(encoded.isValid());
  }

  @Test
  void encode_landsWrongFieldCountAsRaw() {
    Header header = Header.of(List.of("a", "b"));

    EncodedRecord tooMany = encode("s", header, "1,2,3");
    EncodedRecord tooFew = encode("s", header, "1");

    assertEquals("{\"_raw\":\"1,2,3\"}", tooMany.dataString());
    assertEquals("expected 2 fields, found 3", tooMany.parseError());
    assertEquals("expected 2 fields, found 1", tooFew.parseError());
  }

  @Test
  void encode_reportsParseErrorBeforeFieldCount() {
    Header header = Header.of(List.of("a", "b"));

    EncodedRecord encoded = encode("s", header, "1,2,x\"y\"");

    assertEquals("quote inside unquoted field 3", encoded.parseError());
  }

  @Test
  void encode_addsBase64OnlyForInvalidUtf8() throws Exception {
    Header header = Header.of(List.of("a"));
    byte[] raw = {'o', 'k', ',', (byte) 0xFF, 'x', '\n'};

    EncodedRecord invalid = encode("s", header, raw);
    EncodedRecord validButBroken = encode("s", header, "é,\"");

    Map<String, String> json = readJson(invalid.dataString());
    assertEquals("ok,\uFFFDx\n", json.get("_raw"));
    assertArrayEquals(raw, Base64.getDecoder().decode(json.get("_raw_base64")));
    assertEquals("invalid UTF-8 at byte 3", invalid.parseError());
    assertEquals(Map.of("_raw", "é,\""), readJson(validButBroken.dataString()));
  }

  @Test
  void recordHash_ofRawRecordCoversItsExactBytes() throws Exception {
    byte[] raw = {'x', '"', (byte) 0xC3};

    EncodedRecord encoded = encoder.encodeRaw("src", raw, 0, raw.length, "why");

    byte[] canonical = {'s', 'r', 'c', 0x00, 0x01, 'x', '"', (byte) 0xC3};
    assertEquals(sha256Hex(canonical), encoded.recordHash());
    assertEquals("why", encoded.parseError());
  }

  @Test
  void encodeRaw_marksLinesOfAFileWithAnUnreadableHeader() throws Exception {
    byte[] line = "zz1,2,3zz".getBytes(StandardCharsets.UTF_8);

    EncodedRecord encoded =
        encoder.encodeRaw("s", line, 2, 5, "unreadable header: unterminated quoted field");

    assertEquals(Map.of("_raw", "1,2,3"), readJson(encoded.dataString()));
    assertEquals("unreadable header: unterminated quoted field", encoded.parseError());
  }

  @Test
  void encode_switchesKeysWhenTheHeaderChanges() {
    EncodedRecord first = encode("s", Header.of(List.of("a")), "1");
    EncodedRecord second = encode("s", Header.of(List.of("b")), "1");
    EncodedRecord third = encode("s", Header.of(List.of("a")), "1");

    assertEquals("{\"a\":\"1\"}", first.dataString());
    assertEquals("{\"b\":\"1\"}", second.dataString());
    assertEquals(first, third);
  }
}
