package dev.landfall.routines;

import dev.landfall.testing.LocalBigQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every SQL fixture {@code routines/<service>/tests/*.yaml} as one test named {@code
 * <service>/<file>} on the local engine, each starting from empty tables: in datasets of its own
 * when it changes objects, else in a deployment the fixtures share (see {@link FixtureRunner}). {@code
 * -Dlandfall.fixtures=TEXT} runs only the fixtures whose name contains TEXT (comma-separated: any).
 */
class RoutineFixturesTest {

  @TestFactory
  Stream<DynamicTest> routineFixtures() throws IOException {
    Path root = LocalBigQuery.findRepoRoot();
    Path routines = root.resolve("routines");
    List<Path> fixtures;
    try (Stream<Path> services = Files.list(routines)) {
      fixtures =
          services
              .map(service -> service.resolve("tests"))
              .filter(Files::isDirectory)
              .flatMap(RoutineFixturesTest::yamlFiles)
              .sorted()
              .toList();
    }
    if (fixtures.isEmpty()) {
      throw new IllegalStateException("no fixtures under " + routines + "/*/tests/*.yaml");
    }
    String only = System.getProperty("landfall.fixtures", "");
    return fixtures.stream()
        .filter(file -> only.isBlank() || matches(file, only))
        .map(
            file -> {
              String name = file.getParent().getParent().getFileName() + "/" + file.getFileName();
              return DynamicTest.dynamicTest(
                  name,
                  file.toUri(),
                  () -> {
                    LocalBigQuery engine = LocalBigQuery.get();
                    new FixtureRunner(
                            engine.bigQuery(), engine.projectId(), engine.config(), routines)
                        .run(file, name);
                  });
            });
  }

  @AfterAll
  static void dropSharedDeployment() {
    FixtureRunner.dropSharedDeployment();
  }

  private static boolean matches(Path file, String only) {
    String name = file.getParent().getParent().getFileName() + "/" + file.getFileName();
    for (String part : only.split(",")) {
      if (!part.isBlank() && name.contains(part.strip())) {
        return true;
      }
    }
    return false;
  }

  private static Stream<Path> yamlFiles(Path testsDir) {
    try (Stream<Path> files = Files.list(testsDir)) {
      return files.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml")).toList().stream();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + testsDir, e);
    }
  }
}
