package dev.landfall.deploy;

import com.google.cloud.bigquery.BigQuery;
import dev.landfall.bigquery.BigQueryClients;
import dev.landfall.config.ConfigException;
import dev.landfall.config.LandfallConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Deploys the datasets and {@code routines/} to BigQuery.
 *
 * <pre>
 * DeployCommand --config terraform/config.yaml --routines routines
 *     [--project P] [--endpoint URL] [--dataset-suffix S] [--dry-run]
 * </pre>
 *
 * <p>{@code --endpoint} targets a local engine (no credentials); without it, Google Cloud with
 * application default credentials. {@code --project} defaults to the config's {@code project_id}.
 */
public final class DeployCommand {

  static final String USAGE =
      "usage: DeployCommand --config FILE --routines DIR [--project P] [--endpoint URL]"
          + " [--dataset-suffix S] [--dry-run]";

  /** Parsed arguments. */
  record Options(
      Path config,
      Path routines,
      String project,
      String endpoint,
      String datasetSuffix,
      boolean dryRun) {}

  private DeployCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit code (0 ok, 1 deploy failed, 2 bad arguments). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("deploy: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      LandfallConfig config = LandfallConfig.load(options.config());
      if (options.datasetSuffix() != null) {
        config = config.withDatasetSuffix(options.datasetSuffix());
      }
      String project = options.project() != null ? options.project() : config.projectId();
      if (options.dryRun()) {
        new Deployer(null, project, config, out).dryRun(options.routines());
        return 0;
      }
      BigQuery bigQuery = BigQueryClients.create(project, options.endpoint());
      new Deployer(bigQuery, project, config, out).deploy(options.routines());
      return 0;
    } catch (DeployException | ConfigException | IllegalArgumentException e) {
      err.println("deploy: " + e.getMessage());
      return 1;
    }
  }

  static Options parse(String[] args) {
    Path config = null;
    Path routines = null;
    String project = null;
    String endpoint = null;
    String suffix = null;
    boolean dryRun = false;
    List<String> list = List.of(args);
    for (int i = 0; i < list.size(); i++) {
      String arg = list.get(i);
      switch (arg) {
        case "--dry-run" -> dryRun = true;
        case "--config", "--routines", "--project", "--endpoint", "--dataset-suffix" -> {
          if (i + 1 >= list.size() || list.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(arg + " needs a value");
          }
          String value = list.get(++i);
          switch (arg) {
            case "--config" -> config = Path.of(value);
            case "--routines" -> routines = Path.of(value);
            case "--project" -> project = value;
            case "--endpoint" -> endpoint = value;
            default -> suffix = value;
          }
        }
        case "-h", "--help" -> throw new IllegalArgumentException("help");
        default -> throw new IllegalArgumentException("unknown argument: " + arg);
      }
    }
    if (config == null || routines == null) {
      throw new IllegalArgumentException("--config and --routines are required");
    }
    return new Options(config, routines, project, endpoint, suffix, dryRun);
  }
}
