package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderTest {

  @Test
  void of_trimsAndLowerCasesNames() {
    Header header = Header.of(List.of(" Customer_ID ", "First Name", "\tEMAIL"));

    assertEquals(List.of("customer_id", "first name", "email"), header.names());
    assertEquals(3, header.size());
  }

  @Test
  void of_lowerCasesIndependentlyOfTheDefaultLocale() {
    // In a Turkish locale "I".toLowerCase() is a dotless i; Locale.ROOT keeps keys stable.
    assertEquals(List.of("id", "city"), Header.of(List.of("ID", "CITY")).names());
  }

  @Test
  void of_namesEmptyColumnsByTheirIndex() {
    assertEquals(List.of("a", "_col2", "_col3"), Header.of(List.of("a", "", "  ")).names());
  }

  @Test
  void of_suffixesDuplicatesWithTheirColumnIndex() {
    Header header = Header.of(List.of("Amount", "amount ", "x", "AMOUNT"));

    assertEquals(List.of("amount", "amount_2", "x", "amount_4"), header.names());
  }

  @Test
  void of_keepsRenamedDuplicatesUnique() {
    Header header = Header.of(List.of("a", "a", "a_2", "_col4", ""));

    assertEquals(List.of("a", "a_2", "a_2_3", "_col4", "_col5"), header.names());
  }

  @Test
  void of_isIdempotent() {
    Header header = Header.of(List.of(" A", "a", "", "B ", "_col3", "Straße", "İD"));

    assertEquals(header.names(), Header.of(header.names()).names());
  }

  @Test
  void parse_takesTheFieldsOfAValidRecord() {
    ParsedRecord record =
        new CsvFieldParser().parse("Id,\"Na,me\"".getBytes(StandardCharsets.UTF_8), 0, 10);

    Header header = Header.parse(record, "Id,\"Na,me\"");

    assertEquals(List.of("id", "na,me"), header.names());
    assertEquals("Id,\"Na,me\"", header.rawLine());
    assertNull(Header.parse(record).rawLine());
  }

  @Test
  void parse_rejectsAnUnparsedRecord() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Header.parse(ParsedRecord.failed("unterminated quoted field")));

    assertEquals("unreadable header: unterminated quoted field", error.getMessage());
  }

  @Test
  void header_survivesJavaSerialization() throws IOException, ClassNotFoundException {
    Header header = Header.parse(ParsedRecord.of(List.of("a", "B")), "a,B");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(header);
    }

    Object copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = in.readObject();
    }

    assertEquals(header, copy);
  }
}
