package dev.landfall.reliability;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableResult;
import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.Deployer;
import dev.landfall.landing.LakeWriteMethod;
import dev.landfall.landing.LandingOptions;
import dev.landfall.landing.LandingPipeline;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * One isolated landfall deployment on the local BigQuery engine: the real routines deployed into
 * datasets of its own ({@code lake_<suffix>}, ...), the real landing pipeline on the DirectRunner,
 * and SQL read back as text. {@link #close()} drops the datasets.
 *
 * <p>SQL given to {@link #rows} and {@link #execute} names datasets as {@code ${lake}}, {@code
 * ${customers}}, {@code ${transactions}} and {@code ${analytics}}.
 */
final class Sandbox implements AutoCloseable {
  /**
   * ReadRangeFn logs a line per range; the corpus is read in 29-byte ranges (thousands of them),
   * so keep its progress lines out of the test output. Held here: JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger RANGE_PROGRESS =
      java.util.logging.Logger.getLogger("dev.landfall.landing.ReadRangeFn");

  static {
    RANGE_PROGRESS.setLevel(java.util.logging.Level.WARNING);
  }

  private final LocalBigQuery engine;
  private final LandfallConfig config;
  private final Deployer deployer;
  private final String endpoint;

  private Sandbox(LocalBigQuery engine, LandfallConfig config, String endpoint) {
    this.engine = engine;
    this.config = config;
    this.endpoint = endpoint;
    // Deploy logs a line per object: keep test output readable.
    this.deployer =
        new Deployer(engine.bigQuery(), engine.projectId(), config, new PrintStream(new ByteArrayOutputStream()));
  }

  /** Deploys every routine into fresh datasets named after {@code prefix} and a random part. */
  static Sandbox deploy(String prefix) {
    LocalBigQuery engine = LocalBigQuery.get();
    String suffix = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    Sandbox sandbox = new Sandbox(engine, engine.config().withDatasetSuffix(suffix), engine.endpoint());
    sandbox.deployer.deploy(engine.repoRoot().resolve("routines"));
    return sandbox;
  }

  LandfallConfig config() {
    return config;
  }

  LocalBigQuery engine() {
    return engine;
  }

  BigQuery bigQuery() {
    return engine.bigQuery();
  }

  /** The lake table as the pipeline's {@code --outputTable}. */
  String lakeTable() {
    return engine.projectId() + ":" + config.lakeDataset() + ".raw_records";
  }

  /** Landing options for this sandbox: local engine, no credentials, files under {@code temp}. */
  LandingOptions landingOptions(String inputPattern, String loadId, Path temp) {
    LandingOptions options = PipelineOptionsFactory.as(LandingOptions.class);
    options.setProject(engine.projectId());
    options.setBigQueryEndpoint(endpoint);
    options.setCredentialFactoryClass(NoopCredentialFactory.class);
    options.setTempLocation(temp.resolve("tmp-" + loadId).toString());
    options.setInputFilePattern(inputPattern);
    options.setOutputTable(lakeTable());
    options.setLoadId(loadId);
    options.setWriteMethod(LakeWriteMethod.FILE_LOADS);
    return options;
  }

  /** The command-line arguments of the same run, for a pipeline in another JVM. */
  List<String> landingArgs(String inputPattern, String loadId, Path temp, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--project=" + engine.projectId(),
        "--bigQueryEndpoint=" + endpoint,
        "--credentialFactoryClass=" + NoopCredentialFactory.class.getName(),
        "--tempLocation=" + temp.resolve("tmp-" + loadId),
        "--inputFilePattern=" + inputPattern,
        "--outputTable=" + lakeTable(),
        "--loadId=" + loadId));
    args.addAll(List.of(extra));
    return args;
  }

  /** Runs one landing to its end and returns it (state and counters). */
  Landing land(String inputPattern, String loadId, Path temp, Consumer<LandingOptions> customize) {
    LandingOptions options = landingOptions(inputPattern, loadId, temp);
    customize.accept(options);
    PipelineResult result = LandingPipeline.run(options);
    PipelineResult.State state = result.waitUntilFinish();
    return new Landing(loadId, state, counters(result));
  }

  Landing land(String inputPattern, String loadId, Path temp) {
    return land(inputPattern, loadId, temp, o -> {});
  }

  /** What a landing run reported. */
  record Landing(String loadId, PipelineResult.State state, Map<String, Long> counters) {
    long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }
  }

  /** Counters of the {@code landfall} namespace, summed over steps. */
  static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace("landfall")).build())
            .getCounters()) {
      counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
    }
    return counters;
  }

  void unpack() {
    execute("CALL ${customers}.unpack()");
    execute("CALL ${transactions}.unpack()");
  }

  void snapshot(String date) {
    execute("CALL ${analytics}.snapshot_top_customers(DATE '" + date + "')");
  }

  void execute(String sql) {
    rows(sql);
  }

  /** Runs SQL and returns its rows as text cells: NUMERIC plain, TIMESTAMP ISO-8601, NULL null. */
  List<List<String>> rows(String sql) {
    String resolved = resolve(sql);
    TableResult result;
    try {
      result = bigQuery().query(
          QueryJobConfiguration.newBuilder(resolved).setUseLegacySql(false).build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + resolved, e);
    } catch (BigQueryException | JobException e) {
      throw new SqlFailed(e.getMessage() + "\n  in: " + resolved, e);
    }
    List<Field> fields = result.getSchema() == null ? List.of() : result.getSchema().getFields();
    List<List<String>> rows = new ArrayList<>();
    for (FieldValueList row : result.iterateAll()) {
      List<String> cells = new ArrayList<>(fields.size());
      for (int i = 0; i < fields.size(); i++) {
        cells.add(text(fields.get(i), row.get(i)));
      }
      rows.add(cells);
    }
    return rows;
  }

  /** The single number a {@code SELECT COUNT(*) ...} returns. */
  long count(String sql) {
    return Long.parseLong(rows(sql).get(0).get(0));
  }

  /** A statement the engine refused. */
  static final class SqlFailed extends RuntimeException {
    SqlFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  String resolve(String sql) {
    return sql.replace("${lake}", "`" + config.lakeDataset() + "`")
        .replace("${customers}", "`" + config.customersDataset() + "`")
        .replace("${transactions}", "`" + config.transactionsDataset() + "`")
        .replace("${analytics}", "`" + config.analyticsDataset() + "`");
  }

  private static String text(Field field, FieldValue value) {
    if (value == null || value.isNull()) {
      return null;
    }
    StandardSQLTypeName type = field.getType().getStandardType();
    return switch (type) {
      case NUMERIC, BIGNUMERIC -> new BigDecimal(value.getStringValue()).stripTrailingZeros().toPlainString();
      case TIMESTAMP -> Instant.EPOCH.plus(value.getTimestampValue(), ChronoUnit.MICROS).toString();
      case BOOL -> String.valueOf(value.getBooleanValue()).toLowerCase(Locale.ROOT);
      default -> value.getStringValue();
    };
  }

  /** UTF-8 bytes of a string, for building files. */
  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (System.getenv("LANDFALL_KEEP_FIXTURE_DATASETS") == null) {
      deployer.dropDatasets();
    }
  }
}
