package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.landfall.reliability.BadInputCorpus.Size;
import dev.landfall.reliability.Sandbox.Landing;
import java.nio.file.Path;
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
 * The bad-input corpus through the real parts on the local engine: one landing run of the small
 * files in 29-byte ranges (so range boundaries fall everywhere, quotes included), one of the large
 * files in 1 MB ranges, then both services' unpack. Every record must be in the lake exactly once
 * with its exact content, the ledger must count it, and every lake row must end in exactly one of
 * typed / duplicates / rejects (with a reason) as its case says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputLandingTest {
  private static final int MAX_RECORD_BYTES = 32 << 20;

  @TempDir static Path temp;
  private Sandbox sandbox;
  private CorpusVerifier small;
  private CorpusVerifier large;

  @BeforeAll
  void deployAndWriteCorpus() {
    sandbox = Sandbox.deploy("badinput");
    small = new CorpusVerifier(sandbox, MAX_RECORD_BYTES);
    small.write(BadInputCorpus.of(Size.SMALL), temp.resolve("small"));
    large = new CorpusVerifier(sandbox, MAX_RECORD_BYTES);
    large.write(BadInputCorpus.of(Size.LARGE), temp.resolve("large"));
  }

  @AfterAll
  void drop() {
    sandbox.close();
  }

  @Test
  @Order(1)
  void landing_completesAndCountsEveryRecord() {
    Landing smallRun = sandbox.land(temp.resolve("small") + "/*.csv", "corpus-small", temp,
        o -> o.setSplitSizeBytes(29L));
    Landing largeRun = sandbox.land(temp.resolve("large") + "/*.csv", "corpus-large", temp,
        o -> o.setSplitSizeBytes(1L << 20));

    assertEquals(PipelineResult.State.DONE, smallRun.state());
    assertEquals(PipelineResult.State.DONE, largeRun.state());
    assertCounters(smallRun, small);
    assertCounters(largeRun, large);
  }

  @Test
  @Order(2)
  void lake_holdsEveryRecordOnceExactly() throws Exception {
    small.assertLake("corpus-small");
    large.assertLake("corpus-large");
    small.assertLedger("corpus-small");
    large.assertLedger("corpus-large");
  }

  @Test
  @Order(3)
  void unpack_putsEveryLakeRowInExactlyOnePlace() {
    sandbox.unpack();

    small.assertOutcomes("corpus-small");
    large.assertOutcomes("corpus-large");
    small.assertConservation("corpus-small");
    large.assertConservation("corpus-large");
  }

  private static void assertCounters(Landing run, CorpusVerifier corpus) {
    assertEquals(corpus.expectedRecords(), sum(run, ".records"), "records counter");
    assertEquals(corpus.expectedMalformed(), sum(run, ".malformedRecords"), "malformedRecords counter");
    assertEquals(corpus.expectedBlankLines(), sum(run, ".blankLines"), "blankLines counter");
  }

  private static long sum(Landing run, String suffix) {
    return run.counters().entrySet().stream()
        .filter(e -> e.getKey().endsWith(suffix))
        .mapToLong(e -> e.getValue())
        .sum();
  }
}
