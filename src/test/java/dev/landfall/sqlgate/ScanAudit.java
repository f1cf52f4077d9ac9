package dev.landfall.sqlgate;

import java.util.List;

final class ScanAudit {
  static ScanAudit of(SqlGate gate) { return new ScanAudit(); }
  List<Finding> findings() { return List.of(); }
  List<Object> scans() { return List.of(); }
}
