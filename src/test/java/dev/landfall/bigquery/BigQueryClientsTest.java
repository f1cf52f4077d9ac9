package dev.landfall.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.http.HttpTransportOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The settings the built clients really carry, read back from their options. */
class BigQueryClientsTest {

  private static final String LOCAL = "http://127.0.0.1:9050/";

  @Test
  void localClient_allowsARequestAnHourAndTriesOnce() {
    BigQuery bigQuery = BigQueryClients.create("landfall-local", LOCAL);

    BigQueryOptions options = bigQuery.getOptions();
    HttpTransportOptions transport = (HttpTransportOptions) options.getTransportOptions();
    RetrySettings retry = options.getRetrySettings();
    assertEquals(Duration.ofHours(1).toMillis(), transport.getReadTimeout());
    assertEquals(Duration.ofSeconds(10).toMillis(), transport.getConnectTimeout());
    assertEquals(1, retry.getMaxAttempts());
    assertEquals(Duration.ofHours(1), retry.getTotalTimeoutDuration());
    assertEquals(Duration.ofHours(1), retry.getInitialRpcTimeoutDuration());
    assertEquals(Duration.ofHours(1), retry.getMaxRpcTimeoutDuration());
  }

  @Test
  void localClient_talksToTheEndpointWithoutCredentials() {
    BigQueryOptions options = BigQueryClients.create("landfall-local", LOCAL).getOptions();

    assertEquals("http://127.0.0.1:9050", options.getHost());
    assertEquals(NoCredentials.getInstance(), options.getCredentials());
    assertEquals("landfall-local", options.getProjectId());
    assertEquals(true, options.getUseInt64Timestamps());
  }

  @Test
  void cloudClient_keepsTheLibraryDefaults() {
    BigQueryOptions defaults = BigQueryOptions.newBuilder().setProjectId("p").build();

    BigQueryOptions options = BigQueryClients.options("p", null);

    HttpTransportOptions transport = (HttpTransportOptions) options.getTransportOptions();
    HttpTransportOptions defaultTransport = (HttpTransportOptions) defaults.getTransportOptions();
    assertEquals(defaultTransport.getReadTimeout(), transport.getReadTimeout());
    assertEquals(defaults.getRetrySettings(), options.getRetrySettings());
    assertEquals(defaults.getHost(), options.getHost());
  }

  @Test
  void options_rejectAnEndpointThatIsNotAUrl() {
    assertThrows(IllegalArgumentException.class, () -> BigQueryClients.options("p", "localhost"));
    assertThrows(IllegalArgumentException.class, () -> BigQueryClients.options(" ", LOCAL));
  }
}
