package dev.landfall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the machine is, for the results file: runs are only comparable on the same kind. */
final class Machine {
  private Machine() {}

  static String describe() {
    String cpu = firstValue("/proc/cpuinfo", "model name");
    long memKb = number(firstValue("/proc/meminfo", "MemTotal"));
    return String.format(
        "%s, %d cores visible to the JVM, %.1f GiB RAM, %s %s, Java %s (%s)",
        cpu == null ? "unknown CPU" : cpu,
        Runtime.getRuntime().availableProcessors(),
        memKb / 1024.0 / 1024.0,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
  }

  /** The 1-minute load average: how busy the shared machine was during a measure. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String firstValue(String file, String key) {
    try {
      List<String> lines = Files.readAllLines(Path.of(file));
      for (String line : lines) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return null;
  }

  private static long number(String text) {
    return text == null ? 0 : Long.parseLong(text.replaceAll("[^0-9]", ""));
  }
}
