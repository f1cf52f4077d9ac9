package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.reliability.Sandbox.Landing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every step run twice over the shipped samples, in the order an operator runs them: upload
 * (scripts/upload_files.sh, with the fake gcloud the script tests use, into a bucket folder the
 * pipeline then reads), landing (again: skipped by the ledger; then forced with --reprocess, as
 * after a doubtful run), unpack and snapshot. Downstream must end as after one clean pass: no
 * key held twice anywhere, the typed tables and views unchanged, every load balanced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RerunTest {
  private static final String LANDING_BUCKET = "test-project-landfall-landing";
  private static final long SAMPLE_ROWS = 689;

  @TempDir static Path temp;
  private Sandbox sandbox;
  private Path bucket;
  private Map<String, List<String>> afterFirstPass;

  @BeforeAll
  void deploy() {
    sandbox = Sandbox.deploy("rerun");
    bucket = temp.resolve("gcs").resolve(LANDING_BUCKET);
  }

  @AfterAll
  void drop() {
    sandbox.close();
  }

  @Test
  @Order(1)
  void upload_twice_uploadsEachFileOnce() throws Exception {
    Path samples = sandbox.engine().repoRoot().resolve("samples");
    String first = upload(samples.resolve("customers"), samples.resolve("transactions"));
    String second = upload(samples.resolve("customers"), samples.resolve("transactions"));
    Figures.add("reruns: steps run again (upload, land, unpack, snapshot)", 1);

    assertTrue(first.contains("Summary: 4 uploaded, 0 skipped as duplicate, 0 failed"), first);
    assertTrue(second.contains("Summary: 0 uploaded, 4 skipped as duplicate, 0 failed"), second);
    try (var files = Files.walk(bucket)) {
      assertEquals(4, files.filter(Files::isRegularFile).count(), "objects in the bucket");
    }
  }

  @Test
  @Order(2)
  void landAndUnpack_twice_changesNothingTheSecondTime() {
    assertEquals(PipelineResult.State.DONE, land("rerun-1", false).state());
    sandbox.unpack();
    sandbox.snapshot("2026-11-30");
    afterFirstPass = Downstream.state(sandbox, true);

    Landing again = land("rerun-2", false);
    sandbox.unpack();
    Figures.add("reruns: steps run again (upload, land, unpack, snapshot)", 2);

    assertEquals(PipelineResult.State.DONE, again.state());
    assertEquals(4, again.counter("customers.filesSkippedAlreadyLanded") + again.counter("transactions.filesSkippedAlreadyLanded"));
    assertEquals(SAMPLE_ROWS, sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records"));
    assertEquals(4, sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.landed_files"));
    Downstream.assertSameState(afterFirstPass, Downstream.state(sandbox, true), "after landing and unpacking again");
    Downstream.assertNoDuplicateKeys(sandbox, "after landing and unpacking again");
  }

  @Test
  @Order(3)
  void reprocessedLanding_isDroppedDownstreamAsDuplicates() {
    Landing forced = land("rerun-3", true);
    sandbox.unpack();
    sandbox.unpack();
    Figures.add("reruns: steps run again (upload, land, unpack, snapshot)", 3);

    assertEquals(PipelineResult.State.DONE, forced.state());
    assertEquals(2 * SAMPLE_ROWS, sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records"));
    Map<String, List<String>> now = Downstream.state(sandbox, true);
    for (String table : List.of("transactions.transactions", "customers.customers_history",
        "analytics.customer_lifetime_value", "analytics.monthly_spend")) {
      assertEquals(afterFirstPass.get(table), now.get(table), table + " after a forced re-land");
    }
    // The re-landed copy of every row is accounted for: a valid row as a duplicate, an invalid one
    // rejected again under the new load (rejects are per lake row).
    assertEquals(List.of(), Downstream.unbalancedLoads(sandbox));
    assertEquals(
        sandbox.rows("SELECT REGEXP_EXTRACT(source_file, r'[^/]*$') AS f, source_offset, reason_code FROM ${transactions}.rejects"
            + " WHERE load_id = 'rerun-1' ORDER BY f, source_offset"),
        sandbox.rows("SELECT REGEXP_EXTRACT(source_file, r'[^/]*$') AS f, source_offset, reason_code FROM ${transactions}.rejects"
            + " WHERE load_id = 'rerun-3' ORDER BY f, source_offset"));
    Downstream.assertNoDuplicateKeys(sandbox, "after a forced re-land");
  }

  @Test
  @Order(4)
  void snapshot_twice_keepsOneSnapshot() {
    List<List<String>> first = snapshotRows();
    sandbox.snapshot("2026-11-30");
    sandbox.snapshot("2026-11-30");
    Figures.add("reruns: steps run again (upload, land, unpack, snapshot)", 2);

    assertEquals(first, snapshotRows());
    assertEquals(1, sandbox.count("SELECT COUNT(DISTINCT snapshot_date) AS n FROM ${analytics}.top_customers_snapshots"));
    Downstream.assertNoDuplicateKeys(sandbox, "after snapshotting again");
  }

  private List<List<String>> snapshotRows() {
    return sandbox.rows("SELECT snapshot_date, customer_id, value_rank, CAST(lifetime_value AS STRING) AS v,"
        + " CAST(threshold_value AS STRING) AS t, population FROM ${analytics}.top_customers_snapshots"
        + " ORDER BY snapshot_date, value_rank, customer_id");
  }

  private Landing land(String loadId, boolean reprocess) {
    return sandbox.land(bucket + "/*/*.csv", loadId, temp, o -> {
      o.setReprocess(reprocess);
      o.setSplitSizeBytes(4096L);
    });
  }

  /** Runs scripts/upload_files.sh against the fake gcloud's bucket folders; returns its output. */
  private String upload(Path... inputs) throws IOException, InterruptedException {
    Path root = sandbox.engine().repoRoot();
    List<String> command = new ArrayList<>(List.of(root.resolve("scripts/upload_files.sh").toString()));
    for (Path input : inputs) {
      command.add(input.toString());
    }
    Files.createDirectories(bucket);
    Path out = temp.resolve("upload.out");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("PATH", root.resolve("tests/scripts/fakes") + ":" + System.getenv("PATH"));
    pb.environment().put("FAKE_GCS_DIR", temp.resolve("gcs").toString());
    pb.environment().put("FAKE_LOG", temp.resolve("gcloud.log").toString());
    pb.environment().put("LANDFALL_TF_OUTPUTS", root.resolve("tests/scripts/fixtures/tf_outputs.json").toString());
    Process process = pb.start();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "upload_files.sh timed out");
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
