package dev.landfall.landing;

import java.io.IOException;
import java.io.Serializable;

/**
 * Reads the erasure log and its key from inside the pipeline (once per run, see {@link
 * ReadErasureLog}), as {@link LedgerLookup} reads the ledger: building the job makes no query.
 */
interface ErasureLookup extends Serializable {

  /** The log and key now; {@link Erasures#none()} when nothing was ever erased. */
  Erasures read() throws IOException;
}
