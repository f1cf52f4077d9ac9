package dev.landfall.landing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableRow;

import com.google.api.services.dataflow.model.DataflowPackage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.beam.runners.dataflow.DataflowRunner;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.dataflow.util.PackageUtil.StagedFile;
import org.apache.beam.runners.dataflow.util.Stager;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator;
import org.apache.beam.sdk.io.gcp.testing.FakeBigQueryServices;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;

import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Renders the landing job with the real {@link DataflowRunner}, offline: {@code
 * --templateLocation} to a local file (the runner writes the job there instead of submitting it),
 * a stager that uploads nothing, no credentials, no path checks, and Beam's fake BigQuery for
 * the table checks BigQueryIO makes while the graph is built. As in Beam's own DataflowRunnerTest.
 *
 * <p>The graph must not depend on the ledger (issue 19 §1): rendered over an empty ledger and over
 * one of 200,000 landed files it has the same steps and size, and building it asks the ledger
 * nothing. Dataflow refuses a job request over 10 MB
 * (https://cloud.google.com/dataflow/docs/guides/troubleshoot-common-errors#graph-or-request-too-large).
 */
@RunWith(JUnit4.class)
public class DataflowGraphTest {
  private static final String PROJECT = "landfall-test";
  private static final int LARGE_LEDGER = 200_000;

  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private FakeDatasetService datasets;
  private FakeBigQueryServices services;

  @Before
  public void setUp() throws Exception {
    FakeLake lake = FakeLake.create(PROJECT);
    datasets = lake.datasets;
    services = lake.services;
  }

  @Test
  public void jobGraph_hasTheLandingStepsAndStaysTheSameSizeAsTheLedgerGrows() throws Exception {
    int lookupsBefore = FakeLedgerLookup.CALLS.get();
    Rendered empty = render("empty");
    fillLedger(LARGE_LEDGER);
    Rendered large = render("large");

    System.out.printf(
        "Dataflow job graph: %d bytes (pipeline proto %d bytes) with an empty ledger, %d bytes"
            + " (pipeline proto %d bytes) with %,d landed files%n",
        empty.jobBytes, empty.protoBytes, large.jobBytes, large.protoBytes, LARGE_LEDGER);
    assertEquals("building the graph asks the ledger nothing", lookupsBefore, FakeLedgerLookup.CALLS.get());
    assertEquals(empty.stepNames, large.stepNames);
    assertTrue(
        "graph size independent of the ledger: " + empty.jobBytes + " vs " + large.jobBytes,
        Math.abs(empty.jobBytes - large.jobBytes) <= 1024);
    assertTrue(
        "pipeline proto independent of the ledger: " + empty.protoBytes + " vs " + large.protoBytes,
        Math.abs(empty.protoBytes - large.protoBytes) <= 1024);
    assertTrue("below Dataflow's 10 MB request limit: " + large.jobBytes, large.jobBytes < 10_000_000);

    for (String step :
        List.of(
            "MatchFiles",
            "ListFiles",
            "SkipLandedListings/LookUpLedger",
            "HashNewFiles",
            "SkipLandedContent/LookUpLedger",
            "PlanFiles",
            "ReadErasureLog",
            "ApplyErasures",
            "GuardRowSize",
            "WriteToLake",
            "WriteDeadLetters",
            "RecordErasedLines",
            "AfterLakeCommit",
            "WriteLedger")) {
      assertTrue(
          step + " in " + empty.stepNames,
          empty.stepNames.stream().anyMatch(s -> s.equals(step) || s.startsWith(step + "/")));
    }
    assertFalse(
        "no ledger values in the graph: " + empty.stepNames,
        empty.stepNames.stream().anyMatch(s -> s.startsWith("ReadLedger")));
  }

  /**
   * With the Storage Write API (row-level refusals), a refused erased_lines row fails the run:
   * its check is in the job too, and the graph still renders offline.
   */
  @Test
  public void jobGraph_storageWriteApi_checksTheErasedLinesWrite() throws Exception {
    Rendered storage = render("storage", LakeWriteMethod.STORAGE_WRITE_API);
    for (String step : List.of("ApplyErasures", "RecordErasedLines", "FailOnRefusedErasedLines", "WriteLedger")) {
      assertTrue(
          step + " in " + storage.stepNames,
          storage.stepNames.stream().anyMatch(s -> s.equals(step) || s.startsWith(step + "/")));
    }
  }

  /** What the runner wrote: the job's size, its step names and the staged pipeline's size. */
  private record Rendered(long jobBytes, long protoBytes, Set<String> stepNames) {}

  private Rendered render(String name) throws Exception {
    return render(name, LakeWriteMethod.FILE_LOADS);
  }

  private Rendered render(String name, LakeWriteMethod method) throws Exception {
    File template = folder.newFile(name + "-template.json");
    DataflowPipelineOptions options = PipelineOptionsFactory.as(DataflowPipelineOptions.class);
    options.setRunner(DataflowRunner.class);
    options.setProject(PROJECT);
    options.setRegion("europe-west2");
    options.setJobName("landfall-landing");
    options.setTempLocation("gs://landfall-test-temp/tmp");
    // Set, not derived: deriving it asks Cloud Storage about the bucket's soft-delete policy.
    options.setGcpTempLocation("gs://landfall-test-temp/tmp");
    options.setTemplateLocation(template.getPath());
    options.setPathValidatorClass(NoopPathValidator.class);
    options.setCredentialFactoryClass(NoopCredentialFactory.class);
    RecordingStager stager = new RecordingStager();
    options.setStager(stager);
    options.setFilesToStage(List.of(folder.newFile(name + "-classes.jar").getPath()));

    LandingOptions landing = options.as(LandingOptions.class);
    landing.setInputFilePattern("gs://landfall-test-landing/**.csv");
    landing.setOutputTable(PROJECT + ":lake.raw_records");
    landing.setLoadId("load-graph-test");
    landing.setWriteMethod(method);

    Pipeline pipeline = Pipeline.create(options);
    RunContext run = RunContext.of(landing, Instant.parse("2026-11-01T00:00:00Z"));
    // The real erasure lookup: building the job must make no query (the log is read in the job).
    LandingPipeline.build(
        pipeline,
        landing,
        run,
        new FakeLedgerLookup(PROJECT, "lake", "landed_files"),
        new BigQueryErasureLookup(PROJECT, null, run.privacyDataset()),
        services);
    pipeline.run();

    // Kept for a look at what Dataflow would receive (target/ is never committed).
    Path kept = Path.of("target", "dataflow-graph", name + "-template.json");
    Files.createDirectories(kept.getParent());
    Files.copy(template.toPath(), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    JsonNode job = new ObjectMapper().readTree(template);
    Set<String> steps = new TreeSet<>();
    for (JsonNode step : job.path("steps")) {
      steps.add(step.path("properties").path("user_name").path("value").asText());
    }
    assertFalse("the runner wrote the job's steps", steps.isEmpty());
    return new Rendered(Files.size(template.toPath()), stager.stagedBytes, steps);
  }

  private void fillLedger(int files) throws Exception {
    List<TableRow> rows = new ArrayList<>(files);
    for (int i = 0; i < files; i++) {
      rows.add(
          new TableRow()
              .set("source_file", String.format("gs://landfall-test-landing/transactions/2026/%07d.csv", i))
              .set("source", "transactions")
              .set("file_size_bytes", 1_000_000L + i)
              .set("content_sha256", String.format("%064x", i))
              .set("listing_identity", "gs-generation:" + (1_700_000_000_000_000L + i))
              .set("load_id", "load-old")
              .set("landed_at", "2026-10-01T00:00:00Z")
              .set("records_landed", 1000L)
              .set("parse_errors", 0L)
              .set("blank_lines", 0L));
    }
    datasets.insertAll(
        new TableReference().setProjectId(PROJECT).setDatasetId("lake").setTableId("landed_files"),
        rows,
        null);
    assertEquals(files, datasets.getAllRows(PROJECT, "lake", "landed_files").size());
  }

  /** Uploads nothing; remembers the size of what the runner staged (the pipeline proto). */
  static final class RecordingStager implements Stager {
    long stagedBytes;

    @Override
    public List<DataflowPackage> stageFiles(List<StagedFile> files) {
      return files.stream()
          .map(f -> new DataflowPackage().setName(f.getDestination()).setLocation("gs://staged/" + f.getDestination()))
          .collect(Collectors.toList());
    }

    @Override
    public DataflowPackage stageToFile(byte[] bytes, String name) {
      stagedBytes += bytes.length;
      return new DataflowPackage().setName(name).setLocation("gs://staged/" + name);
    }
  }

}
