package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Machine sizing of a landing run: one entry of section {@code size_presets:}. */
public record SizePreset(String machineType, int numWorkers, int maxWorkers) {

  /** The presets by name, in file order; the three defaults when the section is absent. */
  static Map<String, SizePreset> readAll(ConfigReader reader, JsonNode node) {
    Map<String, SizePreset> presets = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      presets.put("small", new SizePreset("e2-standard-2", 1, 2));
      presets.put("medium", new SizePreset("e2-standard-4", 2, 10));
      presets.put("large", new SizePreset("n2-standard-8", 4, 50));
      return presets;
    }
    JsonNode map = reader.mapping(node, "size_presets");
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String path = "size_presets." + entry.getKey() + ".";
      JsonNode preset = reader.mapping(entry.getValue(), "size_presets." + entry.getKey());
      reader.checkKeys(preset, path, Set.of("machine_type", "num_workers", "max_workers"));
      String machineType = reader.requiredString(preset, "machine_type", path);
      int numWorkers = reader.positiveInt(preset, "num_workers", 1, path);
      int maxWorkers = reader.positiveInt(preset, "max_workers", numWorkers, path);
      if (maxWorkers < numWorkers) {
        reader.problem(path + "max_workers (" + maxWorkers + ") is below num_workers");
      }
      presets.put(entry.getKey(), new SizePreset(machineType, numWorkers, maxWorkers));
    }
    return presets;
  }
}
