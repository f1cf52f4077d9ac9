package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableReference;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import dev.landfall.bigquery.BigQueryClients;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;

/**
 * Reads the content hashes already in the ledger when the run is built, so files landed by an
 * earlier run are skipped. Read once at launch: a batch run's view of the ledger is its start.
 */
final class LandedFilesLedger {
  private LandedFilesLedger() {}

  static List<String> contentHashes(LandingOptions options, String ledgerTable) {
    TableReference ref = BigQueryHelpers.parseTableSpec(ledgerTable);
    String project = ref.getProjectId() != null ? ref.getProjectId() : options.getProject();
    String endpoint = options.getBigQueryEndpoint();
    BigQuery bigQuery = BigQueryClients.create(project, endpoint == null || endpoint.isEmpty() ? null : endpoint);
    String sql =
        String.format(
            "SELECT DISTINCT content_sha256 FROM `%s.%s.%s`",
            project, ref.getDatasetId(), ref.getTableId());
    try {
      List<String> hashes = new ArrayList<>();
      for (FieldValueList row : bigQuery.query(QueryJobConfiguration.of(sql)).iterateAll()) {
        hashes.add(row.get(0).getStringValue());
      }
      return hashes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the ledger " + ledgerTable, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot read the ledger "
              + ledgerTable
              + " (deploy the lake tables first, or pass --reprocess): "
              + e.getMessage(),
          e);
    }
  }
}
