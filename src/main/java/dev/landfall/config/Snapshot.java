package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Section {@code snapshot:}: when the weekly snapshot of the top customers is taken. */
public record Snapshot(String schedule) {

  static Snapshot read(ConfigReader reader, JsonNode node) {
    JsonNode snapshot = reader.mapping(node, "snapshot");
    reader.checkKeys(snapshot, "snapshot.", Set.of("schedule"));
    return new Snapshot(reader.string(snapshot, "schedule", "0 7 * * 1", "snapshot."));
  }
}
