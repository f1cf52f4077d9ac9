package dev.landfall.deploy;

import static dev.landfall.deploy.RoutineFileTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 §3: every routines/<service>/ folder is a self-contained package. */
class PackagesTest {

  /**
   * Known crossings, each to be moved to the package it checks (reported to the lead). A new
   * crossing fails the test.
   */
  private static final Set<String> KNOWN_CROSSINGS =
      Set.of(
          // Checks analytics.monthly_spend: belongs in routines/analytics/tests/.
          "transactions/tests/implausible_dates.yaml names ${analytics_dataset}.monthly_spend but"
              + " transactions does not depend on analytics");

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{([a-z][a-z0-9_]*)_dataset}`?\\.`?([A-Za-z_][A-Za-z0-9_]*)");

  @Test
  void repositoryPackages_inDependencyOrderWithVersions() {
    List<ServicePackage> packages = Packages.discover(Repo.root().resolve("routines"));

    assertEquals(
        List.of("lake", "customers", "transactions", "analytics", "privacy"),
        packages.stream().map(ServicePackage::name).toList());
    for (ServicePackage p : packages) {
      assertTrue(p.version().matches("\\d+\\.\\d+\\.\\d+.*"), p.name());
      assertTrue(Files.isDirectory(p.dir().resolve("tests")), p.name() + " has its own tests");
    }
    assertEquals(List.of("customers", "transactions"), packages.get(3).dependsOn());
  }

  /**
   * A file of a package names only objects of its own package or of a package it depends on, and
   * only objects that package declares (a file of that name); no file reaches into another
   * package's folder.
   */
  @Test
  void repositoryPackages_referenceOnlyDeclaredObjectsOfTheirDependencies() throws IOException {
    Path routines = Repo.root().resolve("routines");
    List<ServicePackage> packages = Packages.discover(routines);
    Map<String, Set<String>> declared = new HashMap<>();
    for (ServicePackage p : packages) {
      Set<String> objects = new TreeSet<>();
      p.files().forEach(f -> objects.add(f.path().getFileName().toString().replace(".sql", "")));
      declared.put(p.name(), objects);
    }
    List<String> problems = new ArrayList<>();
    int references = 0;
    for (ServicePackage p : packages) {
      try (Stream<Path> walk = Files.walk(p.dir())) {
        for (Path file : walk.filter(Files::isRegularFile).toList()) {
          String name = file.getFileName().toString();
          if (!name.endsWith(".sql") && !name.endsWith(".yaml")) {
            continue;
          }
          String text = Files.readString(file);
          String where = routines.relativize(file).toString();
          for (ServicePackage other : packages) {
            if (other != p && (text.contains("../" + other.name() + "/") || text.contains("routines/" + other.name() + "/"))) {
              problems.add(where + " reaches into the files of package " + other.name());
            }
          }
          Matcher m = REFERENCE.matcher(text);
          while (m.find()) {
            references++;
            String pkg = m.group(1);
            String object = m.group(2);
            if (!pkg.equals(p.name()) && !p.dependsOn().contains(pkg)) {
              problems.add(where + " names ${" + pkg + "_dataset}." + object + " but " + p.name() + " does not depend on " + pkg);
            } else if (!declared.getOrDefault(pkg, Set.of()).contains(object)
                && !object.equals("INFORMATION_SCHEMA")
                && !(pkg.equals(p.name()) && where.contains("/tests/"))) {
              // A fixture may make scratch tables in its own package's dataset; nothing else.
              problems.add(where + " names " + pkg + "." + object + ", which package " + pkg + " does not declare");
            }
          }
        }
      }
    }
    problems.removeIf(p -> KNOWN_CROSSINGS.contains(p.replace('\\', '/')));
    assertEquals(List.of(), problems);
    assertTrue(references > 50, "references checked: " + references);
  }

  @Test
  void manifestProblems_areNamed(@TempDir Path dir) throws IOException {
    Path routines = dir.resolve("routines");
    write(routines.resolve("lake/t.sql"), "CREATE TABLE IF NOT EXISTS `${lake_dataset}.t` (x INT64)");
    DeployException missing = assertThrows(DeployException.class, () -> Packages.discover(routines));
    assertTrue(missing.getMessage().startsWith("routines/lake/package.yaml: missing"), missing.getMessage());

    DeployerTest.manifest(routines, "lake", "nowhere");
    DeployException unknown = assertThrows(DeployException.class, () -> Packages.discover(routines));
    assertTrue(unknown.getMessage().contains("depends on unknown package 'nowhere'"), unknown.getMessage());

    DeployerTest.manifest(routines, "lake", "other");
    DeployerTest.manifest(routines, "other", "lake");
    DeployException cycle = assertThrows(DeployException.class, () -> Packages.discover(routines));
    assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());

    write(routines.resolve("other/package.yaml"), "name: other\nversion: one\n");
    DeployException version = assertThrows(DeployException.class, () -> Packages.discover(routines));
    assertTrue(version.getMessage().contains("version 'one' must be a semantic version"), version.getMessage());
  }

  @Test
  void migrations_areOrderedByNumberAndNamedStrictly(@TempDir Path dir) throws IOException {
    Path routines = dir.resolve("routines");
    DeployerTest.manifest(routines, "lake");
    write(routines.resolve("lake/migrations/002_b.sql"), "SELECT 2");
    write(routines.resolve("lake/migrations/001_a.sql"), "SELECT 1");

    assertEquals(
        List.of("001_a.sql", "002_b.sql"),
        Packages.discover(routines).get(0).migrations().stream().map(ServicePackage.Migration::fileName).toList());

    write(routines.resolve("lake/migrations/2_c.sql"), "SELECT 3");
    assertThrows(DeployException.class, () -> Packages.discover(routines));
  }
}
