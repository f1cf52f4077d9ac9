package dev.landfall.sqlgate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.landfall.config.LandfallConfig;
import dev.landfall.testing.QueryRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The query jobs the Java code sent while the tests ran, as {@link QueryRecorder} wrote them, and
 * their names mapped to the gate's catalog: a test's dataset {@code transactions_fx001_ab12cd}
 * becomes {@code transactions}, the local engine's project the config's.
 */
final class ExecutedSql {

  /** One distinct query text and the classes that sent it. */
  record Query(
      String sql,
      String origin,
      boolean truncated,
      String useLegacySql,
      Map<String, JsonNode> parameters,
      String callers) {

    /** A query without parameters, for tests. */
    Query(String sql, String origin, boolean truncated, String useLegacySql) {
      this(sql, origin, truncated, useLegacySql, Map.of(), "");
    }

    /** The sending class and, when it is a helper, who called it. */
    String where() {
      return callers.contains(" < ") ? origin + " (" + callers + ")" : origin;
    }

    boolean fromTests() {
      return origin.startsWith("test:");
    }

    String firstLine() {
      for (String line : sql.split("\\R")) {
        String s = line.strip();
        if (!s.isEmpty() && !s.startsWith("--")) {
          return s.length() > 100 ? s.substring(0, 100) + "..." : s;
        }
      }
      return "(empty)";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<Query> queries;
  /** Lines read (one per distinct text per origin per JVM), before merging JVMs. */
  final int recorded;

  private ExecutedSql(List<Query> queries, int recorded) {
    this.queries = queries;
    this.recorded = recorded;
  }

  /** Reads every recording under {@code root}'s {@link QueryRecorder#DIR}; names normalised. */
  static ExecutedSql read(Path root, LandfallConfig config) {
    Path dir = root.resolve(QueryRecorder.DIR);
    List<JsonNode> lines = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
          for (String line : Files.readAllLines(f)) {
            if (!line.isBlank()) {
              lines.add(JSON.readTree(line));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + dir, e);
      }
    }
    Normaliser names = new Normaliser(config);
    Map<String, Query> distinct = new LinkedHashMap<>();
    for (JsonNode line : lines) {
      Map<String, JsonNode> parameters = new LinkedHashMap<>();
      line.path("parameters").fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue()));
      Query q =
          new Query(
              names.apply(line.path("sql").asText()),
              line.path("origin").asText(),
              line.path("truncated").asBoolean(false),
              line.path("useLegacySql").asText("unset"),
              parameters,
              line.path("callers").asText(""));
      distinct.putIfAbsent(q.origin() + "\u0000" + q.sql(), q);
    }
    return new ExecutedSql(new ArrayList<>(distinct.values()), lines.size());
  }

  static ExecutedSql of(List<Query> queries) {
    return new ExecutedSql(queries, queries.size());
  }

  /** The classes that sent queries, product first. */
  TreeSet<String> origins() {
    TreeSet<String> out = new TreeSet<>();
    queries.forEach(q -> out.add(q.origin()));
    return out;
  }

  /**
   * Maps a test's names to the deployed ones. A dataset is renamed only where it names a dataset:
   * inside backquotes ({@code `lake_x.t`}, {@code `project.lake_x.t`}, {@code `lake_x`.t}) or
   * after FROM, JOIN, INTO,
   * UPDATE, TABLE and the like, never in a string literal or an alias.
   */
  static final class Normaliser {
    private final Pattern quoted;
    private final Pattern bare;
    private final String project;

    Normaliser(LandfallConfig config) {
      List<String> datasets = new ArrayList<>();
      for (String name : config.datasets().values()) {
        datasets.add(Pattern.quote(name));
      }
      String ds = "(" + String.join("|", datasets) + ")(?:_[A-Za-z0-9_]+)?";
      this.project = config.projectId();
      this.quoted = Pattern.compile("`(?:[A-Za-z0-9-]+\\.)?" + ds + "(`?)\\.");
      this.bare =
          Pattern.compile(
              "(?i)(\\b(?:FROM|JOIN|INTO|UPDATE|TABLE|EXISTS|VIEW|CALL|MERGE|USING|REPLACE)\\s+)"
                  + "(?:[A-Za-z0-9-]+\\.)?"
                  + ds
                  + "\\.");
    }

    String apply(String sql) {
      Matcher m = quoted.matcher(sql);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        // `ds_x.t` and `p.ds_x.t` -> `project.ds.t`; `ds_x`.t -> `ds`.t
        String name = m.group(2).isEmpty() ? project + "." + m.group(1) : m.group(1) + "`";
        m.appendReplacement(out, Matcher.quoteReplacement("`" + name + "."));
      }
      m.appendTail(out);
      m = bare.matcher(out.toString());
      out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "."));
      }
      m.appendTail(out);
      return out.toString();
    }
  }
}
