package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Section {@code pii:}: the policy tag that protects personal data. */
public record Pii(String taxonomyName, String policyTag) {

  static Pii read(ConfigReader reader, JsonNode node) {
    JsonNode pii = reader.mapping(node, "pii");
    // reader_groups and columns are read by Terraform and the deploy path's tagging.
    reader.checkKeys(pii, "pii.", Set.of("taxonomy_name", "policy_tag", "reader_groups", "columns"));
    return new Pii(
        reader.string(pii, "taxonomy_name", "landfall-pii", "pii."),
        reader.string(pii, "policy_tag", "pii", "pii."));
  }
}
