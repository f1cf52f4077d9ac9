package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The bytes-billed table (issue 17 §3): written to target/bytes_billed.md, and the committed copy
 * bench/bytes_billed.md (which scripts/bench.sh appends to bench/results.md) must be up to date.
 */
class BytesBilledTest {

  static final String COMMITTED = "bench/bytes_billed.md";

  @Test
  void committedCostTableIsUpToDate() throws IOException {
    GateResult result = GateResult.get();
    String table = new CostModel(result.gate, result.audit).markdown();
    Path out = result.root.resolve("target/bytes_billed.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    Path committed = result.root.resolve(COMMITTED);
    String current = Files.exists(committed) ? Files.readString(committed) : "";
    assertEquals(
        table,
        current,
        COMMITTED + " is stale: copy target/bytes_billed.md over it. The new table:\n" + table);
  }
}
