package dev.landfall.landing;

import java.io.IOException;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each new file its content SHA-256: from its upload metadata when it has one, else by
 * reading it once (only files the ledger did not know by their listing reach this step).
 */
final class HashFilesFn extends DoFn<FileListing, FileListing> {
  private static final Logger LOG = LoggerFactory.getLogger(HashFilesFn.class);

  private transient LandingMetrics metrics;

  @Setup
  public void setup() {
    metrics = new LandingMetrics();
  }

  @ProcessElement
  public void processElement(@Element FileListing file, OutputReceiver<FileListing> out)
      throws IOException {
    if (file.contentSha256 != null) {
      out.output(file);
      return;
    }
    String sha256 = ContentHashes.read(FileSystems.matchNewResource(file.path, false));
    metrics.counter(file.source, LandingMetrics.FILES_HASHED).inc();
    LOG.info("Hashed {} ({} bytes): sha256 {}", file.path, file.sizeBytes, sha256);
    out.output(file.withContentSha256(sha256));
  }
}
