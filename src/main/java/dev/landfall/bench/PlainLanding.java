package dev.landfall.bench;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import dev.landfall.landing.BenchEntryPoint;
import dev.landfall.landing.LakeRecord;
import dev.landfall.landing.SourceNames;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

  private PlainLanding() {}

  /** Lands {@code files} into one JSON-lines file; returns the number of records. */
  public static long land(List<Path> files, Path output, String ingestionTimestamp, String loadId)
      throws IOException {
    CsvFieldParser parser = new CsvFieldParser();
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    long records = 0;
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      for (Path file : files) {
        String path = file.toAbsolutePath().toString();
        String source = SourceNames.fromPath(path);
        sha256(file);
        try (CsvRecordReader reader =
            CsvRecordReader.open(
                FileChannel.open(file, StandardOpenOption.READ), 0, Files.size(file), false,
                MAX_RECORD_BYTES)) {
          Header header = null;
          while (reader.advance()) {
            if (reader.isBlank()) {
              continue;
            }
            byte[] raw = reader.buffer();
            int length = reader.length();
            if (header == null) {
              header = Header.parse(parser.parse(raw, 0, length));
              continue;
            }
            EncodedRecord encoded = encoder.encodeLine(source, header, raw, 0, length);
            LakeRecord record =
                new LakeRecord(
                    source,
                    path,
                    reader.offset(),
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

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
