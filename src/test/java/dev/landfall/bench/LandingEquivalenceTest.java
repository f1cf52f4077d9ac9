package dev.landfall.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.landfall.landing.BenchEntryPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark compares like with like: the plain Java baseline and the pipeline's reading half
 * land exactly the same lake rows, also when quoted fields hold line breaks and commas across
 * range boundaries and the DirectRunner checkpoints the splittable reader every 100 outputs.
 */
@Tag("slow")
class LandingEquivalenceTest {
  private static final String TIMESTAMP = "2026-11-01T05:00:00Z";
  @TempDir Path dir;

  @Test
  void land_plainAndBeamGiveTheSameRows() throws IOException {
    Path input = Files.createDirectories(dir.resolve("in"));
    Path csv = input.resolve("transactions_tricky.csv");
    StringBuilder text = new StringBuilder("transaction_id,customer_id,amount,merchant\n");
    for (int i = 0; i < 1500; i++) {
      String merchant =
          switch (i % 5) {
            case 0 -> "\"line\nbreak, \"\"quoted\"\"\"";
            case 1 -> "\"crlf\r\ninside\"";
            case 2 -> "";
            default -> "plain " + i;
          };
      text.append('t').append(i).append(",c").append(i % 37).append(',').append(i).append(".50,")
          .append(merchant).append(i % 7 == 0 ? "\r\n" : "\n");
      if (i % 250 == 0) {
        text.append('\n'); // a blank line, skipped
      }
    }
    Files.writeString(csv, text, StandardCharsets.UTF_8);

    Path plain = dir.resolve("plain.json");
    PlainLanding.land(List.of(csv), plain, TIMESTAMP, "load");
    List<String> expected = rows(List.of(plain));
    assertEquals(1500, expected.size());

    // 97 bytes: ranges start inside quoted fields; 1 MiB: one range of 1,500 records, which the
    // DirectRunner checkpoints every 100 outputs.
    for (long split : new long[] {97, 1 << 20}) {
      Path out = Files.createDirectories(dir.resolve("beam-" + split));
      BenchEntryPoint.landToFiles(
          input + "/*.csv",
          out + "/rows",
          TIMESTAMP,
          "load",
          List.of(
              "--runner=DirectRunner",
              "--enforceImmutability=false",
              "--enforceEncodability=false",
              "--splitSizeBytes=" + split));
      List<Path> files;
      try (Stream<Path> list = Files.list(out)) {
        files = list.filter(p -> p.toString().endsWith(".json")).toList();
      }
      assertEquals(expected, rows(files), "split=" + split);
    }
  }

  /** Every row, sorted (a list, not a set: a row landed twice must fail the test). */
  private static List<String> rows(List<Path> files) throws IOException {
    List<String> rows = new ArrayList<>();
    for (Path file : files) {
      rows.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
    Collections.sort(rows);
    return rows;
  }
}
