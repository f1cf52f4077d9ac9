package dev.landfall.landing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.bigquery.model.TableRow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.gcp.bigquery.WriteResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Rows BigQuery refused (streaming inserts, Storage Write API), written as JSON lines
 * {@code {"error": ..., "row": {...}}} under the run's dead-letter directory and counted, so a
 * refused row is never silently lost. File loads refuse whole jobs instead, failing the run.
 */
final class DeadLetters {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeadLetters() {}

  /**
   * Writes the rows refused before the write ({@code oversized}, already described) and those
   * BigQuery refused at write time.
   */
  static void write(
      PCollection<String> oversized, WriteResult result, LakeWriteMethod method, String directory) {
    PCollection<String> lines;
    switch (method) {
      case STREAMING_INSERTS ->
          lines =
              result
                  .getFailedInsertsWithErr()
                  .apply(
                      "DescribeFailedInserts",
                      MapElements.into(TypeDescriptors.strings())
                          .via(e -> line(String.valueOf(e.getError()), e.getRow())));
      case STORAGE_WRITE_API ->
          lines =
              result
                  .getFailedStorageApiInserts()
                  .apply(
                      "DescribeFailedWrites",
                      MapElements.into(TypeDescriptors.strings())
                          .via(e -> line(e.getErrorMessage(), e.getRow())));
      default -> lines = null; // FILE_LOADS: no row-level refusals, a refused load fails the run
    }
    PCollection<String> all =
        lines == null
            ? oversized
            : PCollectionList.of(oversized)
                .and(lines.setCoder(StringUtf8Coder.of()))
                .apply("AllDeadLetters", Flatten.pCollections());
    all.setCoder(StringUtf8Coder.of()).apply("WriteDeadLetters", ParDo.of(new WriteLinesFn(directory)));
  }

  static String line(String error, TableRow row) {
    ObjectNode node = JSON.createObjectNode();
    node.put("error", error);
    node.set("row", JSON.valueToTree(row));
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A TableRow is always serializable as JSON", e);
    }
  }

  /**
   * Appends a bundle's lines to one new file, created only when the bundle has a line, so a run
   * without refusals leaves no files. A retried bundle may write its lines again: dead letters
   * are at-least-once, which is safe for rows a person will inspect and re-land.
   */
  static final class WriteLinesFn extends DoFn<String, Void> {
    private final String directory;
    private final Counter deadLettered =
        Metrics.counter(LandingMetrics.NAMESPACE, LandingMetrics.DEAD_LETTERED);
    private transient OutputStream out;

    WriteLinesFn(String directory) {
      this.directory = directory;
    }

    @ProcessElement
    public void processElement(@Element String line) throws IOException {
      if (out == null) {
        ResourceId file =
            FileSystems.matchNewResource(directory + "/rows-" + UUID.randomUUID() + ".jsonl", false);
        out = Channels.newOutputStream(FileSystems.create(file, "application/json"));
      }
      out.write(line.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      deadLettered.inc();
    }

    @FinishBundle
    public void finishBundle() throws IOException {
      if (out != null) {
        out.close();
        out = null;
      }
    }
  }
}
