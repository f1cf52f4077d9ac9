package dev.landfall.testing;

import com.google.cloud.bigquery.BigQuery;
import dev.landfall.bigquery.BigQueryClients;
import dev.landfall.config.LandfallConfig;
import dev.landfall.landing.LandingOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The local BigQuery engine for tests, one per JVM.
 *
 * <p>When {@code LANDFALL_BQ_ENDPOINT} is set (scripts/test.sh starts one engine for the whole run)
 * it is used as is, with {@code LANDFALL_BQ_PROJECT} (default {@code landfall-local}). Otherwise
 * the first call starts an engine with {@code scripts/engine.sh start} (installing it if needed) in
 * a state folder of its own under {@code target/}, and a shutdown hook stops it when the JVM exits.
 * A failure to start is an error, never a skipped test.
 */
public final class LocalBigQuery {

  private static LocalBigQuery instance;

  private final Path repoRoot;
  private final String endpoint;
  private final String projectId;
  private final BigQuery bigQuery;

  private LocalBigQuery(Path repoRoot, String endpoint, String projectId) {
    this.repoRoot = repoRoot;
    this.endpoint = endpoint;
    this.projectId = projectId;
    this.bigQuery = BigQueryClients.create(projectId, endpoint);
  }

  /**
   * The shared engine, started on first use. Every query job the JVM then sends is recorded for
   * the executed-SQL gate ({@link QueryRecorder}).
   */
  public static synchronized LocalBigQuery get() {
    if (instance == null) {
      instance = startOrConnect();
    }
    QueryRecorder.install(instance.repoRoot);
    return instance;
  }

  public BigQuery bigQuery() {
    return bigQuery;
  }

  public String endpoint() {
    return endpoint;
  }

  public String projectId() {
    return projectId;
  }

  /** The repository root (the folder holding {@code routines/} and {@code terraform/}). */
  public Path repoRoot() {
    return repoRoot;
  }

  /** {@code terraform/config.yaml} of this repository. */
  public LandfallConfig config() {
    return LandfallConfig.load(repoRoot.resolve("terraform/config.yaml"));
  }

  /**
   * Options of a DirectRunner landing into this engine: the CSV files matching {@code
   * inputFilePattern} into {@code config}'s lake, as load {@code loadId}, with its temp files in
   * {@code tempDir}. Tests add what they vary (split size, write method, privacy dataset...).
   */
  public LandingOptions landingOptions(
      LandfallConfig config, String inputFilePattern, Path tempDir, String loadId) {
    LandingOptions options = PipelineOptionsFactory.as(LandingOptions.class);
    options.setProject(projectId);
    options.setBigQueryEndpoint(endpoint);
    options.setCredentialFactoryClass(NoopCredentialFactory.class);
    options.setTempLocation(tempDir.resolve("tmp-" + loadId).toString());
    options.setInputFilePattern(inputFilePattern);
    options.setOutputTable(projectId + ":" + config.lakeDataset() + ".raw_records");
    options.setLoadId(loadId);
    return options;
  }

  /** Finds the repository root from the working directory (Maven runs tests in the module). */
  public static Path findRepoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("scripts/engine.sh"))
          && Files.isDirectory(d.resolve("routines"))) {
        return d;
      }
    }
    throw new IllegalStateException("no repository root (scripts/engine.sh) above " + dir);
  }

  private static LocalBigQuery startOrConnect() {
    Path root = findRepoRoot();
    String endpoint = System.getenv("LANDFALL_BQ_ENDPOINT");
    if (endpoint != null && !endpoint.isBlank()) {
      String project = System.getenv("LANDFALL_BQ_PROJECT");
      return new LocalBigQuery(
          root, endpoint, project == null || project.isBlank() ? "landfall-local" : project);
    }
    Path stateDir = root.resolve("target/local-bigquery-" + ProcessHandle.current().pid());
    Map<String, String> env = new HashMap<>();
    env.put("LANDFALL_ENGINE_DIR", stateDir.toString());
    engineScript(root, env, "start");
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> engineScript(root, env, "stop"), "local-bigquery-stop"));
    Map<String, String> settings = new HashMap<>();
    for (String line : engineScript(root, env, "env").split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        settings.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    String started = settings.get("LANDFALL_BQ_ENDPOINT");
    if (started == null) {
      throw new IllegalStateException("scripts/engine.sh env printed no LANDFALL_BQ_ENDPOINT");
    }
    return new LocalBigQuery(
        root, started, settings.getOrDefault("LANDFALL_BQ_PROJECT", "landfall-local"));
  }

  /**
   * Runs scripts/engine.sh COMMAND; returns its standard output, throws with its output on error.
   */
  private static String engineScript(Path root, Map<String, String> env, String command) {
    try {
      Path out = Files.createTempFile("engine-" + command, ".out");
      Path errFile = Files.createTempFile("engine-" + command, ".err");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(List.of(root.resolve("scripts/engine.sh").toString(), command))
                .directory(root.toFile())
                .redirectOutput(out.toFile())
                .redirectError(errFile.toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        // A cold start installs the engine first (pip), which takes a while.
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new IllegalStateException("scripts/engine.sh " + command + " timed out");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(errFile, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              "scripts/engine.sh "
                  + command
                  + " failed (exit "
                  + process.exitValue()
                  + "):\n"
                  + stderr
                  + stdout);
        }
        System.err.print(stderr);
        return stdout;
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(errFile);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run scripts/engine.sh " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running scripts/engine.sh " + command, e);
    }
  }
}
