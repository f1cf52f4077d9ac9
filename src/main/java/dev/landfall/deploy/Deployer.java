package dev.landfall.deploy;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import dev.landfall.config.LandfallConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies {@code routines/**.sql} to BigQuery: creates the datasets, then runs every file with its
 * {@code ${...}} placeholders filled from the config. The same code deploys to Google Cloud and to
 * the local engine; every statement is idempotent, so deploying twice changes nothing.
 *
 * <p>Order: services lake, customers, transactions, analytics, then others alphabetically; within a
 * service tables, functions, table functions, views, procedures. Within a service, files that fail
 * are retried after the rest until a pass makes no progress (a view on a view, a table function on
 * a view), so file names need not encode dependencies. Later services are not attempted once a
 * service has failures: they build on it.
 */
public final class Deployer {

  /** One statement the deploy will run (or ran). */
  public record Planned(RoutineFile file, String sql, String objectName) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "%-12s %-14s %-44s %s",
          "[" + file.service() + "]",
          file.kind().label(),
          objectName == null ? "-" : objectName,
          file.displayPath());
    }
  }

  /** What a deploy did. */
  public record Result(List<Planned> applied, List<String> datasetsCreated, double seconds) {}

  private final BigQuery bigQuery;
  private final String projectId;
  private final LandfallConfig config;
  private final PrintStream log;

  /**
   * @param bigQuery the client; may be null for {@link #plan} only
   * @param log receives one line per object and a summary
   */
  public Deployer(BigQuery bigQuery, String projectId, LandfallConfig config, PrintStream log) {
    this.bigQuery = bigQuery;
    this.projectId = projectId;
    this.config = config;
    this.log = log;
  }

  /**
   * The statements a deploy would run, in order, with placeholders substituted. Touches no
   * BigQuery; fails with every file's problem (unknown placeholder, non-idempotent DDL) at once.
   */
  public List<Planned> plan(Path routinesDir) {
    List<Planned> planned = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> variables = config.sqlVariables();
    for (RoutineFile file : RoutineFile.discover(routinesDir)) {
      try {
        String problem = file.idempotencyProblem();
        if (problem != null) {
          throw new DeployException(file.displayPath() + ": " + problem);
        }
        String sql = file.substitute(variables);
        planned.add(new Planned(file, sql, RoutineFile.objectName(sql)));
      } catch (DeployException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new DeployException(
          "cannot deploy " + routinesDir + ":\n  " + String.join("\n  ", problems));
    }
    return planned;
  }

  /** Prints the plan without touching BigQuery. */
  public List<Planned> dryRun(Path routinesDir) {
    List<Planned> planned = plan(routinesDir);
    log.printf(
        Locale.ROOT,
        "deploy (dry run): project %s, datasets %s (location %s)%n",
        projectId,
        String.join(", ", config.datasets().values()),
        config.location());
    for (Planned p : planned) {
      log.println("would apply " + p.describe());
    }
    log.printf(Locale.ROOT, "deploy (dry run): %d objects%n", planned.size());
    return planned;
  }

  /** Creates the datasets that are missing, then applies every routine file. */
  public Result deploy(Path routinesDir) {
    if (bigQuery == null) {
      throw new IllegalStateException("deploy needs a BigQuery client");
    }
    long start = System.nanoTime();
    List<Planned> planned = plan(routinesDir);
    List<String> created = ensureDatasets();

    Map<String, List<Planned>> byService = new LinkedHashMap<>();
    for (Planned p : planned) {
      byService.computeIfAbsent(p.file().service(), s -> new ArrayList<>()).add(p);
    }
    List<Planned> applied = new ArrayList<>();
    for (Map.Entry<String, List<Planned>> service : byService.entrySet()) {
      Map<Planned, String> failures = applyService(service.getValue(), applied);
      if (!failures.isEmpty()) {
        List<String> lines = new ArrayList<>();
        failures.forEach(
            (p, message) ->
                lines.add(
                    p.file().displayPath()
                        + " ("
                        + p.file().kind().label()
                        + (p.objectName() == null ? "" : " " + p.objectName())
                        + "): "
                        + message));
        throw new DeployException(
            "deploy failed in service '"
                + service.getKey()
                + "' ("
                + applied.size()
                + " objects applied before):\n  "
                + String.join("\n  ", lines));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log.printf(
        Locale.ROOT,
        "deploy: %d objects applied to project %s (datasets %s) in %.1fs%n",
        applied.size(),
        projectId,
        String.join(", ", config.datasets().values()),
        seconds);
    return new Result(List.copyOf(applied), created, seconds);
  }

  /** Applies one service's files; returns the files that still fail, with their errors. */
  private Map<Planned, String> applyService(List<Planned> pending, List<Planned> applied) {
    List<Planned> todo = new ArrayList<>(pending);
    Map<Planned, String> failures = new LinkedHashMap<>();
    boolean progress = true;
    while (!todo.isEmpty() && progress) {
      progress = false;
      failures.clear();
      List<Planned> stillFailing = new ArrayList<>();
      for (Planned p : todo) {
        long t0 = System.nanoTime();
        String error = run(p.sql());
        if (error == null) {
          progress = true;
          applied.add(p);
          log.printf(
              Locale.ROOT, "applied %s %.2fs%n", p.describe(), (System.nanoTime() - t0) / 1e9);
        } else {
          stillFailing.add(p);
          failures.put(p, error);
        }
      }
      todo = stillFailing;
    }
    return todo.isEmpty() ? Map.of() : failures;
  }

  /** Runs one statement; returns null on success, else the error message. */
  private String run(String sql) {
    try {
      bigQuery.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
      return null;
    } catch (BigQueryException | JobException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted", e);
    }
  }

  /** Creates each configured dataset that does not exist yet; returns those created. */
  private List<String> ensureDatasets() {
    List<String> created = new ArrayList<>();
    for (String name : config.datasets().values()) {
      DatasetId id = DatasetId.of(projectId, name);
      try {
        if (bigQuery.getDataset(id) != null) {
          continue;
        }
        bigQuery.create(
            DatasetInfo.newBuilder(id)
                .setLocation(config.location())
                .setLabels(config.labels())
                .setDescription("landfall " + name + " (deployed from routines/)")
                .build());
      } catch (BigQueryException e) {
        throw new DeployException(
            "cannot create dataset " + projectId + "." + name + ": " + e.getMessage(), e);
      }
      created.add(name);
      log.println("created dataset " + projectId + "." + name + " (" + config.location() + ")");
    }
    return created;
  }

  /** Deletes the configured datasets and everything in them (for isolated test datasets). */
  public void dropDatasets() {
    for (String name : config.datasets().values()) {
      bigQuery.delete(DatasetId.of(projectId, name), BigQuery.DatasetDeleteOption.deleteContents());
    }
  }
}
