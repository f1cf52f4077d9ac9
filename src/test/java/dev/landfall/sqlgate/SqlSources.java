package dev.landfall.sqlgate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.RoutineFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every SQL the project deploys or runs, substituted the way it is at run time: the routines with
 * the deploy's variables (config defaults), the scheduled scripts with the variables
 * terraform/scheduler.tf passes to templatefile() (once per source that has an unpack schedule),
 * and the fixtures' SQL steps with the fixture runner's variables.
 */
final class SqlSources {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SqlSources() {}

  static LandfallConfig config(Path root) {
    return LandfallConfig.load(root.resolve("terraform/config.yaml"));
  }

  /** routines/**.sql in deploy order (service, kind, path). */
  static List<SqlSource> routines(Path root, LandfallConfig config) {
    List<SqlSource> out = new ArrayList<>();
    for (RoutineFile file : RoutineFile.discover(root.resolve("routines"))) {
      out.add(
          new SqlSource(
              file.displayPath(),
              1,
              file.substitute(config.sqlVariables()),
              SqlSource.Origin.ROUTINE,
              false));
    }
    return out;
  }

  /**
   * The tables the deployer creates for itself (src/main/resources/dev/landfall/deploy/*.sql:
   * deploy_history, deploy_lock), substituted as it does. The executed-SQL gate needs them in its
   * catalog: the deployer's queries read and write them.
   */
  static List<SqlSource> deployerTables(Path root, LandfallConfig config) {
    List<SqlSource> out = new ArrayList<>();
    String dir = "src/main/resources/dev/landfall/deploy";
    for (Path path : list(root.resolve(dir), ".sql")) {
      String sql = read(path);
      for (Map.Entry<String, String> v : config.sqlVariables().entrySet()) {
        sql = sql.replace("${" + v.getKey() + "}", v.getValue());
      }
      out.add(new SqlSource(dir + "/" + path.getFileName(), 1, sql, SqlSource.Origin.ROUTINE, false));
    }
    return out;
  }

  /** terraform/sql/*.sql, rendered as terraform/scheduler.tf renders them. */
  static List<SqlSource> scheduled(Path root, LandfallConfig config) {
    List<SqlSource> out = new ArrayList<>();
    Path dir = root.resolve("terraform/sql");
    for (Path path : list(dir, ".sql")) {
      String display = "terraform/sql/" + path.getFileName();
      String sql = read(path);
      List<Map<String, String>> renderings = new ArrayList<>();
      if (path.getFileName().toString().equals("scheduled_unpack.sql")) {
        for (dev.landfall.config.Source source : config.sources().values()) {
          if (source.unpackSchedule() == null) {
            continue;
          }
          Map<String, String> vars = new LinkedHashMap<>();
          vars.put("project", config.projectId());
          vars.put("source", source.name());
          vars.put("service_dataset", config.dataset(source.name()));
          vars.put("lake_dataset", config.lakeDataset());
          vars.put("threshold", Double.toString(config.rejectRateThreshold()));
          renderings.add(vars);
        }
      } else {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("project", config.projectId());
        vars.put("analytics_dataset", config.analyticsDataset());
        vars.put("customers_dataset", config.customersDataset());
        vars.put("transactions_dataset", config.transactionsDataset());
        vars.put("lake_dataset", config.lakeDataset());
        vars.put("time_zone", config.timeZone());
        renderings.add(vars);
      }
      for (Map<String, String> vars : renderings) {
        RoutineFile file =
            new RoutineFile(path, display, "terraform", RoutineFile.Kind.OTHER, false, false, sql);
        String label = display + (vars.containsKey("source") ? " [" + vars.get("source") + "]" : "");
        out.add(
            new SqlSource(
                display, 1, file.substitute(vars), SqlSource.Origin.SCHEDULED, false, label));
      }
    }
    return out;
  }

  /** The SQL of every sql, expect and expect_error step of routines/* /tests/*.yaml. */
  static List<SqlSource> fixtures(Path root, LandfallConfig config) {
    List<SqlSource> out = new ArrayList<>();
    Path routines = root.resolve("routines");
    List<Path> files = new ArrayList<>();
    for (Path service : list(routines, "")) {
      Path tests = service.resolve("tests");
      if (Files.isDirectory(tests)) {
        files.addAll(list(tests, ".yaml"));
      }
    }
    for (Path path : files) {
      String display = root.relativize(path).toString().replace('\\', '/');
      String text = read(path);
      JsonNode fixture;
      try {
        fixture = YAML.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException(display + ": not valid YAML", e);
      }
      int searchFrom = 0;
      for (JsonNode step : fixture.path("steps")) {
        String sql = null;
        boolean expectsError = false;
        if (step.has("sql")) {
          sql = step.get("sql").asText();
        } else if (step.has("expect")) {
          sql = step.get("expect").path("query").asText(null);
        } else if (step.has("expect_error")) {
          sql = step.get("expect_error").path("sql").asText(null);
          expectsError = true;
        }
        if (sql == null) {
          continue;
        }
        int at = locate(text, sql, searchFrom);
        searchFrom = at;
        RoutineFile file =
            new RoutineFile(path, display, "fixture", RoutineFile.Kind.OTHER, false, false, sql);
        out.add(
            new SqlSource(
                display,
                lineOf(text, at),
                file.substitute(config.sqlVariables()),
                SqlSource.Origin.FIXTURE,
                expectsError));
      }
    }
    return out;
  }

  /** Where the step's SQL starts in the YAML text: its first line, searched from {@code from}. */
  private static int locate(String text, String sql, int from) {
    String first = sql.strip().lines().findFirst().orElse("").strip();
    if (first.length() > 60) {
      first = first.substring(0, 60);
    }
    int at = text.indexOf(first, from);
    return at < 0 ? from : at;
  }

  static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
