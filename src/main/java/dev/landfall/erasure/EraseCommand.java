package dev.landfall.erasure;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.StorageOptions;
import dev.landfall.bigquery.BigQueryClients;
import dev.landfall.config.CommandArgs;
import dev.landfall.config.ConfigException;
import dev.landfall.config.LandfallConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Erases one customer (CONTRACT §6, docs/erasure.md): reads (or creates) the erasure key, computes
 * the keyed hash of the id, calls {@code privacy.erase_customer} with query parameters, prints the
 * rows changed per table, then removes the customer's lines from the landing copies.
 *
 * <p>With {@code --landing-copies} instead of a request: removes every line {@code
 * privacy.erased_lines} still holds for any request from its landing file (the lines a landing
 * marked in a re-delivered file), without a customer id and without calling the procedure: it
 * reads erased_lines, the ledger's provenance, the log's hashes and the key, never the lake.
 *
 * <pre>
 * EraseCommand --config terraform/config.yaml (--request-id REQ | --landing-copies) [--dry-run]
 *     (--landing DIR | --landing gs://BUCKET) [--project P] [--endpoint URL] [--dataset-suffix S]
 *     [--customer-id ID]
 * </pre>
 *
 * <p>The id comes from {@code --customer-id} or, so that it never shows in a process list, from
 * the environment variable {@code LANDFALL_ERASE_CUSTOMER_ID} (what scripts/erase_customer.sh
 * uses). It is never printed. Exit codes: 0 done (also: unknown id, already erased, dry run), 1
 * failed, 2 bad arguments.
 */
public final class EraseCommand {
  static final String CUSTOMER_ID_ENV = "LANDFALL_ERASE_CUSTOMER_ID";

  private static final String USAGE =
      "usage: EraseCommand --config FILE (--request-id REQ | --landing-copies)"
          + " --landing DIR|gs://BUCKET [--dry-run]"
          + " [--project P] [--endpoint URL] [--dataset-suffix S] [--customer-id ID]"
          + " (or the id in " + CUSTOMER_ID_ENV + ")";

  private EraseCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(CUSTOMER_ID_ENV), System.out, System.err));
  }

  /** Options of one run; {@code landingCopies}: the sweep (no customer, no request). */
  record Options(
      Path config,
      String customerId,
      String requestId,
      boolean landingCopies,
      boolean dryRun,
      String landing,
      String project,
      String endpoint,
      String datasetSuffix) {}

  /** Runs the command; returns the exit code (0 done, 1 failed, 2 bad arguments). */
  public static int run(String[] args, String customerIdFromEnv, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args, customerIdFromEnv);
    } catch (IllegalArgumentException e) {
      err.println("erase: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      LandfallConfig config = LandfallConfig.load(options.config(), options.datasetSuffix());
      String project = config.projectOr(options.project());
      BigQuery bigQuery = BigQueryClients.create(project, options.endpoint());
      LandingStore store = store(options.landing());
      return options.landingCopies()
          ? sweep(bigQuery, project, config, options.dryRun(), store, out)
          : erase(bigQuery, project, config, options, store, out);
    } catch (ErasureException
        | ConfigException
        | IllegalArgumentException
        | IOException
        | UncheckedIOException e) {
      err.println("erase: " + e.getMessage());
      return 1;
    }
  }

  static int erase(
      BigQuery bigQuery,
      String project,
      LandfallConfig config,
      Options options,
      LandingStore store,
      PrintStream out) {
    String privacy = config.privacyDataset();
    String mode = config.erasure().transactions();
    EraseProcedure procedure = new EraseProcedure(bigQuery, project, privacy);
    ErasureKey keys = new ErasureKey(bigQuery, project, privacy);
    byte[] key = keys.read();
    boolean keyStored = key != null;
    if (key == null) {
      // No key yet: a dry run and an unknown id must create nothing, so count with a key that is
      // never stored (nothing is logged with it) and create the real one only to erase.
      key = ErasureKey.ephemeral();
      if (!options.dryRun()) {
        String probeHash = new CustomerKeyHash(key).of(options.customerId());
        ErasureResult probe =
            procedure.call(options.customerId(), probeHash, options.requestId(), mode, true);
        if (!"unknown_customer".equals(probe.status())) {
          key = keys.readOrCreate();
          keyStored = true;
        }
      }
    }
    String keyHash = new CustomerKeyHash(key).of(options.customerId());
    // A hash under a throw-away key means nothing to anyone comparing it with the log.
    out.printf(
        "erase: request %s, customer key hash %s, transactions: %s%s%n",
        options.requestId(),
        keyStored ? keyHash.substring(0, 12) + "..." : "(none: no key exists yet)",
        mode,
        options.dryRun() ? " (dry run)" : "");

    ErasureResult result =
        procedure.call(options.customerId(), keyHash, options.requestId(), mode, options.dryRun());
    printCounts(result, out);

    switch (result.status()) {
      case "unknown_customer" -> {
        out.println(
            "erase: no table holds a row of this customer id: unknown id, nothing to erase,"
                + " nothing changed.");
        return 0;
      }
      case "dry_run" -> {
        out.printf(
            "erase: dry run: nothing changed. An erasure would rewrite the %d lake row(s) above and"
                + " remove their lines from the landing copies.%n",
            result.rows("lake.raw_records"));
        return 0;
      }
      case "already_erased" ->
          out.println("erase: request " + options.requestId() + " was applied before: no row left to erase.");
      default -> out.println("erase: committed in one transaction; logged in " + privacy + ".erasure_log.");
    }
    LandingCopies copies =
        new LandingCopies(bigQuery, project, config.lakeDataset(), privacy, store, out, false);
    LandingCopies.Summary summary = copies.rewrite(options.requestId(), options.customerId());
    out.printf(
        "erase: landing copies: %d file(s) rewritten, %d line(s) removed, %d earlier version(s)"
            + " deleted%n",
        summary.filesRewritten(), summary.linesRemoved(), summary.earlierVersionsDeleted());
    printWaiting(summary, out);
    summary.problems().forEach(p -> out.println("erase: WARNING " + p));
    return 0;
  }

  private static void printWaiting(LandingCopies.Summary summary, PrintStream out) {
    if (summary.linesWaiting() > 0) {
      out.printf(
          "erase: %d line(s) wait for their landing's ledger row (its lake rows are not committed"
              + " yet, or it failed and the file lands again): run scripts/erase_customer.sh"
              + " --landing-copies after it%n",
          summary.linesWaiting());
    }
  }

  /** The sweep: every request's recorded lines out of the landing files. */
  static int sweep(
      BigQuery bigQuery,
      String project,
      LandfallConfig config,
      boolean dryRun,
      LandingStore store,
      PrintStream out) {
    String privacy = config.privacyDataset();
    out.printf(
        "erase: landing copies of every request (%s.erased_lines)%s%n",
        privacy, dryRun ? " (dry run)" : "");
    LandingCopies copies =
        new LandingCopies(bigQuery, project, config.lakeDataset(), privacy, store, out, dryRun);
    LandingCopies.Summary summary = copies.sweep(new ErasureKey(bigQuery, project, privacy).read());
    out.printf(
        "erase: landing copies: %d file(s) %s, %d line(s) %s, %d earlier version(s) deleted%n",
        summary.filesRewritten(),
        dryRun ? "would be rewritten" : "rewritten",
        summary.linesRemoved(),
        dryRun ? "would be removed" : "removed",
        summary.earlierVersionsDeleted());
    printWaiting(summary, out);
    if (dryRun) {
      out.println("erase: dry run: nothing changed.");
    }
    summary.problems().forEach(p -> out.println("erase: WARNING " + p));
    return 0;
  }

  private static void printCounts(ErasureResult result, PrintStream out) {
    String verb = "dry_run".equals(result.status()) ? "would change" : "rows changed";
    out.printf("  %-36s %12s%n", "table", verb);
    for (ErasureResult.TableCount count : result.counts()) {
      out.printf("  %-36s %12d%n", count.table(), count.rows());
    }
    out.printf("  %-36s %12d%n", "total", result.totalRows());
  }

  private static LandingStore store(String landing) throws IOException {
    if (landing.startsWith("gs://")) {
      String bucket = landing.substring("gs://".length()).replaceAll("/+$", "");
      return new GcsLandingStore(StorageOptions.getDefaultInstance().getService(), bucket);
    }
    return new LocalLandingStore(Path.of(landing));
  }

  static Options parse(String[] args, String customerIdFromEnv) {
    CommandArgs flags =
        CommandArgs.parse(
            args,
            Set.of(
                "--config", "--customer-id", "--request-id", "--landing", "--project", "--endpoint",
                "--dataset-suffix"),
            Set.of("--dry-run", "--landing-copies"));
    Path config = flags.value("--config") == null ? null : Path.of(flags.value("--config"));
    String requestId = flags.value("--request-id");
    String landing = flags.value("--landing");
    boolean landingCopies = flags.has("--landing-copies");
    if (config == null || landing == null) {
      throw new IllegalArgumentException("--config and --landing are required");
    }
    if (landingCopies) {
      if (requestId != null || flags.value("--customer-id") != null) {
        throw new IllegalArgumentException(
            "--landing-copies cleans every request's recorded lines: it takes no --request-id or"
                + " --customer-id");
      }
      return new Options(
          config, null, null, true, flags.has("--dry-run"), landing, flags.value("--project"),
          flags.nonBlank("--endpoint"), flags.value("--dataset-suffix"));
    }
    String customerId =
        flags.value("--customer-id") != null ? flags.value("--customer-id") : customerIdFromEnv;
    if (requestId == null) {
      throw new IllegalArgumentException("--request-id (or --landing-copies) is required");
    }
    if (customerId == null || customerId.isBlank()) {
      throw new IllegalArgumentException(
          "the customer id is required (--customer-id, or " + CUSTOMER_ID_ENV + ")");
    }
    if (!requestId.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}")) {
      throw new IllegalArgumentException(
          "--request-id must be 1-128 letters, digits or . _ : / - (starting with a letter or"
              + " digit), got '" + requestId + "'");
    }
    return new Options(
        config, customerId, requestId, false, flags.has("--dry-run"), landing, flags.value("--project"),
        flags.nonBlank("--endpoint"), flags.value("--dataset-suffix"));
  }
}
