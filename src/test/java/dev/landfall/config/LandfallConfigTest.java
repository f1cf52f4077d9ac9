package dev.landfall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandfallConfigTest {

  @Test
  void load_shippedConfig() {
    LandfallConfig config = LandfallConfig.load(repoFile("terraform/config.yaml"));

    assertEquals("my-bank-data-project", config.projectId());
    assertEquals("EU", config.location());
    assertEquals("GBP", config.baseCurrency());
    assertEquals(List.of("customers", "transactions"), List.copyOf(config.sources().keySet()));
    assertEquals("medium", config.sources().get("transactions").size());
    assertEquals(10, config.sizeOf(config.sources().get("transactions")).maxWorkers());
    assertEquals(
        Map.of(
            "lake_dataset",
            "lake",
            "customers_dataset",
            "customers",
            "transactions_dataset",
            "transactions",
            "analytics_dataset",
            "analytics",
            "privacy_dataset",
            "privacy",
            "base_currency",
            "GBP",
            "max_future_days",
            "1"),
        config.sqlVariables());
  }

  @Test
  void parse_maxFutureDays_defaultsToOneAndRejectsNegatives() {
    assertEquals(1, LandfallConfig.parse("project_id: p\nregion: r\n", "test").maxFutureDays());
    assertEquals(
        "3",
        LandfallConfig.parse("project_id: p\nregion: r\nmax_future_days: 3\n", "test")
            .sqlVariables()
            .get("max_future_days"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> LandfallConfig.parse("project_id: p\nregion: r\nmax_future_days: -1\n", "t"));
    assertTrue(
        e.getMessage().contains("max_future_days must be a whole number from 0 to 366"),
        e.getMessage());
  }

  @Test
  void parse_requiredKeysOnly_fillsEveryDefault() {
    LandfallConfig config = LandfallConfig.parse("project_id: p\nregion: r\n", "test");

    assertEquals("EU", config.location());
    assertEquals("landfall", config.namePrefix());
    assertEquals("GBP", config.baseCurrency());
    assertEquals("lake", config.lakeDataset());
    assertEquals("analytics", config.dataset("analytics"));
    assertEquals("privacy", config.privacyDataset());
    assertEquals(List.of("small", "medium", "large"), List.copyOf(config.sizePresets().keySet()));
    assertEquals("30 5 * * *", config.sources().get("customers").unpackSchedule());
    assertEquals("Europe/London", config.timeZone());
    assertEquals("0 7 * * 1", config.snapshotSchedule());
    assertEquals(0.05, config.rejectRateThreshold());
  }

  @Test
  void parse_sourceDefaultsAndRenamedDataset() {
    LandfallConfig config =
        LandfallConfig.parse(
            "project_id: p\nregion: r\ndatasets: {lake: raw}\nsources:\n  payments: {}\n", "test");

    assertEquals("raw", config.sqlVariables().get("lake_dataset"));
    assertEquals("customers", config.customersDataset());
    Source payments = config.sources().get("payments");
    assertEquals("small", payments.size());
    assertNull(payments.unpackSchedule());
  }

  @Test
  void withDatasetSuffix_suffixesEveryDataset() {
    LandfallConfig config =
        LandfallConfig.parse("project_id: p\nregion: r\n", "test").withDatasetSuffix("t1");

    assertEquals("lake_t1", config.sqlVariables().get("lake_dataset"));
    assertEquals("analytics_t1", config.analyticsDataset());
    assertThrows(IllegalArgumentException.class, () -> config.withDatasetSuffix("bad-suffix"));
  }

  @Test
  void loadWithSuffix_andProjectOr_asTheCommandsUseThem(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "project_id: p\nregion: r\n");

    assertEquals("lake", LandfallConfig.load(file, null).sqlVariables().get("lake_dataset"));
    LandfallConfig suffixed = LandfallConfig.load(file, "t1");
    assertEquals("lake_t1", suffixed.sqlVariables().get("lake_dataset"));
    assertEquals("p", suffixed.projectOr(null));
    assertEquals("other", suffixed.projectOr("other"));
  }

  @Test
  void parse_reportsEveryProblemWithItsKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                LandfallConfig.parse(
                    "region: r\n"
                        + "base_curency: EUR\n"
                        + "sources:\n"
                        + "  customers: {size: huge, schedual: x}\n",
                    "config.yaml"));

    String message = e.getMessage();
    assertTrue(message.startsWith("config.yaml: "), message);
    assertTrue(message.contains("missing required key 'project_id'"), message);
    assertTrue(message.contains("unknown key 'base_curency'"), message);
    assertTrue(
        message.contains(
            "sources.customers.size: unknown size preset 'huge'"
                + " (known: small, medium, large)"),
        message);
    assertTrue(message.contains("unknown key 'sources.customers.schedual'"), message);
  }

  @Test
  void parse_rejectsBadValues() {
    String message =
        assertThrows(
                ConfigException.class,
                () ->
                    LandfallConfig.parse(
                        "project_id: p\n"
                            + "region: r\n"
                            + "base_currency: pounds\n"
                            + "datasets: {lake: my-lake}\n"
                            + "size_presets: {small: {machine_type: e2, num_workers: 3,"
                            + " max_workers: 2}}\n"
                            + "alerting: {reject_rate_threshold: 2}\n",
                        "c"))
            .getMessage();

    assertTrue(message.contains("base_currency must be a 3-letter ISO 4217 code"), message);
    assertTrue(message.contains("datasets.lake must be letters, digits or _"), message);
    assertTrue(
        message.contains("size_presets.small.max_workers (2) is below num_workers"), message);
    assertTrue(
        message.contains("alerting.reject_rate_threshold must be a number from 0 to 1"), message);
  }

  @Test
  void parse_eachSectionHasItsOwnClass() {
    LandfallConfig config =
        LandfallConfig.parse(
            "project_id: p\nregion: r\n"
                + "access: {business_user_groups: [a@example.com]}\n"
                + "pii: {policy_tag: personal}\n"
                + "alerting: {notification_email: ops@example.com}\n"
                + "snapshot: {schedule: '0 8 * * 1'}\n",
            "test");

    assertEquals(List.of("a@example.com"), config.access().businessUserGroups());
    assertEquals(List.of(), config.access().dataEngineerGroups());
    assertEquals("personal", config.pii().policyTag());
    assertEquals(Pii.DEFAULT_COLUMNS, config.pii().columns());
    assertTrue(config.pii().holdsPersonalData("customers", "rejects", "data_string"));
    assertTrue(config.pii().holdsPersonalData("analytics", "top_customers_snapshots", "email"));
    assertFalse(config.pii().holdsPersonalData("transactions", "rejects", "data_string"));
    assertEquals(new Alerting("ops@example.com", 0.05), config.alerting());
    assertEquals(new Snapshot("0 8 * * 1"), config.snapshot());
    assertEquals(new SizePreset("e2-standard-2", 1, 2), config.sizePresets().get("small"));
  }

  @Test
  void parse_listKeyGivenAValue_isReported() {
    String message =
        assertThrows(
                ConfigException.class,
                () ->
                    LandfallConfig.parse(
                        "project_id: p\nregion: r\naccess: {data_engineer_groups: x}\n", "c"))
            .getMessage();

    assertTrue(message.contains("access.data_engineer_groups must be a list"), message);
  }

  /** The optional keys config.yaml shows commented out are keys this reader accepts too. */
  @Test
  void load_shippedConfigWithEveryCommentedKeyUncommented() throws Exception {
    String text = Files.readString(repoFile("terraform/config.yaml"));
    // "# key: value" and "#   nested: value" lines whose value looks like YAML (quoted, a list,
    // a mapping, a number, a boolean, a resource name or a <placeholder>), or a mapping's
    // first line; not prose ("# schedule: cron (Cloud Scheduler, ...)").
    String uncommented =
        Pattern.compile(
                "(?m)^# ( *)([a-z_]+:(?: *$| +(?:[\"\\[{<0-9]|true|false|projects/|regions/)))")
            .matcher(text)
            .replaceAll("$1$2");
    assertTrue(uncommented.contains("\nkms_key:"), "config.yaml shows the optional keys");

    LandfallConfig config = LandfallConfig.parse(uncommented, "config.yaml");

    assertEquals("my-bank-data-project", config.projectId());
  }

  private static Path repoFile(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (d.resolve(relative).toFile().isFile()) {
        return d.resolve(relative);
      }
    }
    throw new IllegalStateException(relative + " not found");
  }

  @Test
  void parse_erasure_defaultsToDeleteAndRefusesOtherModes() {
    assertEquals(
        "delete", LandfallConfig.parse("project_id: p\nregion: r\n", "t").erasure().transactions());
    assertEquals(
        "pseudonymise",
        LandfallConfig.parse(
                "project_id: p\nregion: r\nerasure:\n  transactions: pseudonymise\n", "t")
            .erasure()
            .transactions());
    assertEquals(
        List.of("ops@example.com"),
        LandfallConfig.parse(
                "project_id: p\nregion: r\naccess:\n  erasure_groups: [ops@example.com]\n", "t")
            .access()
            .erasureGroups());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                LandfallConfig.parse(
                    "project_id: p\nregion: r\nerasure:\n  transactions: keep\n", "t"));
    assertTrue(
        e.getMessage().contains("erasure.transactions must be delete or pseudonymise"),
        e.getMessage());
  }
}
