package dev.landfall.landing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/** Turns a file's per-range quote counts into each range's exact start state (prefix parity). */
final class AssignStartStatesFn extends DoFn<KV<String, Iterable<KV<FileRange, Long>>>, FileRange> {

  @ProcessElement
  public void processElement(
      @Element KV<String, Iterable<KV<FileRange, Long>>> file, OutputReceiver<FileRange> out) {
    List<KV<FileRange, Long>> ranges = new ArrayList<>();
    file.getValue().forEach(ranges::add);
    ranges.sort(Comparator.comparingInt(kv -> kv.getKey().index));
    long quotesBefore = 0;
    for (KV<FileRange, Long> range : ranges) {
      out.output(range.getKey().withStartState((quotesBefore & 1) == 1));
      quotesBefore += range.getValue();
    }
  }
}
