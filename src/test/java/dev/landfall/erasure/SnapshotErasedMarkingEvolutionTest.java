package dev.landfall.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import dev.landfall.config.LandfallConfig;
import dev.landfall.deploy.Deployer;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment from before the right to erasure has top_customers_snapshots with customer_id NOT
 * NULL and no erased_by: a redeploy adds erased_by (an added NULLABLE column) and drops NOT NULL
 * on customer_id in place, keeping the snapshots, so the erase procedure can mark a row.
 */
class SnapshotErasedMarkingEvolutionTest {
  @TempDir Path dir;

  @Test
  void redeploy_addsErasedByAndRelaxesCustomerId_rowsKept() throws Exception {
    LocalBigQuery engine = LocalBigQuery.get();
    LandfallConfig config =
        engine.config().withDatasetSuffix("snap_" + UUID.randomUUID().toString().substring(0, 8));
    Path routines = copy(engine.repoRoot().resolve("routines"), dir.resolve("routines"));
    Path table = routines.resolve("analytics/top_customers_snapshots.sql");
    String current = Files.readString(table);
    String before =
        current
            .replace(
                "customer_id STRING OPTIONS (description = 'Customer in the top 5 % as of"
                    + " snapshot_date; NULL on a row whose customer was erased (erased_by).'),",
                "customer_id STRING NOT NULL OPTIONS (description = 'Customer in the top 5 % as of"
                    + " snapshot_date.'),")
            .replaceAll("(?s),\\n  erased_by STRING OPTIONS \\(description = '[^']*'\\)\\n\\)", "\n)");
    assertTrue(!before.equals(current) && !before.contains("erased_by STRING"), before);
    Files.writeString(table, before);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Deployer deployer =
        new Deployer(
            engine.bigQuery(), engine.projectId(), config, new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      deployer.deploy(routines);
      String snapshots = "`" + config.analyticsDataset() + ".top_customers_snapshots`";
      query(
          engine,
          "INSERT INTO " + snapshots
              + " (snapshot_date, customer_id, value_rank, lifetime_value, threshold_value,"
              + " population, created_at, definition_version)"
              + " VALUES (DATE '2026-11-01', 'c1', 1, 10, 10, 3, CURRENT_TIMESTAMP(), 1)");

      Files.writeString(table, current);
      deployer.deploy(routines);

      // The local engine's table metadata does not follow ALTER TABLE (Deployer.patchMetadata):
      // the deploy's log and the statements below show the change.
      assertTrue(log.toString().contains("top_customers_snapshots.erased_by"), log.toString());
      assertTrue(log.toString().contains("top_customers_snapshots.customer_id"), log.toString());
      query(
          engine,
          "UPDATE " + snapshots + " SET customer_id = NULL, erased_by = 'REQ-1' WHERE customer_id = 'c1'");
      FieldValueList row =
          query(engine, "SELECT COUNT(*), COUNTIF(customer_id IS NULL AND erased_by = 'REQ-1') FROM " + snapshots)
              .iterateAll()
              .iterator()
              .next();
      assertEquals(1, row.get(0).getLongValue());
      assertEquals(1, row.get(1).getLongValue());
    } finally {
      deployer.dropDatasets();
    }
  }

  private static com.google.cloud.bigquery.TableResult query(LocalBigQuery engine, String sql)
      throws InterruptedException {
    return engine.bigQuery().query(QueryJobConfiguration.newBuilder(sql).build());
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }
}
