package dev.landfall.erasure;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableResult;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The key of the keyed hash, in {@code privacy.erasure_key}: read, or created (32 random bytes) on
 * first use. Two commands creating it at once both insert a row; every reader takes the oldest
 * (created_at, key_id), so they agree on one key.
 */
final class ErasureKey {
  static final int KEY_BYTES = 32;

  private final BigQuery bigQuery;
  private final String table;

  ErasureKey(BigQuery bigQuery, String projectId, String privacyDataset) {
    this.bigQuery = bigQuery;
    this.table = "`" + projectId + "." + privacyDataset + ".erasure_key`";
  }

  /** The key, or null when none was created yet. */
  byte[] read() {
    TableResult result =
        Sql.query(
            bigQuery,
            QueryJobConfiguration.newBuilder(
                    "SELECT key_bytes FROM " + table + " ORDER BY created_at, key_id LIMIT 1")
                .build());
    for (FieldValueList row : result.iterateAll()) {
      return row.get(0).getBytesValue();
    }
    return null;
  }

  /** The key; creates it when there is none. */
  byte[] readOrCreate() {
    byte[] key = read();
    if (key != null) {
      return key;
    }
    byte[] fresh = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(fresh);
    Sql.query(
        bigQuery,
        QueryJobConfiguration.newBuilder(
                "INSERT INTO "
                    + table
                    + " (key_id, key_bytes, created_at)"
                    + " VALUES (@new_key_id, FROM_BASE64(@new_key_base64), CURRENT_TIMESTAMP())")
            .addNamedParameter("new_key_id", QueryParameterValue.string(UUID.randomUUID().toString()))
            .addNamedParameter(
                "new_key_base64", QueryParameterValue.string(Base64.getEncoder().encodeToString(fresh)))
            .build());
    return read();
  }

  /** A key that is never stored: a dry run must not create one. */
  static byte[] ephemeral() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
