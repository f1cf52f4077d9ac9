package dev.landfall.csv;

import java.util.List;
import java.util.Objects;

/**
 * One CSV record split into fields, or the reason it could not be.
 *
 * @param fields the field values after RFC 4180 unquoting (immutable); empty when {@code error} is
 *     set
 * @param error null for a well-formed record, else a human-readable reason such as {@code
 *     unterminated quoted field}
 */
public record ParsedRecord(List<String> fields, String error) {

  public ParsedRecord {
    // List.copyOf returns an already immutable list as is, so the parser's result is not copied.
    fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
  }

  /** A well-formed record. */
  public static ParsedRecord of(List<String> fields) {
    return new ParsedRecord(fields, null);
  }

  /** A record that could not be parsed, for the given reason. */
  public static ParsedRecord failed(String error) {
    return new ParsedRecord(List.of(), Objects.requireNonNull(error, "error"));
  }

  public boolean isValid() {
    return error == null;
  }
}
