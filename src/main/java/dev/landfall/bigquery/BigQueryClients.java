package dev.landfall.bigquery;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.http.HttpTransportOptions;
import java.net.URI;
import java.time.Duration;

/**
 * Builds the BigQuery client: the same code talks to Google Cloud and to the local engine, which
 * differ only in the endpoint and the credentials.
 */
public final class BigQueryClients {

  /**
   * How long one request to a local engine may take. The engine runs a whole job inside its
   * {@code jobs.insert}/{@code jobs.query} request, and a CALL over a big local lake takes minutes:
   * with the client's default timeouts it failed after about two minutes with an
   * InterruptedException while the engine was still working.
   */
  public static final Duration LOCAL_REQUEST_TIMEOUT = Duration.ofHours(1);

  /** Connecting is local: a refused or silent port is an engine that is down, not a slow job. */
  public static final Duration LOCAL_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private BigQueryClients() {}

  /**
   * A client for {@code projectId}.
   *
   * @param endpointOrNull base URL of a local BigQuery engine (e.g. {@code http://127.0.0.1:9050}),
   *     used without credentials; null for Google Cloud with application default credentials
   */
  public static BigQuery create(String projectId, String endpointOrNull) {
    return options(projectId, endpointOrNull).getService();
  }

  /** The options behind {@link #create}, for callers (such as Beam) that need them. */
  public static BigQueryOptions options(String projectId, String endpointOrNull) {
    if (projectId == null || projectId.isBlank()) {
      throw new IllegalArgumentException("a BigQuery project id is required");
    }
    BigQueryOptions.Builder builder =
        BigQueryOptions.newBuilder()
            .setProjectId(projectId)
            // TIMESTAMP cells as INT64 microseconds: exact, and the only form the local engine
            // returns (it ignores the request and always sends microseconds).
            .setUseInt64Timestamps(true);
    if (endpointOrNull != null && !endpointOrNull.isBlank()) {
      URI endpoint = URI.create(endpointOrNull.strip());
      if (endpoint.getScheme() == null || endpoint.getHost() == null) {
        throw new IllegalArgumentException(
            "BigQuery endpoint must be a URL such as http://127.0.0.1:9050, got: "
                + endpointOrNull);
      }
      builder
          .setHost(endpointOrNull.strip().replaceAll("/+$", ""))
          .setCredentials(NoCredentials.getInstance())
          .setTransportOptions(
              HttpTransportOptions.newBuilder()
                  .setConnectTimeout((int) LOCAL_CONNECT_TIMEOUT.toMillis())
                  .setReadTimeout((int) LOCAL_REQUEST_TIMEOUT.toMillis())
                  .build())
          // A local failure is not transient: retrying a failed statement only repeats it (and
          // its error) after a back-off, so one attempt, which may take as long as the job.
          .setRetrySettings(
              RetrySettings.newBuilder()
                  .setMaxAttempts(1)
                  .setTotalTimeoutDuration(LOCAL_REQUEST_TIMEOUT)
                  .setInitialRpcTimeoutDuration(LOCAL_REQUEST_TIMEOUT)
                  .setMaxRpcTimeoutDuration(LOCAL_REQUEST_TIMEOUT)
                  .build());
    }
    return builder.build();
  }

  /**
   * A client from the environment: {@code LANDFALL_BQ_ENDPOINT} (local engine, if set) and {@code
   * LANDFALL_BQ_PROJECT} (else {@code fallbackProjectId}).
   */
  public static BigQuery fromEnvironment(String fallbackProjectId) {
    String endpoint = System.getenv("LANDFALL_BQ_ENDPOINT");
    String project = System.getenv("LANDFALL_BQ_PROJECT");
    return create(project == null || project.isBlank() ? fallbackProjectId : project, endpoint);
  }
}
