package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** No scheduled statement reads a partitioned or clustered table unbounded (issue 17 §3). */
class ScanAuditTest {

  @Test
  void everyScheduledScanOfALargeTableIsPruned() {
    GateResult result = GateResult.get();
    System.err.println(result.auditReport());
    List<Finding> open = result.openFindings("scan");
    assertTrue(
        open.isEmpty(),
        () -> open.size() + " unbounded scan(s) in scheduled routines (see the audit above):\n  "
            + String.join("\n  ", open.stream().map(Finding::toString).toList()));
  }

  @Test
  void allowListEntriesAllMatchSomething() {
    List<AllowList.Entry> stale = GateResult.get().staleEntries();
    assertTrue(
        stale.isEmpty(),
        () -> AllowList.PATH + " has entries that match no finding (remove them):\n  "
            + String.join("\n  ", stale.stream().map(AllowList.Entry::toString).toList()));
  }
}
