package dev.landfall.landing;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * Asks the ledger ({@code lake.landed_files}) about a batch of this run's files, from inside the
 * pipeline: the job graph never holds the ledger, so its size does not grow with every file ever
 * landed, and a template launch makes no query.
 */
interface LedgerLookup extends Serializable {

  /** Of {@code files}, the {@link FileListing#listingKey() listing keys} the ledger holds. */
  Set<String> landedListings(List<FileListing> files) throws IOException;

  /** Of {@code files} (hashed), the {@link FileListing#contentKey() content keys} it holds. */
  Set<String> landedContent(List<FileListing> files) throws IOException;
}
