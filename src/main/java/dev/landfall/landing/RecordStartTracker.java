package dev.landfall.landing;

import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;

/**
 * Claims records of a byte range by their start offsets and allows checkpoints only.
 *
 * <p>A checkpoint leaves a residual that starts right after the last claimed record start, a
 * point known to be outside quotes, so {@link ReadRangeFn} can resume there exactly. A split at
 * any other offset (a runner rebalancing work by a fraction of what remains) would start inside a
 * record whose quote state nobody knows, so it is refused: the runner keeps the work whole.
 */
final class RecordStartTracker extends OffsetRangeTracker {
  RecordStartTracker(OffsetRange range) {
    super(range);
  }

  @Override
  public SplitResult<OffsetRange> trySplit(double fractionOfRemainder) {
    return fractionOfRemainder > 0 ? null : super.trySplit(0);
  }
}
