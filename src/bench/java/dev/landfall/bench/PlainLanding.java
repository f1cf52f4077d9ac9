package dev.landfall.bench;

import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import dev.landfall.landing.BenchEntryPoint;
import dev.landfall.landing.LakeRecord;
import dev.landfall.landing.SourceRules;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The landing pipeline's per-file work done by plain single-threaded Java, as the baseline of the
 * Beam overhead measure: the file's SHA-256 (ledger), its header, then every record parsed,
 * encoded (JSON + record hash) and written as the same JSON line as {@link
 * BenchEntryPoint#landToFiles}. What Beam adds on top (quote-count pass, shuffles, bundles,
 * coders) is the overhead measured.
 */
public final class PlainLanding {
  private static final int MAX_RECORD_BYTES = 32 * 1024 * 1024;
  /** The pipeline's default source rules: the generated files are named <source>_....csv. */
  private static final SourceRules DEFAULT_SOURCES = SourceRules.parse("customers;transactions");

  private PlainLanding() {}

  /** Lands {@code files} into one JSON-lines file; returns the number of records. */
  public static long land(List<Path> files, Path output, String ingestionTimestamp, String loadId)
      throws IOException {
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    long records = 0;
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      for (Path file : files) {
        String path = file.toAbsolutePath().toString();
        String source = DEFAULT_SOURCES.sourceOf(file.getFileName().toString()).orElseThrow();
        BenchEntryPoint.contentSha256(file); // as PlanFiles does for a local file
        try (CsvRecordReader reader =
            CsvRecordReader.open(
                FileChannel.open(file, StandardOpenOption.READ), 0, Files.size(file), false,
                MAX_RECORD_BYTES)) {
          DataRecords data = new DataRecords(reader);
          while (data.next()) {
            EncodedRecord encoded =
                encoder.encodeLine(source, data.header(), data.buffer(), 0, data.length());
            LakeRecord record =
                new LakeRecord(
                    source,
                    path,
                    data.offset(),
                    encoded.dataString(),
                    encoded.recordHash(),
                    encoded.parseError());
            out.write(BenchEntryPoint.jsonLine(record, ingestionTimestamp, loadId));
            out.write('\n');
            records++;
          }
        }
      }
    }
    return records;
  }
}
