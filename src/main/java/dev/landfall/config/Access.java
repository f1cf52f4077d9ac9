package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** Section {@code access:}: the groups that read analytics, and the data engineers. */
public record Access(List<String> businessUserGroups, List<String> dataEngineerGroups) {

  static Access read(ConfigReader reader, JsonNode node) {
    JsonNode access = reader.mapping(node, "access");
    reader.checkKeys(access, "access.", Set.of("business_user_groups", "data_engineer_groups"));
    return new Access(
        reader.stringList(access, "business_user_groups", List.of(), "access."),
        reader.stringList(access, "data_engineer_groups", List.of(), "access."));
  }
}
