package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import java.io.Serializable;

/**
 * A line this run landed as the marker (or pseudonymised) for an erasure request: its row of
 * {@code privacy.erased_lines}, by provenance only (no content), so {@code scripts/erase_customer.sh
 * --landing-copies} can remove it from the landing file that still holds it (docs/erasure.md "No
 * resurrection").
 */
record ErasedLine(
    String requestId, String source, String sourceFile, long sourceOffset, boolean pseudonymised)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The erased_lines row, with the run's load id and ingestion timestamp (the lake row's). */
  TableRow toTableRow(String ingestionTimestamp, String loadId) {
    // landing_rewritten_at is left out: NULL until the line is gone from its file.
    return new TableRow()
        .set("request_id", requestId)
        .set("source", source)
        .set("source_file", sourceFile)
        .set("source_offset", sourceOffset)
        .set("load_id", loadId)
        .set("ingestion_timestamp", ingestionTimestamp)
        .set("pseudonymised", pseudonymised);
  }
}
