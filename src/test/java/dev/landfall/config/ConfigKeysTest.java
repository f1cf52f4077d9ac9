package dev.landfall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Terraform (terraform/config.tf) and the deploy (this package) read the same config.yaml, and the
 * deploy runs from Terraform: a key Terraform accepts must not fail the deploy. Fails when
 * config.tf gains a key (top level, a section's key, or a source's key) that LandfallConfig does
 * not accept.
 */
class ConfigKeysTest {

  @Test
  void everyKeyOfConfigTf_isAcceptedHere() throws Exception {
    String configTf = Files.readString(repoFile("terraform/config.tf"));
    List<String> rejected = new ArrayList<>();
    List<String> sections = List.of("snapshot", "access", "pii", "alerting", "landing", "dataflow", "erasure");
    String defaults = block(configTf, "_defaults = {");
    int checked = 0;
    for (String key : keysAtIndent(defaults, 4)) {
      checked++;
      String yaml =
          sections.contains(key)
              ? sectionYaml(key, keysAtIndent(block(defaults, key + " = {"), 6))
              : key + ": null\n";
      checked += sections.contains(key) ? keysAtIndent(block(defaults, key + " = {"), 6).size() : 0;
      accept(yaml, rejected);
    }
    for (String key : keysAtIndent(block(configTf, "_source_defaults = {"), 4)) {
      checked++;
      accept("sources: {customers: {" + key + ": null}}\n", rejected);
    }

    assertEquals(List.of(), rejected);
    assertTrue(checked > 25, "keys checked: " + checked);
  }

  private static String sectionYaml(String section, List<String> keys) {
    StringBuilder yaml = new StringBuilder(section + ":\n");
    keys.forEach(k -> yaml.append("  ").append(k).append(": null\n"));
    return yaml.toString();
  }

  private static void accept(String yaml, List<String> rejected) {
    try {
      LandfallConfig.parse("project_id: p\nregion: r\n" + yaml, "config.tf key");
    } catch (ConfigException e) {
      rejected.add(yaml.strip().replace("\n", " ") + " -> " + e.getMessage());
    }
  }

  /** The text of the HCL block that opens with {@code head}, braces balanced. */
  private static String block(String text, String head) {
    int start = text.indexOf(head);
    assertTrue(start >= 0, "config.tf: " + head + " not found");
    int depth = 0;
    for (int i = start + head.length() - 1; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (depth == 0) {
        return text.substring(start + head.length(), i);
      }
    }
    throw new IllegalStateException("unbalanced " + head);
  }

  private static List<String> keysAtIndent(String block, int indent) {
    List<String> keys = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^ {" + indent + "}([a-z_]+)\\s*=").matcher(block);
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
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
