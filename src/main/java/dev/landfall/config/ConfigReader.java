package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the YAML tree for the section readers: fills defaults and collects every problem (with its
 * key path) so that one run reports them all.
 */
final class ConfigReader {
  private final String origin;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(String origin) {
    this.origin = origin;
  }

  void problem(String message) {
    problems.add(message);
  }

  /** Throws one exception listing every problem found so far. */
  void failIfProblems() {
    if (!problems.isEmpty()) {
      throw new ConfigException(origin + ": " + String.join("; ", problems));
    }
  }

  /** The mapping at {@code node}, or an empty mapping when absent (or not a mapping: reported). */
  JsonNode mapping(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return new ObjectMapper().createObjectNode();
    }
    if (!node.isObject()) {
      problems.add(path + " must be a mapping");
      return new ObjectMapper().createObjectNode();
    }
    return node;
  }

  /** Reports every key of {@code node} outside {@code allowed}; {@code path} ends with a dot. */
  void checkKeys(JsonNode node, String path, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        problems.add(
            "unknown key '"
                + path
                + key
                + "' (allowed"
                + (path.isEmpty() ? "" : " under " + path.substring(0, path.length() - 1))
                + ": "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
  }

  String requiredString(JsonNode node, String key, String path) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull() || value.asText().isBlank()) {
      problems.add("missing required key '" + path + key + "'");
      return null;
    }
    return scalar(value, path + key);
  }

  String string(JsonNode node, String key, String fallback, String path) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    return scalar(value, path + key);
  }

  String scalar(JsonNode value, String path) {
    if (!value.isValueNode()) {
      problems.add(path + " must be a single value, got a " + describe(value.getNodeType()));
      return null;
    }
    return value.asText();
  }

  int positiveInt(JsonNode node, String key, int fallback, String path) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
      problems.add(path + key + " must be a positive whole number, got '" + value.asText() + "'");
      return fallback;
    }
    return value.asInt();
  }

  Map<String, String> stringMap(JsonNode node, String path, Map<String, String> fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    Map<String, String> map = new LinkedHashMap<>();
    JsonNode mapping = mapping(node, path);
    for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      map.put(entry.getKey(), scalar(entry.getValue(), path + "." + entry.getKey()));
    }
    return map;
  }

  /** A list of single values; absent means {@code fallback}. */
  List<String> stringList(JsonNode node, String key, List<String> fallback, String path) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isArray()) {
      problems.add(path + key + " must be a list, got a " + describe(value.getNodeType()));
      return fallback;
    }
    List<String> list = new ArrayList<>();
    for (JsonNode item : value) {
      list.add(scalar(item, path + key + "[]"));
    }
    return List.copyOf(list.stream().map(s -> s == null ? "" : s).toList());
  }

  private static String describe(JsonNodeType type) {
    return type == JsonNodeType.ARRAY
        ? "list"
        : type == JsonNodeType.OBJECT ? "mapping" : "value";
  }
}
