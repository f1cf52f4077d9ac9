package dev.landfall.bench;

import dev.landfall.landing.BenchEntryPoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * One landing run in its own JVM (so each run's heap, JIT and peak RSS are its own), launched by
 * {@link Bench}. Prints one result line: {@code RESULT records=N wall=S cpu=S rss_kb=K}.
 *
 * <pre>
 * LandRun plain  INPUT_DIR OUTPUT_DIR
 * LandRun beam   INPUT_DIR OUTPUT_DIR [pipeline options...]
 * </pre>
 */
public final class LandRun {
  static final String INGESTION_TIMESTAMP = "2026-11-01T05:00:00Z";

  private LandRun() {}

  public static void main(String[] args) throws IOException {
    String mode = args[0];
    Path input = Path.of(args[1]).toAbsolutePath();
    Path output = Path.of(args[2]).toAbsolutePath();
    List<String> options = new ArrayList<>(Arrays.asList(args).subList(3, args.length));
    Files.createDirectories(output);
    String loadId = args.length > 3 ? "bench-beam" : "bench-plain";
    long wallStart = System.nanoTime();
    long cpuStart = processCpuNanos();
    long records;
    if (mode.equals("plain")) {
      List<Path> files;
      try (Stream<Path> list = Files.list(input)) {
        files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
      }
      records = PlainLanding.land(files, output.resolve("rows.json"), INGESTION_TIMESTAMP, loadId);
    } else if (mode.equals("beam")) {
      BenchEntryPoint.Outcome outcome =
          BenchEntryPoint.landToFiles(
              input + "/*.csv", output + "/rows", INGESTION_TIMESTAMP, loadId, options);
      if (!"DONE".equals(outcome.state().name())) {
        throw new IllegalStateException("Beam run ended " + outcome.state());
      }
      records = outcome.records();
    } else {
      throw new IllegalArgumentException("mode must be plain or beam, was " + mode);
    }
    double wall = (System.nanoTime() - wallStart) / 1e9;
    double cpu = (processCpuNanos() - cpuStart) / 1e9;
    System.out.printf(
        "RESULT records=%d wall=%.3f cpu=%.3f rss_kb=%d%n", records, wall, cpu, peakRssKb());
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Peak resident set size of this process (VmHWM), in KiB; -1 where /proc is missing. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no figure
    }
    return -1;
  }
}
