package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvFieldParserTest {
  private final CsvFieldParser parser = new CsvFieldParser();

  private ParsedRecord parse(String record) {
    byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
    return parser.parse(bytes, 0, bytes.length);
  }

  private static void assertFields(ParsedRecord parsed, String... expected) {
    assertNull(parsed.error(), "error");
    assertTrue(parsed.isValid());
    assertEquals(List.of(expected), parsed.fields());
  }

  private static void assertError(ParsedRecord parsed, String expected) {
    assertFalse(parsed.isValid());
    assertEquals(expected, parsed.error());
    assertEquals(List.of(), parsed.fields());
  }

  @Test
  void parse_splitsPlainFields() {
    assertFields(parse("c1,Ada,Lovelace"), "c1", "Ada", "Lovelace");
  }

  @Test
  void parse_keepsCommaInsideQuotes() {
    assertFields(parse("1,\"Smith, John\",x"), "1", "Smith, John", "x");
  }

  @Test
  void parse_unescapesDoubledQuotes() {
    assertFields(parse("\"a \"\"b\"\"\",\"\"\"\",\"x\"\"\"\"y\""), "a \"b\"", "\"", "x\"\"y");
  }

  @Test
  void parse_keepsQuotedLineBreakWhole() {
    assertFields(parse("1,\"line one\nline two\",2"), "1", "line one\nline two", "2");
  }

  @Test
  void parse_keepsQuotedCrLfAndLoneCr() {
    assertFields(parse("\"a\r\nb\",\"c\rd\""), "a\r\nb", "c\rd");
  }

  @Test
  void parse_keepsUnquotedCrVerbatim() {
    // The reader strips one CR before LF; anything left is data.
    assertFields(parse("a\rb,c"), "a\rb", "c");
  }

  @Test
  void parse_keepsEmptyFields() {
    assertFields(parse(",,"), "", "", "");
    assertFields(parse("a,,b"), "a", "", "b");
    assertFields(parse("\"\",x"), "", "x");
  }

  @Test
  void parse_trailingDelimiterAddsOneEmptyField() {
    assertFields(parse("a,b,"), "a", "b", "");
    assertFields(parse("a,\"b\","), "a", "b", "");
  }

  @Test
  void parse_emptyLineIsOneEmptyField() {
    assertFields(parse(""), "");
  }

  @Test
  void parse_doesNotTrimUnquotedFields() {
    assertFields(parse("  a , b\t,c "), "  a ", " b\t", "c ");
  }

  @Test
  void parse_rejectsSpaceBeforeQuoteAsQuoteInUnquotedField() {
    assertError(parse("a, \"b\""), "quote inside unquoted field 2");
  }

  @Test
  void parse_rejectsQuoteInsideUnquotedField() {
    assertError(parse("ab\"c\",d"), "quote inside unquoted field 1");
    assertError(parse("a,b,c\""), "quote inside unquoted field 3");
  }

  @Test
  void parse_rejectsUnterminatedQuotedField() {
    assertError(parse("a,\"b,c"), "unterminated quoted field");
    assertError(parse("\"\"\""), "unterminated quoted field");
    assertError(parse("\"abc\"\""), "unterminated quoted field");
  }

  @Test
  void parse_rejectsCharacterAfterClosingQuote() {
    assertError(parse("\"a\"b,c"), "unexpected character after closing quote in field 1");
    assertError(parse("x,\"a\" ,c"), "unexpected character after closing quote in field 2");
  }

  @Test
  void parse_rejectsCarriageReturnAfterClosingQuoteAtEndOfFile() {
    // A record ending in a bare CR (no LF follows at end of file) keeps its CR.
    assertError(parse("a,\"b\"\r"), "unexpected character after closing quote in field 2");
  }

  @Test
  void parse_decodesNonAscii() {
    assertFields(
        parse("José,Zoë,\"München, Straße\",東京,😀 ok"),
        "José",
        "Zoë",
        "München, Straße",
        "東京",
        "😀 ok");
  }

  @Test
  void parse_decodesNonAsciiNextToEscapedQuotes() {
    assertFields(parse("\"é\"\"😀\"\"中\""), "é\"😀\"中");
  }

  @Test
  void parse_rejectsInvalidUtf8WithItsByteOffset() {
    byte[] record = {'a', 'b', ',', 'c', (byte) 0xFF, 'd'};

    ParsedRecord parsed = parser.parse(record, 0, record.length);

    assertError(parsed, "invalid UTF-8 at byte 4");
  }

  @Test
  void parse_rejectsTruncatedMultiByteCharacter() {
    byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
    byte[] record = {'x', ',', emoji[0], emoji[1], emoji[2]};

    assertError(parser.parse(record, 0, record.length), "invalid UTF-8 at byte 2");
  }

  @Test
  void parse_rejectsOverlongAndSurrogateEncodings() {
    byte[] overlong = {'a', (byte) 0xC0, (byte) 0xAF};
    byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};

    assertError(parser.parse(overlong, 0, overlong.length), "invalid UTF-8 at byte 1");
    assertError(parser.parse(surrogate, 0, surrogate.length), "invalid UTF-8 at byte 0");
  }

  @Test
  void parse_reportsStructureErrorBeforeEncodingError() {
    byte[] record = {'"', (byte) 0xFF, ','};

    assertError(parser.parse(record, 0, record.length), "unterminated quoted field");
  }

  @Test
  void parse_readsOnlyTheGivenSlice() {
    byte[] bytes = "XXa,\"b\"\"c\"YY".getBytes(StandardCharsets.UTF_8);

    ParsedRecord parsed = parser.parse(bytes, 2, bytes.length - 4);

    assertFields(parsed, "a", "b\"c");
  }

  @Test
  void parse_reportsInvalidUtf8OffsetRelativeToSlice() {
    byte[] bytes = {'z', 'z', 'a', (byte) 0x80};

    assertError(parser.parse(bytes, 2, 2), "invalid UTF-8 at byte 1");
  }

  @Test
  void parse_isReusableAcrossRecordsOfDifferentShapes() {
    StringBuilder wide = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      wide.append(i == 0 ? "" : ",").append("\"v\"\"").append(i).append('"');
    }

    ParsedRecord first = parse(wide.toString());
    ParsedRecord second = parse("\"x\"\"y\",z");

    assertEquals(100, first.fields().size());
    assertEquals("v\"99", first.fields().get(99));
    assertFields(second, "x\"y", "z");
    assertEquals("v\"0", first.fields().get(0), "earlier results are not overwritten");
  }
}
