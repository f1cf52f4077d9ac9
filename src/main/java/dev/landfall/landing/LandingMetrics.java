package dev.landfall.landing;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Beam counters per source, named {@code <source>.<metric>} in namespace {@code landfall}, so the
 * Dataflow console and the local summary show progress per service. Not thread-safe: one per
 * DoFn instance.
 */
final class LandingMetrics {
  static final String NAMESPACE = "landfall";
  static final String RECORDS = "records";
  static final String MALFORMED = "malformedRecords";
  static final String BLANK_LINES = "blankLines";
  static final String BYTES = "bytesRead";
  static final String FILES_PLANNED = "filesPlanned";
  /** Files matching no configured source, not landed (one counter, not per source). */
  static final String UNMATCHED_FILES = "unmatchedFiles";
  static final String FILES_SKIPPED = "filesSkippedAlreadyLanded";
  /** Files read end to end for their content hash (no upload metadata, not known by listing). */
  static final String FILES_HASHED = "filesHashed";
  static final String RANGES = "rangesRead";
  static final String DEAD_LETTERED = "deadLetteredRows";
  /** Lines of an erased customer that landed as the erasure marker (CONTRACT §6). */
  static final String ERASED_LINES = "erasedLines";
  /** Transactions lines of an erased customer landed with the pseudonym (pseudonymise mode). */
  static final String PSEUDONYMISED_LINES = "pseudonymisedLines";

  private final Map<String, Counter> counters = new HashMap<>();

  Counter counter(String source, String metric) {
    return counters.computeIfAbsent(
        source + "." + metric, name -> Metrics.counter(NAMESPACE, name));
  }
}
