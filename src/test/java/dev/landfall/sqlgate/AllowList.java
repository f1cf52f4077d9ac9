package dev.landfall.sqlgate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * tests/sql_gate/allowlist.yaml: the few places where ZetaSQL lags BigQuery on a feature we use,
 * or a scan that must read a whole table, each with its reason and the BigQuery page it rests on.
 * An entry must match a finding, or the gate fails (no stale entries).
 */
final class AllowList {

  static final String PATH = "tests/sql_gate/allowlist.yaml";

  /** One entry: findings of {@code check} in {@code file} whose statement contains {@code statement} (and, for scans, whose message contains {@code table}). */
  record Entry(String check, String file, String statement, String table, String reason, String doc) {
    boolean matches(Finding f) {
      return f.check().equals(check)
          && f.file().equals(file)
          && f.statement().contains(statement)
          && (table == null || f.message().contains(table));
    }

    /** An entry for SQL the Java code sends: {@code file} names the sending class. */
    boolean executed() {
      return file.startsWith("dev.landfall.");
    }

    @Override
    public String toString() {
      return check + " " + file + " '" + statement + "'" + (table == null ? "" : " " + table);
    }
  }

  final List<Entry> entries;

  private AllowList(List<Entry> entries) {
    this.entries = entries;
  }

  static AllowList load(Path root) {
    Path file = root.resolve(PATH);
    if (!Files.exists(file)) {
      return new AllowList(List.of());
    }
    JsonNode tree;
    try {
      tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(PATH + ": not valid YAML", e);
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode e : tree.path("entries")) {
      for (String required : List.of("check", "file", "statement", "reason", "doc")) {
        if (!e.hasNonNull(required) || e.get(required).asText().isBlank()) {
          throw new IllegalArgumentException(PATH + ": every entry needs '" + required + "': " + e);
        }
      }
      String check = e.get("check").asText();
      if (!Set.of("parse", "analyze", "scan").contains(check)) {
        throw new IllegalArgumentException(PATH + ": check must be parse, analyze or scan: " + e);
      }
      entries.add(
          new Entry(
              check,
              e.get("file").asText(),
              e.get("statement").asText(),
              e.hasNonNull("table") ? e.get("table").asText() : null,
              e.get("reason").asText(),
              e.get("doc").asText()));
    }
    return new AllowList(entries);
  }

  Entry match(Finding f) {
    for (Entry e : entries) {
      if (e.matches(f)) {
        return e;
      }
    }
    return null;
  }
}
