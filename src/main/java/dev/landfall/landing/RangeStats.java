package dev.landfall.landing;

import java.io.Serializable;

/** Counts of one range's records, summed per file for the ledger. */
public record RangeStats(long records, long parseErrors, long blankLines, long bytes)
    implements Serializable {

  static final RangeStats ZERO = new RangeStats(0, 0, 0, 0);

  RangeStats plus(RangeStats other) {
    return new RangeStats(
        records + other.records,
        parseErrors + other.parseErrors,
        blankLines + other.blankLines,
        bytes + other.bytes);
  }
}
