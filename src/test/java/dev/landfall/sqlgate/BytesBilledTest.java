package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * Issue 17 §3, "bytes billed grow with the new data, not with the lake": at the same daily
   * volume, a daily unpack over 4 or 8 years of history bills what it bills over 2. The weekly
   * snapshot is the control: lifetime value reads every customer's monthly totals up to the
   * snapshot date (one row per customer and month, about 3 % of the transactions' bytes), so it
   * still grows with history, if more slowly (if the check saw no growth, it could not tell).
   */
  @Test
  void dailyUnpackCostDoesNotGrowWithTheLake() {
    GateResult result = GateResult.get();
    CostModel base = new CostModel(result.gate, result.audit);
    boolean sawUnpack = false;
    for (String script : base.scheduledScripts()) {
      double twoYears = base.dailyBilled(script);
      double eightYears =
          base.at(new CostModel.Scale(8, CostModel.CLUSTER_AMPLIFICATION)).dailyBilled(script);
      if (script.contains("scheduled_unpack")) {
        sawUnpack = true;
        assertTrue(
            eightYears <= twoYears * 1.02,
            script + " bills " + CostModel.size(eightYears) + " a day over 8 years of history, "
                + CostModel.size(twoYears) + " over 2: a statement reads more than the new data");
      } else if (script.contains("scheduled_snapshot")) {
        assertTrue(
            eightYears > twoYears * 1.5,
            script + ": the snapshot's lifetime value reads all history, so it should grow ("
                + CostModel.size(twoYears) + " -> " + CostModel.size(eightYears) + ")");
      }
    }
    assertTrue(sawUnpack, "no scheduled unpack script found");
  }

  /**
   * The branch a daily run takes under a key-list condition follows from the list's size in the
   * model: a day's ~199,000 customers do not fit a key-list variable (10,000), so the branch
   * without batch_customers runs; its ~8,200 reopened customers do, so the branch with
   * reopened_customers runs. Any other ELSE is the alternative the model shows apart.
   */
  @Test
  void dailyPathFollowsTheKeyListsSizes() {
    assertTrue(CostModel.dailyListKeys("batch_customers") > CostModel.KEY_LIST_LIMIT);
    assertTrue(CostModel.dailyListKeys("reopened_customers") <= CostModel.KEY_LIST_LIMIT);
    assertTrue(CostModel.alternativePath(underIf("batch_customers IS NOT NULL")));
    assertFalse(CostModel.alternativePath(underIf("ELSE batch_customers IS NOT NULL")));
    assertFalse(CostModel.alternativePath(underIf("reopened_customers IS NOT NULL")));
    assertTrue(CostModel.alternativePath(underIf("ELSE reopened_customers IS NOT NULL")));
    assertFalse(CostModel.alternativePath(underIf("earliest_effective_at IS NOT NULL")));
    assertTrue(CostModel.alternativePath(underIf("ELSE earliest_effective_at IS NOT NULL")));
    assertTrue(
        CostModel.alternativePath(
            underIf("earliest_effective_at IS NOT NULL", "batch_customers IS NOT NULL")));
  }

  private static AnalyzedStatement underIf(String... conditions) {
    return new AnalyzedStatement("f.sql", 1, "SELECT 1", "u", true, true, null, List.of(conditions));
  }
}
