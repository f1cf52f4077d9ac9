package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableRow;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;

/**
 * The ledger lookup over Beam's fake BigQuery: it reads the ledger rows earlier runs wrote to
 * the {@link FakeDatasetService} (a JVM-wide store), filtered as the real query filters them.
 */
final class FakeLedgerLookup implements LedgerLookup {
  private static final long serialVersionUID = 1L;

  /** Lookups made, across every instance (DoFns run on copies). */
  static final AtomicInteger CALLS = new AtomicInteger();

  private final String project;
  private final String dataset;
  private final String table;

  FakeLedgerLookup(String project, String dataset, String table) {
    this.project = project;
    this.dataset = dataset;
    this.table = table;
  }

  @Override
  public Set<String> landedListings(List<FileListing> files) throws IOException {
    Set<String> asked = new HashSet<>();
    files.forEach(f -> asked.add(f.listingKey()));
    return landed(asked, "source_file", "listing_identity");
  }

  @Override
  public Set<String> landedContent(List<FileListing> files) throws IOException {
    Set<String> asked = new HashSet<>();
    files.forEach(f -> asked.add(f.contentKey()));
    return landed(asked, "source", "content_sha256");
  }

  private Set<String> landed(Set<String> asked, String first, String second) throws IOException {
    CALLS.incrementAndGet();
    Set<String> found = new HashSet<>();
    try {
      for (TableRow row : new FakeDatasetService().getAllRows(project, dataset, table)) {
        String key = FileListing.key(String.valueOf(row.get(first)), String.valueOf(row.get(second)));
        if (asked.contains(key)) {
          found.add(key);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return found;
  }
}
