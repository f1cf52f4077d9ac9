package dev.landfall.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CONTRACT §1: a file's source comes from configured rules; the folder wins over the prefix. */
class SourceRulesTest {
  private static final SourceRules DEFAULTS = SourceRules.parse("customers;transactions;customer");

  @Test
  void folder_anywhereInThePath() {
    assertEquals(Optional.of("customers"), DEFAULTS.sourceOf("customers/2026-11-01.csv"));
    assertEquals(Optional.of("customers"), DEFAULTS.sourceOf("2026/customers/export.csv"));
    assertEquals(Optional.of("transactions"), DEFAULTS.sourceOf("eu/2026/Transactions/11/x.csv"));
  }

  @Test
  void prefix_whenNoFolderMatches() {
    assertEquals(Optional.of("customers"), DEFAULTS.sourceOf("customers_2026-11-01.csv"));
    assertEquals(Optional.of("transactions"), DEFAULTS.sourceOf("drop/2026/Transactions_x.csv"));
  }

  @Test
  void folder_winsOverThePrefixOfAnotherSource() {
    // The case: "customer" is a configured source here, and still loses to the folder.
    assertEquals(Optional.of("customers"), DEFAULTS.sourceOf("customers/customer_export.csv"));
    assertEquals(Optional.of("transactions"), DEFAULTS.sourceOf("transactions/customers_oops.csv"));
  }

  @Test
  void unknown_matchesNoSource() {
    SourceRules shipped = SourceRules.parse("customers;transactions");
    assertEquals(Optional.empty(), shipped.sourceOf("customer/customer_export.csv"));
    assertEquals(Optional.empty(), shipped.sourceOf("payments/2026-11-01.csv"));
    assertEquals(Optional.empty(), shipped.sourceOf("customersx.csv"));
    assertEquals(Optional.empty(), shipped.sourceOf("customers.csv"), "a name without the _ is no prefix");
  }

  @Test
  void configuredGlobs_replaceTheDefaultsOfTheirSource_firstSourceWins() {
    SourceRules rules =
        SourceRules.parse("payments=exports/pay_*.csv|**/card/*.csv;customers;refunds=exports/**");

    assertEquals(Optional.of("payments"), rules.sourceOf("exports/pay_2026.csv"));
    assertEquals(Optional.of("payments"), rules.sourceOf("eu/card/x.csv"));
    assertEquals(Optional.of("refunds"), rules.sourceOf("exports/ref_2026.csv"));
    assertEquals(Optional.empty(), rules.sourceOf("payments/2026.csv"), "globs replace the folder rule");
    assertEquals(Optional.of("customers"), rules.sourceOf("exports/customers/x.csv"), "tier 1 in config order");
  }

  @Test
  void specRoundTripsFromConfig() {
    Map<String, List<String>> config = new LinkedHashMap<>();
    config.put("customers", List.of());
    config.put("payments", List.of("exports/pay_*.csv", "**/card/*.csv"));
    String spec = SourceRules.spec(config);

    assertEquals("customers;payments=exports/pay_*.csv|**/card/*.csv", spec);
    assertEquals(spec, SourceRules.parse(spec).toString());
  }

  @Test
  void spec_fromConfigYamlPaths() {
    dev.landfall.config.LandfallConfig config =
        dev.landfall.config.LandfallConfig.parse(
            String.join(
                "\n",
                "project_id: my-project-1",
                "region: europe-west2",
                "sources:",
                "  customers: {}",
                "  payments:",
                "    paths: [\"exports/pay_*.csv\", \"**/card/*.csv\"]",
                ""),
            "test.yaml");

    String spec = SourceRules.spec(config.sources().values());

    assertEquals("customers;payments=exports/pay_*.csv|**/card/*.csv", spec);
    assertEquals(Optional.of("payments"), SourceRules.parse(spec).sourceOf("exports/pay_1.csv"));
  }

  @Test
  void parse_refusesBadNamesAndDuplicates() {
    assertThrows(IllegalArgumentException.class, () -> SourceRules.parse("Customers"));
    assertThrows(IllegalArgumentException.class, () -> SourceRules.parse("customers;customers"));
    assertThrows(IllegalArgumentException.class, () -> SourceRules.parse("payments="));
    assertThrows(IllegalArgumentException.class, () -> SourceRules.parse(""));
  }

  @Test
  void root_isThePatternsFolderBeforeItsFirstWildcard() {
    assertEquals("gs://b/landing/", SourceRules.root("gs://b/landing/**.csv"));
    assertEquals("gs://b/", SourceRules.root("gs://b/*/x.csv"));
    assertEquals("/data/in/", SourceRules.root("/data/in/customers_1.csv"));
    assertEquals("customers/x.csv", SourceRules.relativize("gs://b/", "gs://b/customers/x.csv"));
  }
}
