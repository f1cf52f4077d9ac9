package dev.landfall.deploy;

import static dev.landfall.deploy.RoutineFileTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetId;
import dev.landfall.config.LandfallConfig;
import dev.landfall.testing.LocalBigQuery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return DeployCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void badArguments_exitTwoWithUsage() {
    assertEquals(2, run("--config", "c.yaml"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("--config and --routines are required"));
    assertEquals(2, run("--config", "c.yaml", "--routines", "r", "--bogus"));
    assertEquals(2, run("--config", "--routines", "r"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: DeployCommand"));
    assertEquals(2, run("--config", "c.yaml", "--release-lease", "d-1", "--plan"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("--release-lease releases a crashed deploy's lease"));
    assertEquals(
        "d-1", DeployCommand.parse(new String[] {"--config", "c.yaml", "--release-lease", "d-1"}).releaseLease());
  }

  @Test
  void missingConfig_exitOne(@TempDir Path dir) {
    assertEquals(
        1,
        run(
            "--config",
            dir.resolve("none.yaml").toString(),
            "--routines",
            dir.toString(),
            "--dry-run"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read config"));
  }

  @Test
  void dryRun_printsThePlanWithSuffixedDatasets(@TempDir Path dir) throws IOException {
    Path config = config(dir);
    write(
        dir.resolve("routines/lake/t.sql"),
        "CREATE TABLE IF NOT EXISTS `${lake_dataset}.t` (x INT64)");
    DeployerTest.manifest(dir.resolve("routines"), "lake");

    int code =
        run(
            "--config",
            config.toString(),
            "--routines",
            dir.resolve("routines").toString(),
            "--dataset-suffix",
            "dry",
            "--dry-run");

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(
        printed.contains(
            "project p1, datasets lake_dry, customers_dry, transactions_dry,"
                + " analytics_dry, privacy_dry (location EU)"),
        printed);
    assertTrue(printed.contains("lake_dry.t"), printed);
  }

  @Test
  void deploy_toTheLocalEngineByEndpoint(@TempDir Path dir) throws IOException {
    LocalBigQuery engine = LocalBigQuery.get();
    Path config = config(dir);
    write(
        dir.resolve("routines/lake/t.sql"),
        "CREATE TABLE IF NOT EXISTS `${lake_dataset}.t` (x INT64)");
    DeployerTest.manifest(dir.resolve("routines"), "lake");
    String suffix = "cmd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    int code =
        run(
            "--config",
            config.toString(),
            "--routines",
            dir.resolve("routines").toString(),
            "--project",
            engine.projectId(),
            "--endpoint",
            engine.endpoint(),
            "--dataset-suffix",
            suffix);

    try {
      assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("deploy: 1 objects applied"));
      assertTrue(engine.bigQuery().getTable("lake_" + suffix, "t") != null);
    } finally {
      for (String name : LandfallConfig.DATASET_KEYS) {
        engine
            .bigQuery()
            .delete(
                DatasetId.of(engine.projectId(), name + "_" + suffix),
                BigQuery.DatasetDeleteOption.deleteContents());
      }
    }
  }

  private static Path config(Path dir) throws IOException {
    Path config = dir.resolve("config.yaml");
    write(config, "project_id: p1\nregion: europe-west2\n");
    return config;
  }
}
