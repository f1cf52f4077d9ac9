package dev.landfall.landing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the files the ledger says were landed, asking it in batches from inside the pipeline.
 * Two uses: by listing identity before any byte is read, then by content hash for the files that
 * had to be hashed (a landed file copied to a new path, or re-uploaded unchanged).
 */
final class SkipLanded extends PTransform<PCollection<FileListing>, PCollection<FileListing>> {
  /** Files per ledger query: one query's parameters stay far below BigQuery's request limits. */
  static final int BATCH_SIZE = 1000;
  /** Batches looked up in parallel (files are spread over this many keys). */
  private static final int SHARDS = 4;

  enum By {
    LISTING,
    CONTENT
  }

  private final LedgerLookup ledger;
  private final By by;

  SkipLanded(LedgerLookup ledger, By by) {
    this.ledger = ledger;
    this.by = by;
  }

  @Override
  public PCollection<FileListing> expand(PCollection<FileListing> files) {
    return files
        .apply(
            "SpreadOverKeys",
            WithKeys.of((FileListing f) -> Math.floorMod(f.path.hashCode(), SHARDS))
                .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(FileListing.class)))
        .apply("Batch", GroupIntoBatches.ofSize(BATCH_SIZE))
        .apply("LookUpLedger", ParDo.of(new LookUpFn(ledger, by)))
        .setCoder(SerializableCoder.of(FileListing.class));
  }

  private static final class LookUpFn extends DoFn<KV<Integer, Iterable<FileListing>>, FileListing> {
    private static final Logger LOG = LoggerFactory.getLogger(SkipLanded.class);

    private final LedgerLookup ledger;
    private final By by;
    private transient LandingMetrics metrics;

    LookUpFn(LedgerLookup ledger, By by) {
      this.ledger = ledger;
      this.by = by;
    }

    @Setup
    public void setup() {
      metrics = new LandingMetrics();
    }

    @ProcessElement
    public void processElement(
        @Element KV<Integer, Iterable<FileListing>> batch, OutputReceiver<FileListing> out)
        throws IOException {
      List<FileListing> files = new ArrayList<>();
      batch.getValue().forEach(files::add);
      Set<String> landed =
          by == By.LISTING ? ledger.landedListings(files) : ledger.landedContent(files);
      for (FileListing file : files) {
        if (by == By.LISTING && landed.contains(file.listingKey())) {
          LOG.info("Skipping {}: this object ({}) is already landed", file.path, file.listingIdentity);
          metrics.counter(file.source, LandingMetrics.FILES_SKIPPED).inc();
        } else if (by == By.CONTENT && landed.contains(file.contentKey())) {
          LOG.info(
              "Skipping {}: its content (sha256 {}) is already landed for {}",
              file.path,
              file.contentSha256,
              file.source);
          metrics.counter(file.source, LandingMetrics.FILES_SKIPPED).inc();
        } else {
          out.output(file);
        }
      }
    }
  }
}
