package dev.landfall.landing;

/**
 * The format of the files a FILE_LOADS run stages for BigQuery load jobs. AVRO writes each lake
 * record straight into a binary record (no TableRow, no second JSON escaping of {@code
 * data_string}); JSON writes one TableRow JSON line per record. {@code scripts/bench.sh} measures
 * both encoders in one run (bench/results.md, measure 7).
 */
public enum LoadFileFormat {
  AVRO,
  JSON
}
