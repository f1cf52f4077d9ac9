package dev.landfall.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.landfall.landing.BenchEntryPoint;
import dev.landfall.landing.LandingPipeline;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness is not product code (issue 19 §6): the shaded jar, and so the template
 * image, is built from the main classes only, and none of them is benchmark code. The built jar
 * itself is checked by {@code scripts/lib/build.sh} whenever the benchmark runs.
 */
class ProductJarTest {

  @Test
  void benchmarkClasses_areNotInTheProductClasses() throws Exception {
    Path mainClasses = codeSource(LandingPipeline.class);
    List<String> leaked;
    try (Stream<Path> files = Files.walk(mainClasses)) {
      leaked =
          files
              .map(f -> mainClasses.relativize(f).toString().replace('\\', '/'))
              .filter(f -> f.startsWith("dev/landfall/bench/") || f.contains("BenchEntryPoint"))
              .collect(Collectors.toList());
    }

    assertEquals(List.of(), leaked, "benchmark classes in " + mainClasses);
  }

  @Test
  void benchmarkHarness_comesFromItsOwnSourceSet() throws Exception {
    Path product = codeSource(LandingPipeline.class);

    assertFalse(codeSource(Bench.class).equals(product), "Bench compiled into the product classes");
    assertFalse(
        codeSource(BenchEntryPoint.class).equals(product),
        "BenchEntryPoint compiled into the product classes");
  }

  private static Path codeSource(Class<?> type) throws URISyntaxException, IOException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
  }
}
