package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * Section {@code access:}: the groups that read analytics, the data engineers, and the erasure
 * operators (who run {@code scripts/erase_customer.sh}: docs/erasure.md).
 */
public record Access(
    List<String> businessUserGroups, List<String> dataEngineerGroups, List<String> erasureGroups) {

  static Access read(ConfigReader reader, JsonNode node) {
    JsonNode access = reader.mapping(node, "access");
    reader.checkKeys(
        access,
        "access.",
        Set.of("business_user_groups", "data_engineer_groups", "erasure_groups"));
    return new Access(
        reader.stringList(access, "business_user_groups", List.of(), "access."),
        reader.stringList(access, "data_engineer_groups", List.of(), "access."),
        reader.stringList(access, "erasure_groups", List.of(), "access."));
  }
}
