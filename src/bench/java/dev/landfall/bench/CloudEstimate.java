package dev.landfall.bench;

import dev.landfall.config.SizePreset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measure 6, on paper: workers and time per size preset to land 10 GB and 100 GB of CSV on
 * Dataflow, from Google's published BigQuery write throughput per e2-standard-2 worker (Storage
 * Write API about 54k rows/s, file loads about 77k rows/s), scaled by vCPUs (an assumption: e2
 * and n2 vCPUs counted alike, which is conservative for n2). Job start-up (minutes) is not
 * included. Rows per GB come from the generated files' measured bytes per record.
 */
final class CloudEstimate {
  static final double FILE_LOADS_PER_2VCPU = 77_000;
  static final double STORAGE_WRITE_PER_2VCPU = 54_000;

  private CloudEstimate() {}

  record Line(
      String preset,
      String machineType,
      int vcpusPerWorker,
      int numWorkers,
      int maxWorkers,
      double gigabytes,
      double rows,
      double fileLoadsSeconds,
      double storageWriteSeconds,
      double vcpuHours) {}

  static List<Line> estimate(Map<String, SizePreset> presets, double bytesPerRecord) {
    List<Line> lines = new ArrayList<>();
    for (double gb : new double[] {10, 100}) {
      double rows = gb * 1e9 / bytesPerRecord;
      for (Map.Entry<String, SizePreset> preset : presets.entrySet()) {
        SizePreset p = preset.getValue();
        int vcpus = vcpus(p.machineType());
        double workerScale = vcpus / 2.0;
        double fileLoads = rows / (p.maxWorkers() * FILE_LOADS_PER_2VCPU * workerScale);
        double storageWrite = rows / (p.maxWorkers() * STORAGE_WRITE_PER_2VCPU * workerScale);
        // Busy vCPU time is the same whatever the worker count: rows / rate per vCPU.
        double vcpuHours = rows / (FILE_LOADS_PER_2VCPU / 2) / 3600;
        lines.add(
            new Line(
                preset.getKey(), p.machineType(), vcpus, p.numWorkers(), p.maxWorkers(), gb, rows,
                fileLoads, storageWrite, vcpuHours));
      }
    }
    return lines;
  }

  /** vCPUs of a machine type named like {@code e2-standard-4}. */
  static int vcpus(String machineType) {
    String[] parts = machineType.split("-");
    try {
      return Integer.parseInt(parts[parts.length - 1]);
    } catch (NumberFormatException e) {
      return 2;
    }
  }
}
