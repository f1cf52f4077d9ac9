package dev.landfall.deploy;

import static dev.landfall.deploy.RoutineFileTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.config.LandfallConfig;
import dev.landfall.config.Pii;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 §4: every column holding personal data carries the policy tag, in every table. Fails
 * when a table file gets such a column (by its name, or a raw {@code data_string} of customers
 * rows) that {@code pii.columns} does not make the deploy tag.
 */
class PiiTagsTest {

  /** Column names that hold personal data whatever the table. */
  private static final Pattern PERSONAL_NAME =
      Pattern.compile(
          "(?i).*((first|last|middle|full|sur|given|family)_?name|e_?mail|birth|dob|phone|address"
              + "|post_?code|zip|national_id|passport|ssn|ip_address).*");

  /** Packages whose tables hold customers rows, so their raw data_string is personal. */
  private static final Set<String> CUSTOMER_ROW_PACKAGES = Set.of("lake", "customers");

  @Test
  void repository_everyPersonalColumnIsTagged() {
    Pii pii = shippedConfig().pii();

    assertEquals(List.of(), untagged(Repo.root().resolve("routines"), pii));
  }

  @Test
  void repository_tagPlanCoversEveryCopy() {
    Map<String, Set<String>> plan = plan(Repo.root().resolve("routines"), shippedConfig().pii());

    Set<String> names = Set.of("date_of_birth", "email", "first_name", "last_name");
    assertEquals(names, plan.get("customers.customers_history"));
    assertEquals(names, plan.get("customers.duplicates"));
    assertEquals(names, plan.get("analytics.top_customers_snapshots"));
    assertEquals(Set.of("data_string"), plan.get("customers.rejects"));
    assertEquals(Set.of("data_string"), plan.get("lake.raw_records"));
    assertEquals(null, plan.get("transactions.rejects"), "transactions rows hold no personal data");
    assertEquals(
        List.of(),
        PiiTags.unknownEntries(shippedConfig().pii(), qualifiedColumns(Repo.root().resolve("routines"))),
        "every qualified pii.columns entry names a real column");
  }

  @Test
  void newTableWithAnUntaggedPersonalColumn_fails(@TempDir Path dir) throws IOException {
    Path routines = dir.resolve("routines");
    DeployerTest.manifest(routines, "lake");
    DeployerTest.manifest(routines, "customers", "lake");
    write(
        routines.resolve("customers/contacts.sql"),
        "CREATE TABLE IF NOT EXISTS `${customers_dataset}.contacts` (customer_id STRING,"
            + " email STRING, mobile_phone STRING, data_string STRING)");

    assertEquals(
        List.of("customers.contacts.data_string", "customers.contacts.mobile_phone"),
        untagged(routines, shippedConfig().pii()));
    Pii extended =
        LandfallConfig.parse(
                "project_id: p\nregion: r\npii: {columns: [email, mobile_phone,"
                    + " customers.contacts.data_string]}\n",
                "t")
            .pii();
    assertEquals(List.of(), untagged(routines, extended));
  }

  @Test
  void tagFor_textColumnsTakeTheHashedTagOthersTheDefaultValueTag() {
    assertEquals("t", PiiTags.tagFor("STRING", "t", "d"));
    assertEquals("t", PiiTags.tagFor("BYTES", "t", "d"));
    assertEquals("d", PiiTags.tagFor("DATE", "t", "d"));
    assertEquals("t", PiiTags.tagFor("DATE", "t", null));
  }

  /** service.table.column of every personal-looking column the tag plan leaves out. */
  private static List<String> untagged(Path routines, Pii pii) {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, TableSpec> t : tables(routines).entrySet()) {
      String service = t.getKey().substring(0, t.getKey().indexOf('.'));
      Set<String> tagged = PiiTags.columns(pii, service, t.getValue());
      for (TableSpec.Column c : t.getValue().columns()) {
        boolean personal =
            PERSONAL_NAME.matcher(c.name()).matches()
                || (c.name().equalsIgnoreCase("data_string") && CUSTOMER_ROW_PACKAGES.contains(service));
        if (personal && !tagged.contains(c.name())) {
          missing.add(t.getKey() + "." + c.name().toLowerCase(Locale.ROOT));
        }
      }
    }
    return missing.stream().sorted().toList();
  }

  private static Map<String, Set<String>> plan(Path routines, Pii pii) {
    Map<String, Set<String>> plan = new TreeMap<>();
    for (Map.Entry<String, TableSpec> t : tables(routines).entrySet()) {
      String service = t.getKey().substring(0, t.getKey().indexOf('.'));
      Set<String> tagged = PiiTags.columns(pii, service, t.getValue());
      if (!tagged.isEmpty()) {
        plan.put(t.getKey(), tagged);
      }
    }
    return plan;
  }

  private static Set<String> qualifiedColumns(Path routines) {
    Set<String> columns = new TreeSet<>();
    tables(routines).forEach((key, spec) -> spec.columns().forEach(c -> columns.add(key + "." + c.name())));
    return columns;
  }

  /** service.table → spec of every table file (datasets named after their keys). */
  private static Map<String, TableSpec> tables(Path routines) {
    Map<String, String> variables = shippedConfig().sqlVariables();
    Map<String, TableSpec> tables = new TreeMap<>();
    for (ServicePackage p : Packages.discover(routines)) {
      for (RoutineFile f : p.files()) {
        if (f.kind() == RoutineFile.Kind.TABLE) {
          TableSpec spec = TableDdl.parse(f.substitute(variables));
          tables.put(p.name() + "." + spec.name().substring(spec.name().lastIndexOf('.') + 1), spec);
        }
      }
    }
    return tables;
  }

  private static LandfallConfig shippedConfig() {
    return LandfallConfig.load(Repo.root().resolve("terraform/config.yaml"));
  }
}
