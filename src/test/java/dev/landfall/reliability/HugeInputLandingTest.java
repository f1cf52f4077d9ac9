package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.landfall.reliability.BadInputCorpus.Size;
import dev.landfall.reliability.Sandbox.Landing;
import java.nio.file.Path;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus files too big for every CI run (a 100 MB line), landed and unpacked: the line lands
 * once, truncated to the record limit as {@code _raw} with its reason, and is rejected as a parse
 * error; the rows around it are typed.
 */
@Tag("slow")
class HugeInputLandingTest {
  /** Under the local engine's 32 MB JSON row limit and BigQuery's 10 MB streaming row limit. */
  private static final int SAFE_LIMIT = 8 << 20;

  /** LandingOptions' default --maxRecordBytes. */
  private static final int DEFAULT_LIMIT = 32 << 20;

  @TempDir Path temp;

  @Test
  void hugeLine_landsTruncatedOnceAndIsRejected() throws Exception {
    landAndCheck(SAFE_LIMIT);
  }

  /**
   * KNOWN BUG (engine, reported): at the default 32 MB limit the truncated line is a lake row just
   * over 32 MB, and the local engine's JSON load refuses rows over 32 MB ("maximum_object_size of
   * 16777216 bytes exceeded ... (>33554428 bytes)"; EngineDifferencesTest), so the whole load job,
   * and the landing run with every other file in it, fails. BigQuery loads JSON rows up to 100 MB.
   * Enable once the engine raises the limit.
   */
  @Test
  @Disabled("engine bug: JSON load jobs refuse rows over 32 MB (DuckDB maximum_object_size)")
  void hugeLine_atTheDefaultLimit_landsTruncatedOnce() throws Exception {
    landAndCheck(DEFAULT_LIMIT);
  }

  private void landAndCheck(int maxRecordBytes) throws Exception {
    try (Sandbox sandbox = Sandbox.deploy("huge")) {
      CorpusVerifier huge = new CorpusVerifier(sandbox, maxRecordBytes);
      huge.write(BadInputCorpus.of(Size.HUGE), temp.resolve("huge"));

      Landing run = sandbox.land(temp.resolve("huge") + "/*.csv", "corpus-huge", temp,
          o -> o.setMaxRecordBytes(maxRecordBytes));

      assertEquals(PipelineResult.State.DONE, run.state());
      huge.assertLake("corpus-huge");
      huge.assertLedger("corpus-huge");
      sandbox.unpack();
      huge.assertOutcomes("corpus-huge");
      huge.assertConservation("corpus-huge");
    }
  }
}
