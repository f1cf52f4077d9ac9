package dev.landfall.bench;

import dev.landfall.config.SizePreset;
import dev.landfall.landing.LakeWriteMethod;
import dev.landfall.landing.LandingOptions;
import dev.landfall.landing.LoadFileFormat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Measure 6, on paper: workers and time per size preset to land 10 GB and 100 GB of CSV on
 * Dataflow, from Google's published BigQuery write throughput per e2-standard-2 worker (Beam 2.49,
 * 1 kB rows: Avro file loads about 77k rows/s, JSON file loads 53k, Storage Write API 54k),
 * scaled by vCPUs (an assumption: e2 and n2 vCPUs counted alike, which is conservative for n2).
 * Job start-up (minutes) is not included. Rows per GB come from the generated files' measured
 * bytes per record. The configured method's figure drives the pick and the vCPU time.
 */
final class CloudEstimate {
  /** A way to write the lake, with its published rows/s per e2-standard-2 worker. */
  enum Method {
    AVRO_LOADS("file loads (Avro)", 77_000),
    JSON_LOADS("file loads (JSON)", 53_000),
    STORAGE_WRITE("Storage Write API", 54_000);

    final String label;
    final double rowsPer2Vcpu;

    Method(String label, double rowsPer2Vcpu) {
      this.label = label;
      this.rowsPer2Vcpu = rowsPer2Vcpu;
    }

    /** The method a landing run uses unless told otherwise (LandingOptions' defaults). */
    static Method configured() {
      LandingOptions defaults = PipelineOptionsFactory.as(LandingOptions.class);
      return of(defaults.getWriteMethod(), defaults.getLoadFileFormat());
    }

    static Method of(LakeWriteMethod method, LoadFileFormat format) {
      return switch (method) {
        case FILE_LOADS -> format == LoadFileFormat.AVRO ? AVRO_LOADS : JSON_LOADS;
        case STORAGE_WRITE_API -> STORAGE_WRITE;
        // No published figure for legacy streaming inserts; Storage Write's is the closest.
        case STREAMING_INSERTS -> STORAGE_WRITE;
      };
    }
  }

  private CloudEstimate() {}

  record Line(
      String preset,
      String machineType,
      int vcpusPerWorker,
      int numWorkers,
      int maxWorkers,
      double gigabytes,
      double rows,
      Map<Method, Double> secondsByMethod,
      Method configured,
      double vcpuHours) {
    double seconds(Method method) {
      return secondsByMethod.get(method);
    }

    double configuredSeconds() {
      return seconds(configured);
    }
  }

  static List<Line> estimate(Map<String, SizePreset> presets, double bytesPerRecord, Method configured) {
    List<Line> lines = new ArrayList<>();
    for (double gb : new double[] {10, 100}) {
      double rows = gb * 1e9 / bytesPerRecord;
      for (Map.Entry<String, SizePreset> preset : presets.entrySet()) {
        SizePreset p = preset.getValue();
        int vcpus = vcpus(p.machineType());
        double workerScale = vcpus / 2.0;
        Map<Method, Double> seconds = new EnumMap<>(Method.class);
        for (Method m : Method.values()) {
          seconds.put(m, rows / (p.maxWorkers() * m.rowsPer2Vcpu * workerScale));
        }
        // Busy vCPU time is the same whatever the worker count: rows / rate per vCPU.
        double vcpuHours = rows / (configured.rowsPer2Vcpu / 2) / 3600;
        lines.add(
            new Line(
                preset.getKey(), p.machineType(), vcpus, p.numWorkers(), p.maxWorkers(), gb, rows,
                seconds, configured, vcpuHours));
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
