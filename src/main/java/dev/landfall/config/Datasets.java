package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Section {@code datasets:}: logical dataset name ({@code lake}, ...) to actual dataset name. */
public record Datasets(Map<String, String> names) {

  /**
   * The datasets, by their logical name (the key under {@code datasets:}). {@code privacy} holds
   * the erasure key and log (routines/privacy/), never personal data.
   */
  public static final List<String> KEYS =
      List.of("lake", "customers", "transactions", "analytics", "privacy");

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,1024}");

  public Datasets {
    names = Collections.unmodifiableMap(new LinkedHashMap<>(names));
  }

  static Datasets read(ConfigReader reader, JsonNode node) {
    JsonNode datasets = reader.mapping(node, "datasets");
    reader.checkKeys(datasets, "datasets.", Set.copyOf(KEYS));
    Map<String, String> names = new LinkedHashMap<>();
    for (String key : KEYS) {
      String name = reader.string(datasets, key, key, "datasets.");
      if (name != null && !NAME.matcher(name).matches()) {
        reader.problem("datasets." + key + " must be letters, digits or _, got '" + name + "'");
      }
      names.put(key, name);
    }
    return new Datasets(names);
  }

  /** Every dataset name suffixed: {@code lake} becomes {@code lake_<suffix>}. */
  Datasets withSuffix(String suffix) {
    if (!NAME.matcher(suffix).matches()) {
      throw new IllegalArgumentException("dataset suffix must be letters, digits or _: " + suffix);
    }
    Map<String, String> suffixed = new LinkedHashMap<>();
    for (String key : KEYS) {
      suffixed.put(key, names.get(key) + "_" + suffix);
    }
    return new Datasets(suffixed);
  }

  /** The actual name of a logical dataset; throws for an unknown logical name. */
  public String name(String logicalName) {
    String name = names.get(logicalName);
    if (name == null) {
      throw new IllegalArgumentException(
          "unknown dataset '" + logicalName + "' (known: " + String.join(", ", KEYS) + ")");
    }
    return name;
  }
}
