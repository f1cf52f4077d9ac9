package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One source (service) of input files: one entry of section {@code sources:}.
 *
 * @param unpackSchedule cron of {@code CALL <source>.unpack()}, or null for a lake-only source
 */
public record Source(String name, String schedule, String size, String unpackSchedule) {

  /** The keys of a source; the last four are read by Terraform and the landing launch only. */
  static final Set<String> KEYS =
      Set.of(
          "schedule",
          "size",
          "unpack_schedule",
          "paused",
          "write_method",
          "split_size_bytes",
          "max_record_bytes");

  /** The sources by name, in file order; customers and transactions when the section is absent. */
  static Map<String, Source> readAll(
      ConfigReader reader, JsonNode node, Map<String, SizePreset> presets) {
    Map<String, Source> sources = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      sources.put("customers", new Source("customers", "0 5 * * *", "small", "30 5 * * *"));
      sources.put("transactions", new Source("transactions", "0 5 * * *", "medium", "30 5 * * *"));
      return sources;
    }
    JsonNode map = reader.mapping(node, "sources");
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      String path = "sources." + name + ".";
      if (!SourceName.isValid(name)) {
        reader.problem("source name '" + name + "' " + SourceName.RULE);
      }
      JsonNode source = reader.mapping(entry.getValue(), "sources." + name);
      reader.checkKeys(source, path, KEYS);
      String schedule = reader.string(source, "schedule", "0 5 * * *", path);
      String size = reader.string(source, "size", "small", path);
      if (size != null && !presets.containsKey(size)) {
        reader.problem(
            path
                + "size: unknown size preset '"
                + size
                + "' (known: "
                + String.join(", ", presets.keySet())
                + ")");
      }
      String unpackSchedule = reader.string(source, "unpack_schedule", null, path);
      sources.put(name, new Source(name, schedule, size, unpackSchedule));
    }
    return sources;
  }
}
