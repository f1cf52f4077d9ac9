package dev.landfall.sqlgate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** One run of the gate and the scan audit per test JVM (they share the analysis). */
final class GateResult {

  private static GateResult instance;

  final Path root;
  final SqlGate gate;
  final ScanAudit audit;
  final AllowList allowList;
  final double seconds;

  private GateResult(Path root) {
    long start = System.nanoTime();
    this.root = root;
    this.gate = SqlGate.run(root);
    this.audit = ScanAudit.of(gate);
    this.allowList = AllowList.load(root);
    this.seconds = (System.nanoTime() - start) / 1e9;
  }

  static synchronized GateResult get() {
    if (instance == null) {
      // -Dsqlgate.root=<checkout> runs the gate on another tree (e.g. a branch under review).
      instance = new GateResult(Path.of(System.getProperty("sqlgate.root", "")).toAbsolutePath());
    }
    return instance;
  }

  List<Finding> allFindings() {
    List<Finding> all = new ArrayList<>(gate.findings);
    all.addAll(audit.findings());
    return all;
  }

  /** Findings of the given checks that no allow-list entry covers. */
  List<Finding> openFindings(String... checks) {
    List<String> wanted = Arrays.asList(checks);
    return allFindings().stream()
        .filter(f -> wanted.contains(f.check()))
        .filter(f -> allowList.match(f) == null)
        .toList();
  }

  List<AllowList.Entry> staleEntries() {
    List<Finding> all = allFindings();
    return allowList.entries.stream()
        // Entries for executed SQL are checked by ExecutedSqlGateTest, against the recording.
        .filter(e -> !e.executed())
        .filter(e -> all.stream().noneMatch(e::matches))
        .toList();
  }

  /** One line per audited scan of a scheduled statement. */
  String auditReport() {
    StringBuilder out = new StringBuilder("scan audit (scheduled statements):\n");
    for (ScanAudit.Scan scan : audit.scans()) {
      if (!scan.statement().scheduled() || !scan.audited(gate.catalog)) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "  %-9s %-40s %s  %s%n", scan.pruning(),
          scan.describe(), scan.statement().where(), scan.dmlTarget() ? "(DML target)" : ""));
    }
    return out.toString();
  }

  String summary() {
    long allowed = allFindings().stream().filter(f -> allowList.match(f) != null).count();
    return String.format(
        Locale.ROOT,
        "sql gate: %d statements parsed, %d analyzed (%d expect_error fixtures fail analysis as"
            + " intended), %d scans audited, %d findings, %d allow-listed, in %.1fs",
        gate.statementsParsed,
        gate.analyzed.size(),
        gate.expectedErrors.size(),
        audit.scans().stream().filter(s -> s.audited(gate.catalog)).count(),
        allFindings().size(),
        allowed,
        seconds);
  }
}
