package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.landfall.reliability.Sandbox.Landing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files from which no record can be read must be refused with one clear, counted error, not land
 * nothing in silence: a file of one unreadable line (binary, UTF-16 without a line end), a header
 * longer than the record limit, and a file with CR-only line ends (its header swallows every
 * row, so it has no data line at all). Slow: the corpus runs the same kinds in CI
 * (utf16-single-line, binary-single-line, cr-only-line-endings); this adds the header over the
 * record limit and the counters, in a deployment of its own.
 */
@Tag("slow")
class UnreadableFileTest {
  private static final int LIMIT = 1024;

  @TempDir Path temp;

  /**
   * The header line lands as one {@code _raw} row with its reason, counted as a malformed record
   * and a parse error in the ledger, and the unpack rejects it as parse_error. (Found by this test:
   * such files used to land nothing and count nothing; fixed in the landing.)
   */
  @Test
  void fileWithNoReadableRecord_isRefusedWithOneCountedError() throws Exception {
    Path data = temp.resolve("data");
    Files.createDirectories(data);
    Files.write(data.resolve("transactions_utf16-one-line.csv"),
        BadInputCorpus.T_HEADER.getBytes(StandardCharsets.UTF_16LE));
    Files.writeString(data.resolve("transactions_header-too-long.csv"),
        BadInputCorpus.T_HEADER + ",x".repeat(LIMIT) + "\n", StandardCharsets.UTF_8);
    Files.writeString(data.resolve("transactions_cr-only.csv"),
        BadInputCorpus.T_HEADER + "\r" + BadInputCorpus.t("cr-only", 1) + "\r" + BadInputCorpus.t("cr-only", 2) + "\r",
        StandardCharsets.UTF_8);

    try (Sandbox sandbox = Sandbox.deploy("unreadable")) {
      Landing run = sandbox.land(data + "/*.csv", "unreadable", temp, o -> o.setMaxRecordBytes(LIMIT));
      sandbox.unpack();

      assertEquals(PipelineResult.State.DONE, run.state());
      assertEquals(3, run.counter("transactions.malformedRecords"), "one counted error per file");
      assertEquals(List.of(List.of("3", "3")),
          sandbox.rows("SELECT SUM(records_landed) AS r, SUM(parse_errors) AS e FROM ${lake}.landed_files"));
      assertEquals(List.of(List.of("parse_error", "3")),
          sandbox.rows("SELECT reason_code, COUNT(*) AS n FROM ${transactions}.rejects GROUP BY reason_code"));
    }
  }
}
