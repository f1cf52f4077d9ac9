package dev.landfall.landing;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import dev.landfall.bigquery.BigQueryClients;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The erasure log and key read from BigQuery (or the local engine): {@code
 * <privacy>.erasure_log} and {@code <privacy>.erasure_key}, two small queries once per run. The
 * landing service account reads the privacy dataset (terraform IAM); nobody else needs to.
 *
 * <p>No privacy dataset or log table, or an empty log: nothing is erased (a deployment without
 * the privacy package lands as before). A log with rows but no key is an error: the run cannot
 * recognise the erased customers' lines, and landing them would bring them back.
 */
final class BigQueryErasureLookup implements ErasureLookup {
  private static final long serialVersionUID = 1L;

  static final String LOG_TABLE = "erasure_log";
  static final String KEY_TABLE = "erasure_key";

  private final String project;
  private final String dataset;
  private final String endpoint;

  /**
   * @param privacyDatasetSpec {@code [project:]dataset} of the privacy package
   */
  BigQueryErasureLookup(String defaultProject, String endpointOrNull, String privacyDatasetSpec) {
    int colon = privacyDatasetSpec.indexOf(':');
    this.project = colon < 0 ? defaultProject : privacyDatasetSpec.substring(0, colon);
    this.dataset = colon < 0 ? privacyDatasetSpec : privacyDatasetSpec.substring(colon + 1);
    this.endpoint = endpointOrNull == null || endpointOrNull.isEmpty() ? null : endpointOrNull;
  }

  String logTable() {
    return "`" + project + "." + dataset + "." + LOG_TABLE + "`";
  }

  @Override
  public Erasures read() throws IOException {
    BigQuery client = BigQueryClients.create(project, endpoint);
    try {
      if (!exists(client, LOG_TABLE)) {
        return Erasures.none();
      }
      Map<String, Erasures.Request> byHash = new HashMap<>();
      for (FieldValueList row :
          rows(
              client,
              "SELECT customer_key_hash, request_id, transactions_mode FROM "
                  + logTable()
                  + " ORDER BY requested_at, request_id")) {
        // A customer erased twice (two requests): the first request names their lines.
        byHash.putIfAbsent(
            row.get(0).getStringValue(),
            new Erasures.Request(row.get(1).getStringValue(), row.get(2).getStringValue()));
      }
      if (byHash.isEmpty()) {
        return Erasures.none();
      }
      List<byte[]> keys = new ArrayList<>();
      if (exists(client, KEY_TABLE)) {
        for (FieldValueList row :
            rows(client, "SELECT key_bytes FROM `" + project + "." + dataset + "." + KEY_TABLE + "`")) {
          keys.add(row.get(0).getBytesValue());
        }
      }
      if (keys.size() != 1) {
        throw new IOException(
            String.format(
                "%s holds %d erasure request(s) but %s.%s.%s holds %d keys (exactly one expected):"
                    + " the landing cannot recognise erased customers' lines, and landing them"
                    + " would bring them back. Restore the key (erasure operators) and run again.",
                logTable(), byHash.size(), project, dataset, KEY_TABLE, keys.size()));
      }
      return new Erasures(keys.get(0), byHash);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading " + logTable(), e);
    } catch (BigQueryException e) {
      throw new IOException("Cannot read the erasure log " + logTable() + ": " + e.getMessage(), e);
    }
  }

  private boolean exists(BigQuery client, String table) {
    try {
      return client.getTable(TableId.of(project, dataset, table)) != null;
    } catch (BigQueryException e) {
      if (e.getCode() == 404) {
        return false; // no privacy dataset
      }
      throw e;
    }
  }

  private static Iterable<FieldValueList> rows(BigQuery client, String sql)
      throws InterruptedException {
    return client.query(QueryJobConfiguration.newBuilder(sql).build()).iterateAll();
  }
}
