package dev.landfall.sqlgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CALL privacy.erase_customer is run by an operator, not scheduled, so the scan audit does not
 * cover it; its bill must still grow with the customer's rows, not the lake (docs/erasure.md
 * "Bytes billed"): every statement that reads or updates the lake filters ingestion_timestamp
 * with a script variable BigQuery prunes on.
 */
class ErasureScansTest {

  @Test
  void everyLakeScanOfTheEraseProcedureIsPartitionPruned() {
    GateResult result = GateResult.get();
    List<ScanAudit.Scan> lakeScans =
        result.audit.scans().stream()
            .filter(s -> s.statement().file().equals("routines/privacy/erase_customer.sql"))
            .filter(s -> s.table().endsWith("raw_records"))
            .toList();

    assertTrue(lakeScans.size() >= 4, "lake scans found: " + lakeScans.size());
    for (ScanAudit.Scan scan : lakeScans) {
      assertEquals(
          ScanAudit.Pruning.PARTITION,
          scan.pruning(),
          scan.statement().where() + " reads the lake unbounded: " + scan.statement().headline());
    }
  }
}
