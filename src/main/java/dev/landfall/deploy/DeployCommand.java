package dev.landfall.deploy;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.BigQuery;
import dev.landfall.bigquery.BigQueryClients;
import dev.landfall.config.CommandArgs;
import dev.landfall.config.ConfigException;
import dev.landfall.config.LandfallConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Deploys the datasets and the packages of {@code routines/} to BigQuery: the one deploy path
 * (CONTRACT §3), run by {@code scripts/deploy.sh}, by Terraform ({@code terraform/routines.tf})
 * and by the demo against the local engine.
 *
 * <pre>
 * DeployCommand --config terraform/config.yaml --routines routines
 *     [--service NAME]... [--plan] [--dry-run] [--policy-tag NAME] [--date-policy-tag NAME]
 *     [--project P] [--endpoint URL] [--dataset-suffix S]
 * DeployCommand --config terraform/config.yaml --release-lease DEPLOY_ID [--project P] ...
 * </pre>
 *
 * <p>{@code --endpoint} targets a local engine (no credentials); without it, Google Cloud with the
 * access token in {@code LANDFALL_ACCESS_TOKEN} (Terraform passes its own) or else application
 * default credentials. {@code --project} defaults to the config's {@code project_id}. {@code
 * --plan} prints what a deploy would change against the live datasets; {@code --dry-run} prints
 * the statements without reading BigQuery.
 *
 * <p>A deploy holds the deploy lease ({@code <lake>.deploy_lock}) while it runs; a second deploy
 * stops, changing nothing, naming the holder. {@code --release-lease ID} releases the lease of a
 * deploy that crashed (only while that deploy holds it; docs/deploy.md).
 */
public final class DeployCommand {

  static final String USAGE =
      "usage: DeployCommand --config FILE --routines DIR [--service NAME]... [--plan] [--dry-run]"
          + " [--policy-tag NAME] [--date-policy-tag NAME] [--project P] [--endpoint URL]"
          + " [--dataset-suffix S]\n"
          + "       DeployCommand --config FILE --release-lease DEPLOY_ID [--project P]"
          + " [--endpoint URL] [--dataset-suffix S]";

  /** Environment variable with an OAuth access token for Google Cloud (optional). */
  static final String ACCESS_TOKEN_ENV = "LANDFALL_ACCESS_TOKEN";

  /** Parsed arguments. */
  record Options(
      Path config,
      Path routines,
      String project,
      String endpoint,
      String datasetSuffix,
      boolean dryRun,
      boolean plan,
      Set<String> services,
      String policyTag,
      String datePolicyTag,
      String releaseLease) {}

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
      LandfallConfig config = LandfallConfig.load(options.config(), options.datasetSuffix());
      String project = config.projectOr(options.project());
      if (options.releaseLease() != null) {
        return releaseLease(client(project, options.endpoint()), project, config, options, out, err);
      }
      if (options.dryRun()) {
        new Deployer(null, project, config, out).dryRun(options.routines());
        return 0;
      }
      BigQuery bigQuery = client(project, options.endpoint());
      new Deployer(bigQuery, project, config, out, options.policyTag(), options.datePolicyTag())
          .deploy(options.routines(), options.services(), options.plan());
      return 0;
    } catch (DeployException | ConfigException | IllegalArgumentException e) {
      err.println("deploy: " + e.getMessage());
      return 1;
    }
  }

  /** Releases the lease of the given deploy (after it crashed); exit 1 when it holds none. */
  private static int releaseLease(
      BigQuery bigQuery,
      String project,
      LandfallConfig config,
      Options options,
      PrintStream out,
      PrintStream err) {
    String lake = config.lakeDataset();
    if (DeployLease.releaseHeldBy(bigQuery, project, lake, options.releaseLease())) {
      out.println(
          "lease " + lake + "." + DeployLease.TABLE + " of deploy " + options.releaseLease()
              + " released");
      return 0;
    }
    DeployLease.Holder holder = DeployLease.holder(bigQuery, project, lake);
    err.println(
        "deploy: deploy " + options.releaseLease() + " does not hold the lease "
            + lake + "." + DeployLease.TABLE + "; nothing released ("
            + (holder == null ? "the lease is free" : "held by " + holder.describe()) + ")");
    return 1;
  }

  private static BigQuery client(String project, String endpoint) {
    String token = System.getenv(ACCESS_TOKEN_ENV);
    if (endpoint != null || token == null || token.isBlank()) {
      return BigQueryClients.create(project, endpoint);
    }
    return BigQueryClients.options(project, null).toBuilder()
        .setCredentials(GoogleCredentials.create(new AccessToken(token.strip(), null)))
        .build()
        .getService();
  }

  static Options parse(String[] args) {
    CommandArgs flags =
        CommandArgs.parse(
            args,
            Set.of(
                "--config", "--routines", "--project", "--endpoint", "--dataset-suffix", "--service",
                "--policy-tag", "--date-policy-tag", "--release-lease"),
            Set.of("--dry-run", "--plan"));
    Path config = flags.value("--config") == null ? null : Path.of(flags.value("--config"));
    Path routines = flags.value("--routines") == null ? null : Path.of(flags.value("--routines"));
    String project = flags.value("--project");
    String endpoint = flags.nonBlank("--endpoint");
    String suffix = flags.value("--dataset-suffix");
    String policyTag = flags.nonBlank("--policy-tag");
    String datePolicyTag = flags.nonBlank("--date-policy-tag");
    String releaseLease = flags.nonBlank("--release-lease");
    boolean dryRun = flags.has("--dry-run");
    boolean plan = flags.has("--plan");
    Set<String> services = new LinkedHashSet<>();
    flags.values("--service").forEach(value -> services.addAll(List.of(value.split(","))));
    if (config == null || (routines == null && releaseLease == null)) {
      throw new IllegalArgumentException("--config and --routines are required");
    }
    if (releaseLease != null && (dryRun || plan || !services.isEmpty())) {
      throw new IllegalArgumentException(
          "--release-lease releases a crashed deploy's lease and deploys nothing: no --plan,"
              + " --dry-run or --service with it");
    }
    if (dryRun && plan) {
      throw new IllegalArgumentException("--plan reads the live datasets, --dry-run does not: pick one");
    }
    return new Options(
        config,
        routines,
        project,
        endpoint,
        suffix,
        dryRun,
        plan,
        Set.copyOf(services),
        policyTag,
        datePolicyTag,
        releaseLease);
  }
}
