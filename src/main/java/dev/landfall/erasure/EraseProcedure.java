package dev.landfall.erasure;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls {@code privacy.erase_customer} with query parameters, so the customer id is never part of
 * the job's query text (INFORMATION_SCHEMA.JOBS keeps query text 180 days; a parameter value is
 * not in it: https://cloud.google.com/bigquery/docs/information-schema-jobs).
 */
final class EraseProcedure {
  private final BigQuery bigQuery;
  private final String procedure;

  EraseProcedure(BigQuery bigQuery, String projectId, String privacyDataset) {
    this.bigQuery = bigQuery;
    this.procedure = "`" + projectId + "." + privacyDataset + ".erase_customer`";
  }

  ErasureResult call(
      String customerId, String customerKeyHash, String requestId, String mode, boolean dryRun) {
    TableResult result =
        Sql.query(
            bigQuery,
            QueryJobConfiguration.newBuilder(
                    "CALL "
                        + procedure
                        + "(@erasure_customer_id, @erasure_key_hash, @erasure_request_id,"
                        + " @erasure_transactions_mode, @erasure_dry_run)")
                .addNamedParameter("erasure_customer_id", QueryParameterValue.string(customerId))
                .addNamedParameter("erasure_key_hash", QueryParameterValue.string(customerKeyHash))
                .addNamedParameter("erasure_request_id", QueryParameterValue.string(requestId))
                .addNamedParameter("erasure_transactions_mode", QueryParameterValue.string(mode))
                .addNamedParameter("erasure_dry_run", QueryParameterValue.bool(dryRun))
                .build());
    String status = null;
    String loggedMode = mode;
    List<ErasureResult.TableCount> counts = new ArrayList<>();
    for (FieldValueList row : result.iterateAll()) {
      status = row.get("status").getStringValue();
      loggedMode = row.get("transactions_mode").getStringValue();
      counts.add(
          new ErasureResult.TableCount(
              row.get("table_name").getStringValue(), row.get("row_count").getLongValue()));
    }
    if (status == null) {
      throw new ErasureException("erase_customer returned no rows: is the privacy package deployed?");
    }
    return new ErasureResult(status, loggedMode, List.copyOf(counts));
  }
}
