package dev.landfall.landing;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.ParsedRecord;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans each new file once: reads its header, so the parallel readers of its ranges never
 * re-read it. Its source and content hash come from the listing steps before.
 */
final class PlanFilesFn extends DoFn<FileListing, FilePlan> {
  private static final Logger LOG = LoggerFactory.getLogger(PlanFilesFn.class);

  private final int maxRecordBytes;
  private transient LandingMetrics metrics;

  PlanFilesFn(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  @Setup
  public void setup() {
    metrics = new LandingMetrics();
  }

  @ProcessElement
  public void processElement(@Element FileListing file, OutputReceiver<FilePlan> out)
      throws IOException {
    LOG.info(
        "Planning {} ({} bytes): sha256 {} {}",
        file.path,
        file.sizeBytes,
        file.contentSha256,
        file.hashFromMetadata ? "from its upload metadata" : "read from its content");
    metrics.counter(file.source, LandingMetrics.FILES_PLANNED).inc();
    out.output(
        readHeader(
            FileSystems.matchNewResource(file.path, false),
            file.path,
            file.source,
            file.sizeBytes,
            file.contentSha256,
            file.listingIdentity));
  }

  private FilePlan readHeader(
      ResourceId resource,
      String path,
      String source,
      long size,
      String contentSha256,
      String listingIdentity)
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
          return new FilePlan(path, source, size, contentSha256, listingIdentity, rawHeader, List.of(), reader.offset(), error);
        }
        List<String> names = Header.parse(parsed).names();
        return new FilePlan(path, source, size, contentSha256, listingIdentity, rawHeader, names, reader.offset(), null);
      }
    }
    return new FilePlan(path, source, size, contentSha256, listingIdentity, null, List.of(), -1, null);
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
