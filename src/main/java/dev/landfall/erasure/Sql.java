package dev.landfall.erasure;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.JobException;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;

/** Runs one query job and waits for it; failures become {@link ErasureException}. */
final class Sql {
  private Sql() {}

  static TableResult query(BigQuery bigQuery, QueryJobConfiguration query) {
    try {
      return bigQuery.query(query.toBuilder().setUseLegacySql(false).build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ErasureException("interrupted", e);
    } catch (BigQueryException | JobException e) {
      throw new ErasureException(e.getMessage(), e);
    }
  }
}
