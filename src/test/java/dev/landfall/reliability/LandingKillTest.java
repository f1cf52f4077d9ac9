package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.landing.LakeWriteMethod;
import dev.landfall.landing.LandingPipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A landing killed mid-run, then run again, must leave the typed tables exactly as one clean run
 * does. The pipeline runs in a JVM of its own ({@code LandingPipeline.main}, DirectRunner), is
 * killed with {@link Process#destroyForcibly()} at a chosen point, and is then rerun (same files,
 * a new load id, in the test's JVM); both services are unpacked and everything downstream is
 * compared with a clean deployment that landed the same files once (load ids and run times aside).
 *
 * <p>Kill points: with file loads (the default) right after the lake's load job commits; tagged
 * slow, with file loads before anything is committed, and while streaming rows in (some lake rows
 * committed, no ledger row).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LandingKillTest {
  private static final Duration KILL_DEADLINE = Duration.ofMinutes(4);

  @TempDir static Path temp;
  private Path data;
  private Map<String, List<String>> clean;

  @BeforeAll
  void landCleanly() {
    data = temp.resolve("data");
    GeneratedFiles.transactions(data, "big", 3_000, 7);
    GeneratedFiles.customers(data, "big", 600, 11);
    try (Sandbox sandbox = Sandbox.deploy("clean")) {
      assertEquals(PipelineResult.State.DONE, sandbox.land(pattern(), "clean", temp).state());
      sandbox.unpack();
      clean = Downstream.state(sandbox, false);
    }
    assertTrue(clean.get("transactions.transactions").size() > 2_500, "a big enough clean run");
  }

  @Test
  @Tag("slow")
  void killedWhileStreaming_rerunGivesTheCleanTables() throws Exception {
    try (Sandbox sandbox = Sandbox.deploy("killstream")) {
      killThenRerun(sandbox, LakeWriteMethod.STREAMING_INSERTS, temp.resolve("stream"),
          () -> sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records WHERE load_id = 'crash'") > 0);

      long partial = sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records WHERE load_id = 'crash'");
      assertTrue(partial > 0, "the kill left committed lake rows behind");
      assertEquals(0, sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.landed_files WHERE load_id = 'crash'"),
          "no ledger row for a killed run");
      // The crashed load stays visible as incomplete; nothing of it is unpacked.
      for (List<String> row : Downstream.unbalancedLoads(sandbox)) {
        assertEquals("crash", row.get(1), "only the killed load is unbalanced: " + row);
        assertEquals("landing_incomplete", row.get(6), row.toString());
      }
    }
  }

  @Test
  @Tag("slow")
  void killedBeforeTheLoadJob_rerunGivesTheCleanTables() throws Exception {
    try (Sandbox sandbox = Sandbox.deploy("killearly")) {
      Path dir = temp.resolve("early");
      killThenRerun(sandbox, LakeWriteMethod.FILE_LOADS, dir, () -> hasFiles(dir.resolve("tmp-crash")));

      assertEquals(0, sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.landed_files WHERE load_id = 'crash'"));
    }
  }

  @Test
  void killedRightAfterTheLakeCommit_rerunGivesTheCleanTables() throws Exception {
    try (Sandbox sandbox = Sandbox.deploy("killlate")) {
      killThenRerun(sandbox, LakeWriteMethod.FILE_LOADS, temp.resolve("late"),
          () -> sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records WHERE load_id = 'crash'") > 0);

      // Killed between the lake's and the ledger's load jobs (the files are re-landed, the crashed
      // copy never unpacked) or just after the ledger's (the rerun skips them): both are fine.
      assertTrue(sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records WHERE load_id = 'crash'") > 0);
      System.out.printf("LandingKillTest: killed after the lake commit; ledger rows of the killed run: %d%n",
          sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.landed_files WHERE load_id = 'crash'"));
    }
  }

  /** Lands in another JVM, kills it once {@code killWhen} holds, reruns, unpacks and compares. */
  private void killThenRerun(Sandbox sandbox, LakeWriteMethod method, Path dir, BooleanSupplier killWhen)
      throws Exception {
    Files.createDirectories(dir);
    Process landing = startLanding(sandbox, "crash", method, dir);
    long deadline = System.nanoTime() + KILL_DEADLINE.toNanos();
    while (!killWhen.getAsBoolean()) {
      assertTrue(landing.isAlive(), "the landing ended before the kill point:\n" + log(dir, "crash"));
      assertTrue(System.nanoTime() < deadline, "kill point not reached in " + KILL_DEADLINE);
      Thread.sleep(50);
    }
    landing.destroyForcibly();
    assertTrue(landing.waitFor(1, TimeUnit.MINUTES), "killed landing did not exit");
    Figures.add("reruns: landings killed mid-run and rerun", 1);

    // The rerun is an ordinary landing: in this JVM, to save a JVM start.
    assertEquals(PipelineResult.State.DONE, sandbox.land(pattern(), "rerun", dir, o -> {
      o.setWriteMethod(method);
      o.setSplitSizeBytes(1L << 20);
    }).state());
    sandbox.unpack();

    Map<String, List<String>> after = Downstream.state(sandbox, false);
    Downstream.assertSameState(clean, after, "after a killed landing and its rerun");
    Downstream.assertNoDuplicateKeys(sandbox, "after a killed landing and its rerun");
    Figures.add("reruns: downstream rows compared with a clean run after a kill",
        after.values().stream().mapToLong(List::size).sum());
    for (List<String> row : Downstream.unbalancedLoads(sandbox)) {
      assertEquals("crash", row.get(1), "only the killed load may be unbalanced: " + row);
    }
  }

  /** Starts {@code LandingPipeline.main} in a new JVM with this JVM's classpath. */
  private Process startLanding(Sandbox sandbox, String loadId, LakeWriteMethod method, Path dir)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g",
        "-cp", System.getProperty("java.class.path"),
        LandingPipeline.class.getName()));
    command.addAll(sandbox.landingArgs(pattern(), loadId, dir,
        "--writeMethod=" + method, "--splitSizeBytes=1048576"));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(loadId + ".log").toFile())
        .start();
  }

  private String pattern() {
    return data + "/*.csv";
  }

  private static String log(Path dir, String loadId) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(loadId + ".log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static boolean hasFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      return false;
    }
  }
}
