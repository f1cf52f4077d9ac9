package dev.landfall.csv;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The column names of a CSV file, normalized into the lake's JSON keys: trimmed and lower-cased
 * ({@link Locale#ROOT}), so columns match by name whatever their case, spacing or order. An empty
 * name becomes {@code _col<N>} and a repeated one {@code <name>_<N>}, N being the 1-based column
 * index, so every key is unique and no value is lost.
 *
 * <p>Normalizing is idempotent: {@code Header.of(h.names()).names()} equals {@code h.names()}, so
 * the names can be shipped to workers as a plain list.
 */
public final class Header implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> names;
  private final String rawLine;

  private Header(List<String> names, String rawLine) {
    this.names = names;
    this.rawLine = rawLine;
  }

  /**
   * The header of a parsed header record.
   *
   * @throws IllegalArgumentException when the record did not parse: the caller decides what an
   *     unreadable header means for the file's records
   */
  public static Header parse(ParsedRecord headerRecord) {
    return parse(headerRecord, null);
  }

  /** As {@link #parse(ParsedRecord)}, keeping the header line as it is in the file. */
  public static Header parse(ParsedRecord headerRecord, String rawLine) {
    if (!headerRecord.isValid()) {
      throw new IllegalArgumentException("unreadable header: " + headerRecord.error());
    }
    return new Header(normalize(headerRecord.fields()), rawLine);
  }

  /** A header from column names as they appear in the file (or already normalized). */
  public static Header of(List<String> rawNames) {
    return new Header(normalize(rawNames), null);
  }

  private static List<String> normalize(List<String> rawNames) {
    if (rawNames.isEmpty()) {
      throw new IllegalArgumentException("a header has at least one column");
    }
    List<String> result = new ArrayList<>(rawNames.size());
    Set<String> used = new HashSet<>();
    for (int i = 0; i < rawNames.size(); i++) {
      int column = i + 1;
      String name = rawNames.get(i).strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        name = "_col" + column;
      }
      // A renamed duplicate may itself collide with a real column name ("a,a,a_2"): repeat.
      while (!used.add(name)) {
        name = name + "_" + column;
      }
      result.add(name);
    }
    return List.copyOf(result);
  }

  /** Normalized names (the lake's JSON keys), in column order. */
  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  /** The header line as it is in the file, or null when not given. */
  public String rawLine() {
    return rawLine;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header h && h.names.equals(names) && Objects.equals(h.rawLine, rawLine);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return "Header" + names;
  }
}
