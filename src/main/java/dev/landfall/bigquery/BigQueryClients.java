package dev.landfall.bigquery;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;

/** TEMPORARY stub until the engine branch lands. */
public final class BigQueryClients {
  private BigQueryClients() {}

  public static BigQuery create(String projectId, String endpoint) {
    BigQueryOptions.Builder b = BigQueryOptions.newBuilder().setProjectId(projectId);
    if (endpoint != null) {
      b.setHost(endpoint).setCredentials(NoCredentials.getInstance());
    }
    return b.build().getService();
  }
}
