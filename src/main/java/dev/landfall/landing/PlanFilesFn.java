package dev.landfall.landing;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.ParsedRecord;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans each matched file once: its source, content hash (to skip files already landed) and
 * header, so the parallel readers of its ranges never re-read them.
 */
final class PlanFilesFn extends DoFn<MatchResult.Metadata, FilePlan> {
  private static final Logger LOG = LoggerFactory.getLogger(PlanFilesFn.class);

  private final String fixedSource;
  private final boolean reprocess;
  private final int maxRecordBytes;
  private final PCollectionView<Iterable<String>> landedHashes;
  private transient LandingMetrics metrics;
  /** The side input as a set, built once per DoFn instance: it is constant within a batch run. */
  private transient Set<String> landedSet;

  PlanFilesFn(
      String fixedSource,
      boolean reprocess,
      int maxRecordBytes,
      PCollectionView<Iterable<String>> landedHashes) {
    this.fixedSource = fixedSource;
    this.reprocess = reprocess;
    this.maxRecordBytes = maxRecordBytes;
    this.landedHashes = landedHashes;
  }

  @Setup
  public void setup() {
    metrics = new LandingMetrics();
  }

  @ProcessElement
  public void processElement(ProcessContext context) throws IOException {
    MatchResult.Metadata file = context.element();
    ResourceId resource = file.resourceId();
    String path = resource.toString();
    String source = fixedSource.isEmpty() ? SourceNames.fromPath(path) : fixedSource;
    ContentHashes.ContentHash hash = ContentHashes.of(resource, context.getPipelineOptions());
    String contentSha256 = hash.sha256();
    LOG.info(
        "Planning {} ({} bytes): sha256 {} {}",
        path,
        file.sizeBytes(),
        contentSha256,
        hash.fromMetadata() ? "from its upload metadata" : "read from its content");
    if (!reprocess && landedSet(context).contains(contentSha256)) {
      LOG.info("Skipping {}: its content (sha256 {}) is already landed", path, contentSha256);
      metrics.counter(source, LandingMetrics.FILES_SKIPPED).inc();
      return;
    }
    metrics.counter(source, LandingMetrics.FILES_PLANNED).inc();
    context.output(readHeader(resource, path, source, file.sizeBytes(), contentSha256));
  }

  private Set<String> landedSet(ProcessContext context) {
    if (landedSet == null) {
      landedSet = new HashSet<>();
      context.sideInput(landedHashes).forEach(landedSet::add);
    }
    return landedSet;
  }

  private FilePlan readHeader(
      ResourceId resource, String path, String source, long size, String contentSha256)
      throws IOException {
    try (SeekableByteChannel channel = openSeekable(resource);
        CsvRecordReader reader = CsvRecordReader.open(channel, 0, size, false, maxRecordBytes)) {
      while (reader.advance()) {
        if (reader.isBlank()) {
          continue;
        }
        String rawHeader = new String(reader.buffer(), 0, reader.length(), StandardCharsets.UTF_8);
        ParsedRecord parsed = new CsvFieldParser().parse(reader.buffer(), 0, reader.length());
        String error = headerError(reader, parsed);
        if (error != null) {
          return new FilePlan(path, source, size, contentSha256, rawHeader, List.of(), reader.offset(), error);
        }
        List<String> names = Header.parse(parsed).names();
        return new FilePlan(path, source, size, contentSha256, rawHeader, names, reader.offset(), null);
      }
    }
    return new FilePlan(path, source, size, contentSha256, null, List.of(), -1, null);
  }

  /**
   * Why a header cannot name the columns, or null. Besides parse errors: a bare CR means CR-only
   * line ends (not CSV per CONTRACT §1: the whole file reads as one record) and a NUL byte means
   * UTF-16 or binary content; either way no data line could be typed.
   */
  private static String headerError(CsvRecordReader reader, ParsedRecord parsed) {
    if (reader.isTruncated()) {
      return "header longer than the record limit";
    }
    if (!parsed.isValid()) {
      return parsed.error();
    }
    byte[] bytes = reader.buffer();
    for (int i = 0; i < reader.length(); i++) {
      if (bytes[i] == 0) {
        return "header contains NUL bytes (UTF-16 or binary content, not UTF-8 CSV)";
      }
      if (bytes[i] == '\r') {
        return "header contains a bare CR (CR-only line ends are not CSV line ends)";
      }
    }
    return null;
  }

  static SeekableByteChannel openSeekable(ResourceId resource) throws IOException {
    ReadableByteChannel channel = FileSystems.open(resource);
    if (channel instanceof SeekableByteChannel seekable) {
      return seekable;
    }
    channel.close();
    throw new IOException(resource + " cannot be read by byte range (compressed?)");
  }
}
