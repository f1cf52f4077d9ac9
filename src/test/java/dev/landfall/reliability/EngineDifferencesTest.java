package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.LoadJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import dev.landfall.testing.LocalBigQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ways the local engine differs from BigQuery that the reliability tests ran into, pinned like
 * {@code EngineCompatibilityTest}'s {@code engineDifference_*}: each asserts the engine's current
 * behaviour, so an engine upgrade that fixes one makes it fail and the workaround can go.
 */
class EngineDifferencesTest {
  private final LocalBigQuery engine = LocalBigQuery.get();

  /**
   * A JSON load job refuses a row over 32 MB (DuckDB's maximum_object_size of 16 MB, whose read
   * buffer is twice that); BigQuery loads JSON rows up to 100 MB. A record truncated to the
   * default --maxRecordBytes (32 MB) is a lake row just over 32 MB, so it fails the landing run on
   * the engine.
   */
  @Test
  @Tag("slow")
  void engineDifference_jsonLoadRefusesRowsOver32Mb(@TempDir Path temp) throws Exception {
    BigQuery bigQuery = engine.bigQuery();
    String dataset = "engine_diff_" + UUID.randomUUID().toString().substring(0, 8);
    bigQuery.create(DatasetInfo.newBuilder(DatasetId.of(engine.projectId(), dataset)).build());
    try {
      TableId table = TableId.of(engine.projectId(), dataset, "t");
      bigQuery.create(TableInfo.of(table,
          StandardTableDefinition.of(Schema.of(Field.of("s", StandardSQLTypeName.STRING)))));
      Path file = temp.resolve("big.json");
      Files.writeString(file, "{\"s\": \"" + "x".repeat(33 << 20) + "\"}\n", StandardCharsets.UTF_8);

      JobInfo load = JobInfo.of(LoadJobConfiguration.newBuilder(table, file.toString(), FormatOptions.json()).build());

      BigQueryException refused = assertThrows(BigQueryException.class, () -> bigQuery.create(load).waitFor());
      assertTrue(refused.getMessage().contains("maximum_object_size"), refused.getMessage());
    } finally {
      bigQuery.delete(DatasetId.of(engine.projectId(), dataset), BigQuery.DatasetDeleteOption.deleteContents());
    }
  }
}
