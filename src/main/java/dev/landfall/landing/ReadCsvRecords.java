package dev.landfall.landing;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Reads every record of the planned files in parallel byte ranges, exactly once: ranges are
 * spread over workers, their quote counts give each range's start state, then each range is
 * parsed from that state. Outputs {@link ReadRangeFn#RECORDS} and {@link ReadRangeFn#STATS}.
 */
final class ReadCsvRecords extends PTransform<PCollection<FilePlan>, PCollectionTuple> {
  private final long splitSizeBytes;
  private final int maxRecordBytes;

  ReadCsvRecords(long splitSizeBytes, int maxRecordBytes) {
    this.splitSizeBytes = splitSizeBytes;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public PCollectionTuple expand(PCollection<FilePlan> files) {
    SerializableCoder<FileRange> rangeCoder = SerializableCoder.of(FileRange.class);
    PCollection<FileRange> ranges =
        files
            .apply(
                "SplitIntoRanges",
                FlatMapElements.into(TypeDescriptor.of(FileRange.class))
                    .via(file -> FileRange.split(file, splitSizeBytes)))
            .setCoder(rangeCoder)
            .apply("SpreadRanges", Reshuffle.viaRandomKey());
    PCollection<FileRange> rangesWithState =
        ranges
            .apply("CountQuotes", ParDo.of(new CountQuotesFn()))
            .setCoder(
                KvCoder.of(StringUtf8Coder.of(), KvCoder.of(rangeCoder, VarLongCoder.of())))
            .apply("GroupRangesByFile", GroupByKey.create())
            .apply("AssignStartStates", ParDo.of(new AssignStartStatesFn()))
            .setCoder(rangeCoder)
            .apply("SpreadParsing", Reshuffle.viaRandomKey());
    PCollectionTuple read =
        rangesWithState.apply(
            "ParseRanges",
            ParDo.of(new ReadRangeFn(maxRecordBytes))
                .withOutputTags(ReadRangeFn.RECORDS, TupleTagList.of(ReadRangeFn.STATS)));
    read.get(ReadRangeFn.RECORDS).setCoder(LakeRecord.Coder.of());
    read.get(ReadRangeFn.STATS)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(RangeStats.class)));
    return read;
  }
}
