package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.landfall.landing.LakeWriteMethod;
import dev.landfall.reliability.Sandbox.Landing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows BigQuery refuses while streaming reach the dead-letter folder, are counted, and nothing
 * else is lost or doubled. The refusals are injected by {@link FaultInjectingProxy} between the
 * pipeline and the local engine, with BigQuery's semantics: a request with an invalid row inserts
 * nothing (the other rows come back "stopped" and are retried), a transient error is retried.
 */
class DeadLetterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 30;
  private static final List<Integer> REFUSED = List.of(5, 17);
  private static final int TRANSIENT = 11;

  @TempDir Path temp;

  @Test
  void refusedRows_areDeadLetteredAndCounted_theRestLandOnce() throws Exception {
    Path data = temp.resolve("data");
    Files.createDirectories(data);
    StringBuilder csv = new StringBuilder(BadInputCorpus.T_HEADER).append('\n');
    for (int i = 1; i <= ROWS; i++) {
      String merchant = REFUSED.contains(i) ? FaultInjectingProxy.REFUSE : i == TRANSIENT ? FaultInjectingProxy.TRANSIENT : "m";
      csv.append("dl-").append(i).append(",c1,2026-01-02,1.00,GBP,").append(merchant).append(",food\n");
    }
    Files.writeString(data.resolve("transactions_deadletter.csv"), csv, StandardCharsets.UTF_8);
    Path deadLetters = temp.resolve("dead-letter");

    try (Sandbox sandbox = Sandbox.deploy("deadletter");
        FaultInjectingProxy proxy = new FaultInjectingProxy(sandbox.engine().endpoint())) {
      Landing run = sandbox.land(data + "/*.csv", "dl", temp, o -> {
        o.setBigQueryEndpoint(proxy.endpoint());
        o.setWriteMethod(LakeWriteMethod.STREAMING_INSERTS);
        o.setDeadLetterDirectory(deadLetters.toString());
      });

      assertEquals(PipelineResult.State.DONE, run.state());
      assertTrue(proxy.refusedRequests.get() >= 1 && proxy.transientFailures.get() >= 1, "faults were injected");
      assertEquals(REFUSED.size(), run.counter("deadLetteredRows"), "deadLetteredRows counter");
      Figures.add("write failures: refused rows dead-lettered and counted", REFUSED.size());
      List<JsonNode> letters = deadLetterLines(deadLetters.resolve("dl"));
      assertEquals(REFUSED.size(), letters.size(), "dead-letter lines");
      for (JsonNode letter : letters) {
        assertTrue(letter.path("error").asText().contains("invalid"), letter.toString());
        assertTrue(letter.path("row").path("data_string").asText().contains(FaultInjectingProxy.REFUSE), letter.toString());
        assertEquals("dl", letter.path("row").path("load_id").asText());
      }

      // Everything else is in the lake exactly once, the transiently refused row included.
      assertEquals(List.of(List.of(String.valueOf(ROWS - REFUSED.size()), String.valueOf(ROWS - REFUSED.size()), "1")),
          sandbox.rows("SELECT COUNT(*) AS n, COUNT(DISTINCT source_offset) AS places,"
              + " COUNTIF(STRPOS(data_string, '" + FaultInjectingProxy.TRANSIENT + "') > 0) AS transient"
              + " FROM ${lake}.raw_records"));
      assertEquals(0, sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records WHERE STRPOS(data_string, '"
          + FaultInjectingProxy.REFUSE + "') > 0"));
      sandbox.unpack();
      assertEquals(ROWS - REFUSED.size(), sandbox.count("SELECT COUNT(*) AS n FROM ${transactions}.transactions"));
      Downstream.assertNoDuplicateKeys(sandbox, "after dead letters");
      // Downstream, the ledger's count against the rows unpacked shows the gap too.
      assertEquals(List.of(List.of(String.valueOf(ROWS), String.valueOf(ROWS - REFUSED.size()))),
          sandbox.rows("SELECT records_landed, records_unpacked FROM ${transactions}.unpacked_files"));
      // The reconciliation names the gap: the lake rows balance, the ledger read more.
      assertEquals(List.of(List.of(String.valueOf(REFUSED.size()), "rows_dead_lettered")),
          sandbox.rows("SELECT rows_not_in_lake, status FROM ${transactions}.load_reconciliation"));
    }
  }

  /**
   * A lake row over the streaming insert limit (a 10 MB field) is dead-lettered and counted, and
   * the run goes on. (Found by this test: Beam reported it as "row-too-large", whose error its own
   * BigQueryInsertErrorCoder cannot decode, and the whole run failed; the landing now guards the
   * row size before writing.)
   */
  @Test
  void tooLargeStreamedRow_isDeadLetteredNotFatal() throws Exception {
    Path data = temp.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("transactions_toolarge.csv"), BadInputCorpus.T_HEADER + "\n"
        + "big-1,c1,2026-01-02,1.00,GBP," + "m".repeat(10 << 20) + ",food\nbig-2,c1,2026-01-02,1.00,GBP,m,food\n",
        StandardCharsets.UTF_8);
    try (Sandbox sandbox = Sandbox.deploy("toolarge")) {
      Landing run = sandbox.land(data + "/*.csv", "big", temp, o -> {
        o.setWriteMethod(LakeWriteMethod.STREAMING_INSERTS);
        o.setDeadLetterDirectory(temp.resolve("dead-letter").toString());
      });

      assertEquals(PipelineResult.State.DONE, run.state());
      assertEquals(1, run.counter("deadLetteredRows"));
      assertEquals(1, sandbox.count("SELECT COUNT(*) AS n FROM ${lake}.raw_records"));
      List<JsonNode> letters = deadLetterLines(temp.resolve("dead-letter").resolve("big"));
      assertEquals(1, letters.size());
      assertTrue(letters.get(0).path("error").asText().contains("row-too-large"), letters.get(0).toString());
      Figures.add("write failures: refused rows dead-lettered and counted", 1);
    }
  }

  private static List<JsonNode> deadLetterLines(Path dir) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          lines.add(JSON.readTree(line));
        }
      }
    }
    return lines;
  }
}
