package dev.landfall.landing;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end-of-run log line of a local run: counters per source and records per second. */
final class LandingSummary {
  private static final Logger LOG = LoggerFactory.getLogger(LandingSummary.class);

  private LandingSummary() {}

  /** Waits for the run (the DirectRunner may already have) and logs its counters and rate. */
  static void waitAndLog(PipelineResult result, long startedNanos) {
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    Map<String, Long> counters = counters(result);
    long records = sumOf(counters, LandingMetrics.RECORDS);
    LOG.info(
        "Landing {}: {} records in {} s ({} records/s); counters {}",
        state,
        records,
        String.format("%.1f", seconds),
        Math.round(records / seconds),
        counters);
    long erased = sumOf(counters, LandingMetrics.ERASED_LINES);
    long pseudonymised = sumOf(counters, LandingMetrics.PSEUDONYMISED_LINES);
    if (erased + pseudonymised > 0) {
      LOG.info(
          "{} line(s) of erased customers landed as erased, {} transactions line(s) under their"
              + " pseudonym (the erasure log: privacy.erasure_log); their files still hold them,"
              + " recorded in privacy.erased_lines: run scripts/erase_customer.sh --landing-copies",
          erased,
          pseudonymised);
    }
    long unmatched = counters.getOrDefault(LandingMetrics.UNMATCHED_FILES, 0L);
    if (unmatched > 0) {
      LOG.error(
          "{} file(s) matched no configured source and were not landed (each is named in an ERROR"
              + " line above); they are reported on every run until moved or configured",
          unmatched);
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("Landing run ended " + state);
    }
  }

  private static long sumOf(Map<String, Long> counters, String metric) {
    return counters.entrySet().stream()
        .filter(e -> e.getKey().endsWith("." + metric))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  static Map<String, Long> counters(PipelineResult result) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(LandingMetrics.NAMESPACE))
                    .build());
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
    }
    return counters;
  }
}
