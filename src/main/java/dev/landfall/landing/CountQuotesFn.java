package dev.landfall.landing;

import dev.landfall.csv.QuoteCounter;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Pass 1 of the two-pass split: counts the quote bytes of a range. Their parity, summed over the
 * ranges before it, tells whether a range starts inside a quoted field (every {@code "} toggles
 * the state in RFC 4180, an escaped {@code ""} twice). A file with one range needs no count.
 */
final class CountQuotesFn extends DoFn<FileRange, KV<String, KV<FileRange, Long>>> {

  @ProcessElement
  public void processElement(@Element FileRange range, OutputReceiver<KV<String, KV<FileRange, Long>>> out)
      throws IOException {
    long quotes = 0;
    if (range.end < range.file.sizeBytes) {
      // The last range's count never matters: no range follows it.
      try (SeekableByteChannel channel =
          PlanFilesFn.openSeekable(FileSystems.matchNewResource(range.file.path, false))) {
        channel.position(range.start);
        quotes = QuoteCounter.countQuotes(channel, range.end - range.start);
      }
    }
    out.output(KV.of(range.file.path, KV.of(range, quotes)));
  }
}
