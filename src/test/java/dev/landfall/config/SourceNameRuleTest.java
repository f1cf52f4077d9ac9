package dev.landfall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.landfall.landing.SourceRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 §6: config.tf, metadata.json and the pipeline accept the same source names. The regex
 * lives in {@link SourceName}; the other two copies must be identical to it.
 */
class SourceNameRuleTest {

  private static final List<String> VALID =
      List.of("customers", "transactions", "card_payments", "a", "s3", "a23456789012345678901234567890");
  private static final List<String> INVALID =
      List.of(
          "",
          "Customers",
          "card-payments",
          "_x",
          "3ds",
          "a.b",
          "a b",
          "a234567890123456789012345678901");

  @Test
  void configTf_usesTheSameRegex() throws Exception {
    String configTf = Files.readString(repoFile("terraform/config.tf"));
    Matcher m =
        Pattern.compile("_bad_source_names = \\[.*regex\\(\"([^\"]+)\", name\\)").matcher(configTf);

    assertTrue(m.find(), "terraform/config.tf: _bad_source_names regex not found");
    assertEquals(SourceName.REGEX, m.group(1).replace("\\\\", "\\"));
  }

  @Test
  void metadataJson_usesTheSameRegexOrEmpty() throws Exception {
    JsonNode metadata = new ObjectMapper().readTree(repoFile("metadata.json").toFile());
    String regex = null;
    for (JsonNode parameter : metadata.get("parameters")) {
      if (parameter.get("name").asText().equals("source")) {
        regex = parameter.get("regexes").get(0).asText();
      }
    }

    String inner = SourceName.REGEX.substring(1, SourceName.REGEX.length() - 1);
    assertEquals("^(" + inner + ")?$", regex, "metadata.json parameter 'source'");
  }

  @Test
  void pipelineAndConfig_agreeOnEveryName() {
    for (String name : VALID) {
      assertTrue(SourceName.isValid(name), name);
      assertTrue(pipelineAccepts(name), "pipeline refuses " + name);
      LandfallConfig config =
          LandfallConfig.parse("project_id: p\nregion: r\nsources: {" + name + ": {}}\n", "t");
      assertTrue(config.sources().containsKey(name));
    }
    for (String name : INVALID) {
      assertFalse(SourceName.isValid(name), name);
      assertFalse(pipelineAccepts(name), "pipeline accepts " + name);
      if (!name.isEmpty()) {
        String message =
            assertThrows(
                    ConfigException.class,
                    () ->
                        LandfallConfig.parse(
                            "project_id: p\nregion: r\nsources: {'" + name + "': {}}\n", "t"))
                .getMessage();
        assertTrue(message.contains("source name '" + name + "' " + SourceName.RULE), message);
      }
    }
  }

  @Test
  void pipeline_derivesAnUnderscoreSourceFromItsFolderAndPrefix() {
    SourceRules rules = SourceRules.parse("card_payments");
    assertEquals(Optional.of("card_payments"), rules.sourceOf("card_payments/2026-11-01.csv"));
    assertEquals(Optional.of("card_payments"), rules.sourceOf("card_payments_2026-11-01.csv"));
  }

  /** The pipeline's names come from --sourceRules, which it parses at launch. */
  private static boolean pipelineAccepts(String name) {
    try {
      return SourceRules.parse(name).names().equals(List.of(name));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Path repoFile(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (d.resolve(relative).toFile().isFile()) {
        return d.resolve(relative);
      }
    }
    throw new IllegalStateException(relative + " not found");
  }
}
