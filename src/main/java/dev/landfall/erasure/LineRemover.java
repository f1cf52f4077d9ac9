package dev.landfall.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.hash.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Removes a customer's lines from one landing file, by the lake's provenance: the records that
 * start at the given byte offsets, as the project's CSV reader finds record boundaries (a quoted
 * field may hold line breaks). Each removed record's bytes, line end included, become line feeds:
 * blank lines, which landing skips and counts, so every other line keeps the byte offset the lake
 * names it by (a later erasure in the same file still finds its lines) and the file its size.
 *
 * <p>A record is removed only when it is the customer's: its {@code customer_id} field (stripped)
 * is the id, or, for a line that cannot be parsed into fields, one of its comma-separated fields
 * is. Without the id in clear (the {@code --landing-copies} sweep), "is the id" is "has the keyed
 * hash the erasure log holds for the line's request" ({@link Owner}). A blank line at an offset
 * was removed before. Anything else at an offset is left alone and reported (the file was
 * replaced by different content since it was landed).
 */
final class LineRemover {
  private static final int MAX_RECORD_BYTES = 64 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a rewrite did; {@code sha256} and {@code sizeBytes} are those of the new content. */
  record Outcome(
      int removed, int alreadyGone, List<Long> notTheCustomers, long sizeBytes, String sha256) {}

  /** Whether the record landed at {@code offset} as {@code dataString} is a line to remove. */
  interface Owner {
    boolean owns(long offset, String dataString);
  }

  private LineRemover() {}

  /** Removes the customer's records at {@code offsets}; the id is known in clear. */
  static Outcome rewrite(
      Path input, Path output, String source, Set<Long> offsets, String customerId)
      throws IOException {
    return rewrite(input, output, source, offsets, (offset, data) -> isCustomers(data, customerId));
  }

  /** Removes the records at {@code offsets} that {@code owner} recognises. */
  static Outcome rewrite(Path input, Path output, String source, Set<Long> offsets, Owner owner)
      throws IOException {
    long size = Files.size(input);
    TreeMap<Long, Long> spans = new TreeMap<>();
    int alreadyGone = 0;
    List<Long> notTheCustomers = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(input, StandardOpenOption.READ);
        CsvRecordReader reader = CsvRecordReader.open(channel, 0, size, false, MAX_RECORD_BYTES)) {
      Header header = null;
      LakeRecordEncoder encoder = new LakeRecordEncoder();
      Long openSpan = null;
      while (reader.advance()) {
        if (openSpan != null) {
          spans.put(openSpan, reader.offset());
          openSpan = null;
        }
        if (reader.isBlank()) {
          if (offsets.contains(reader.offset())) {
            alreadyGone++;
          }
          continue;
        }
        if (header == null) {
          header = Header.parse(new CsvFieldParser().parse(reader.buffer(), 0, reader.length()));
          continue;
        }
        if (!offsets.contains(reader.offset())) {
          continue;
        }
        String dataString =
            encoder.encodeLine(source, header, reader.buffer(), 0, reader.length()).dataString();
        if (owner.owns(reader.offset(), dataString)) {
          openSpan = reader.offset();
        } else {
          notTheCustomers.add(reader.offset());
        }
      }
      if (openSpan != null) {
        spans.put(openSpan, size);
      }
    }
    for (Long offset : offsets) {
      if (offset >= size) {
        notTheCustomers.add(offset);
      }
    }
    String sha256 = copyBlanking(input, output, spans);
    return new Outcome(spans.size(), alreadyGone, List.copyOf(notTheCustomers), size, sha256);
  }

  /** Whether a lake data_string is a line of the customer (as the erase procedure decides). */
  static boolean isCustomers(String dataString, String customerId) {
    String id = customerId.strip();
    return isNamedBy(dataString, id::equals);
  }

  /**
   * Whether a lake data_string names a customer {@code isTheId} accepts: its {@code customer_id}
   * field, or (a line that could not be parsed) one of its comma-separated fields, stripped and
   * unquoted.
   */
  static boolean isNamedBy(String dataString, Predicate<String> isTheId) {
    JsonNode record;
    try {
      record = JSON.readTree(dataString);
    } catch (IOException e) {
      return false;
    }
    JsonNode field = record.get("customer_id");
    if (field != null && field.isTextual()) {
      return isTheId.test(field.asText().strip());
    }
    JsonNode raw = record.get("_raw");
    if (raw != null && raw.isTextual()) {
      // The tokens as the landing's ApplyErasures reads them too (split also at line breaks,
      // every quote removed), so the sweep recognises every line a landing marked.
      for (String value : raw.asText().split("[,\\r\\n]", -1)) {
        String unquoted = value.strip();
        if (unquoted.startsWith("\"")) {
          unquoted = unquoted.substring(1);
        }
        if (unquoted.endsWith("\"")) {
          unquoted = unquoted.substring(0, unquoted.length() - 1);
        }
        String noQuotes = value.replace("\"", "").strip();
        if (isTheId.test(unquoted.strip()) || (!noQuotes.isEmpty() && isTheId.test(noQuotes))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Copies {@code input} with each span's bytes replaced by line feeds; returns its SHA-256. */
  private static String copyBlanking(Path input, Path output, TreeMap<Long, Long> spans)
      throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(input);
        OutputStream out = new DigestOutputStream(Files.newOutputStream(output), digest)) {
      long position = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        long end = position + n;
        Long from = spans.floorKey(position);
        for (var span : spans.subMap(from == null ? position : from, true, end, false).entrySet()) {
          long start = Math.max(span.getKey(), position);
          long stop = Math.min(span.getValue(), end);
          for (long at = start; at < stop; at++) {
            buffer[(int) (at - position)] = '\n';
          }
        }
        out.write(buffer, 0, n);
        position += n;
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
