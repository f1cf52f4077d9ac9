package dev.landfall.landing;

import com.google.api.services.bigquery.model.TableReference;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import dev.landfall.bigquery.BigQueryClients;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;

/**
 * The ledger lookup against BigQuery (or the local engine): one parameterized query per batch of
 * files, filtered to their sources and paths (or content hashes). A query bills the ledger
 * columns it reads, about 200 bytes a landed file (40 MB at 200,000 files; 10 MB minimum per
 * query): https://cloud.google.com/bigquery/pricing#on_demand_pricing
 */
final class BigQueryLedgerLookup implements LedgerLookup {
  private static final long serialVersionUID = 1L;

  private final String project;
  private final String endpoint;
  private final String table;
  private transient BigQuery client;

  BigQueryLedgerLookup(String defaultProject, String endpointOrNull, String ledgerTableSpec) {
    TableReference ref = BigQueryHelpers.parseTableSpec(ledgerTableSpec);
    this.project = ref.getProjectId() != null ? ref.getProjectId() : defaultProject;
    this.endpoint = endpointOrNull == null || endpointOrNull.isEmpty() ? null : endpointOrNull;
    this.table = String.format("`%s.%s.%s`", project, ref.getDatasetId(), ref.getTableId());
  }

  @Override
  public Set<String> landedListings(List<FileListing> files) throws IOException {
    String sql =
        "SELECT DISTINCT source_file, listing_identity FROM "
            + table
            + " WHERE source IN UNNEST(@sources) AND source_file IN UNNEST(@files)"
            + " AND listing_identity IS NOT NULL";
    QueryJobConfiguration query =
        QueryJobConfiguration.newBuilder(sql)
            .addNamedParameter("sources", strings(files.stream().map(f -> f.source).toList()))
            .addNamedParameter("files", strings(files.stream().map(f -> f.path).toList()))
            .build();
    return keys(query);
  }

  @Override
  public Set<String> landedContent(List<FileListing> files) throws IOException {
    String sql =
        "SELECT DISTINCT source, content_sha256 FROM "
            + table
            + " WHERE source IN UNNEST(@sources) AND content_sha256 IN UNNEST(@hashes)";
    QueryJobConfiguration query =
        QueryJobConfiguration.newBuilder(sql)
            .addNamedParameter("sources", strings(files.stream().map(f -> f.source).toList()))
            .addNamedParameter("hashes", strings(files.stream().map(f -> f.contentSha256).toList()))
            .build();
    return keys(query);
  }

  private Set<String> keys(QueryJobConfiguration query) throws IOException {
    if (client == null) {
      client = BigQueryClients.create(project, endpoint);
    }
    Set<String> keys = new HashSet<>();
    try {
      for (FieldValueList row : client.query(query).iterateAll()) {
        keys.add(FileListing.key(row.get(0).getStringValue(), row.get(1).getStringValue()));
      }
      return keys;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading the ledger " + table, e);
    } catch (RuntimeException e) {
      throw new IOException(
          "Cannot read the ledger "
              + table
              + " (deploy the lake tables first, or pass --reprocess): "
              + e.getMessage(),
          e);
    }
  }

  private static QueryParameterValue strings(List<String> values) {
    return QueryParameterValue.array(new TreeSet<>(values).toArray(String[]::new), String.class);
  }
}
