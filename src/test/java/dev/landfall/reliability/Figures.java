package dev.landfall.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures docs/reliability.md reports, counted by the tests as they run and written to
 * {@code target/reliability-figures.txt} when the test JVM exits (one line per figure), so the
 * note quotes a run rather than a guess.
 */
final class Figures {
  private static final Map<String, AtomicLong> COUNTS = new ConcurrentSkipListMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Figures::write, "reliability-figures"));
  }

  private Figures() {}

  static void add(String figure, long n) {
    COUNTS.computeIfAbsent(figure, f -> new AtomicLong()).addAndGet(n);
  }

  static void set(String figure, long n) {
    COUNTS.computeIfAbsent(figure, f -> new AtomicLong()).set(n);
  }

  private static void write() {
    if (COUNTS.isEmpty()) {
      return;
    }
    StringBuilder out = new StringBuilder();
    COUNTS.forEach((figure, n) -> out.append(String.format("%-58s %d%n", figure, n.get())));
    try {
      Path target = Path.of("target");
      Files.createDirectories(target);
      Files.writeString(target.resolve("reliability-figures.txt"), out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("reliability figures not written: " + e);
    }
  }
}
