package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The deployment configuration, {@code terraform/config.yaml}: the one file that names projects,
 * datasets, sources and sizes. Every optional key gets its default here, in one place; unknown keys
 * are errors, so a misspelt key is never silently ignored.
 */
public final class LandfallConfig {

  /** The four datasets, by their logical name (the key under {@code datasets:}). */
  public static final List<String> DATASET_KEYS =
      List.of("lake", "customers", "transactions", "analytics");

  private static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9_]{1,1024}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private static final Set<String> TOP_LEVEL_KEYS =
      Set.of(
          "project_id",
          "region",
          "location",
          "name_prefix",
          "base_currency",
          "max_future_days",
          "labels",
          "datasets",
          "size_presets",
          "sources",
          "time_zone",
          "snapshot",
          "access",
          "pii",
          "alerting");

  /** Machine sizing of a landing run. */
  public record SizePreset(String machineType, int numWorkers, int maxWorkers) {}

  /**
   * One source (service) of input files.
   *
   * @param unpackSchedule cron of {@code CALL <source>.unpack()}, or null for a lake-only source
   */
  public record Source(String name, String schedule, String size, String unpackSchedule) {}

  private final String projectId;
  private final String region;
  private final String location;
  private final String namePrefix;
  private final String baseCurrency;
  private final Map<String, String> labels;
  private final Map<String, String> datasets;
  private final Map<String, SizePreset> sizePresets;
  private final Map<String, Source> sources;
  private final String timeZone;
  private final String snapshotSchedule;
  private final double rejectRateThreshold;
  private final int maxFutureDays;

  private LandfallConfig(
      String projectId,
      String region,
      String location,
      String namePrefix,
      String baseCurrency,
      Map<String, String> labels,
      Map<String, String> datasets,
      Map<String, SizePreset> sizePresets,
      Map<String, Source> sources,
      String timeZone,
      String snapshotSchedule,
      double rejectRateThreshold,
      int maxFutureDays) {
    this.projectId = projectId;
    this.region = region;
    this.location = location;
    this.namePrefix = namePrefix;
    this.baseCurrency = baseCurrency;
    this.labels = Collections.unmodifiableMap(labels);
    this.datasets = Collections.unmodifiableMap(datasets);
    this.sizePresets = Collections.unmodifiableMap(sizePresets);
    this.sources = Collections.unmodifiableMap(sources);
    this.timeZone = timeZone;
    this.snapshotSchedule = snapshotSchedule;
    this.rejectRateThreshold = rejectRateThreshold;
    this.maxFutureDays = maxFutureDays;
  }

  /** Reads and validates a config file; the message of the exception names the file and key. */
  public static LandfallConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses config YAML; {@code origin} names it in error messages. */
  public static LandfallConfig parse(String yaml, String origin) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new ConfigException(origin + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = new ObjectMapper().createObjectNode();
    }
    return new Reader(origin).read(root);
  }

  /**
   * The same config with every dataset name suffixed, so tests deploy into isolated datasets
   * ({@code lake} becomes {@code lake_<suffix>}).
   */
  public LandfallConfig withDatasetSuffix(String suffix) {
    if (!DATASET_NAME.matcher(suffix).matches()) {
      throw new IllegalArgumentException("dataset suffix must be letters, digits or _: " + suffix);
    }
    Map<String, String> suffixed = new LinkedHashMap<>();
    datasets.forEach((key, name) -> suffixed.put(key, name + "_" + suffix));
    return new LandfallConfig(
        projectId,
        region,
        location,
        namePrefix,
        baseCurrency,
        labels,
        suffixed,
        sizePresets,
        sources,
        timeZone,
        snapshotSchedule,
        rejectRateThreshold,
        maxFutureDays);
  }

  /** The values of the {@code ${name}} placeholders in {@code routines/**.sql}. */
  public Map<String, String> sqlVariables() {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String key : DATASET_KEYS) {
      vars.put(key + "_dataset", datasets.get(key));
    }
    vars.put("base_currency", baseCurrency);
    vars.put("max_future_days", Integer.toString(maxFutureDays));
    return Collections.unmodifiableMap(vars);
  }

  public String projectId() {
    return projectId;
  }

  public String region() {
    return region;
  }

  /** BigQuery location of the datasets (multi-region or region). */
  public String location() {
    return location;
  }

  public String namePrefix() {
    return namePrefix;
  }

  public String baseCurrency() {
    return baseCurrency;
  }

  public Map<String, String> labels() {
    return labels;
  }

  /** Logical dataset name ({@code lake}, {@code customers}, ...) to actual dataset name. */
  public Map<String, String> datasets() {
    return datasets;
  }

  /** The actual name of a logical dataset; throws for an unknown logical name. */
  public String dataset(String logicalName) {
    String name = datasets.get(logicalName);
    if (name == null) {
      throw new IllegalArgumentException(
          "unknown dataset '" + logicalName + "' (known: " + String.join(", ", DATASET_KEYS) + ")");
    }
    return name;
  }

  public String lakeDataset() {
    return datasets.get("lake");
  }

  public String customersDataset() {
    return datasets.get("customers");
  }

  public String transactionsDataset() {
    return datasets.get("transactions");
  }

  public String analyticsDataset() {
    return datasets.get("analytics");
  }

  public Map<String, SizePreset> sizePresets() {
    return sizePresets;
  }

  /** The sources, in file order. */
  public Map<String, Source> sources() {
    return sources;
  }

  /** The size preset of a source. */
  public SizePreset sizeOf(Source source) {
    return sizePresets.get(source.size());
  }

  public String timeZone() {
    return timeZone;
  }

  public String snapshotSchedule() {
    return snapshotSchedule;
  }

  /**
   * Days after its ingestion date a transaction may be dated before it is rejected as {@code
   * implausible_date} (key {@code max_future_days}, default 1).
   */
  public int maxFutureDays() {
    return maxFutureDays;
  }

  public double rejectRateThreshold() {
    return rejectRateThreshold;
  }

  /** A config file that cannot be used; the message says which file and key. */
  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }

    public ConfigException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Walks the YAML tree, filling defaults and collecting every problem before failing. */
  private static final class Reader {
    private final String origin;
    private final List<String> problems = new ArrayList<>();

    Reader(String origin) {
      this.origin = origin;
    }

    LandfallConfig read(JsonNode root) {
      if (!root.isObject()) {
        throw new ConfigException(origin + ": expected a mapping at the top level");
      }
      checkKeys(root, "", TOP_LEVEL_KEYS);
      String projectId = requiredString(root, "project_id");
      String region = requiredString(root, "region");
      String location = string(root, "location", "EU");
      String namePrefix = string(root, "name_prefix", "landfall");
      String baseCurrency = string(root, "base_currency", "GBP");
      if (baseCurrency != null && !CURRENCY.matcher(baseCurrency).matches()) {
        problems.add("base_currency must be a 3-letter ISO 4217 code, got '" + baseCurrency + "'");
      }
      Map<String, String> labels = stringMap(root.get("labels"), "labels", defaultLabels());

      Map<String, String> datasets = new LinkedHashMap<>();
      JsonNode datasetsNode = mapping(root.get("datasets"), "datasets");
      checkKeys(datasetsNode, "datasets.", Set.copyOf(DATASET_KEYS));
      for (String key : DATASET_KEYS) {
        String name = string(datasetsNode, key, key, "datasets.");
        if (name != null && !DATASET_NAME.matcher(name).matches()) {
          problems.add("datasets." + key + " must be letters, digits or _, got '" + name + "'");
        }
        datasets.put(key, name);
      }

      Map<String, SizePreset> presets = sizePresets(root.get("size_presets"));
      Map<String, Source> sources = sources(root.get("sources"), presets);
      String timeZone = string(root, "time_zone", "Europe/London");

      JsonNode snapshot = mapping(root.get("snapshot"), "snapshot");
      checkKeys(snapshot, "snapshot.", Set.of("schedule"));
      String snapshotSchedule = string(snapshot, "schedule", "0 7 * * 1", "snapshot.");

      JsonNode access = mapping(root.get("access"), "access");
      checkKeys(access, "access.", Set.of("business_user_groups", "data_engineer_groups"));
      JsonNode pii = mapping(root.get("pii"), "pii");
      checkKeys(pii, "pii.", Set.of("taxonomy_name", "policy_tag"));
      JsonNode alerting = mapping(root.get("alerting"), "alerting");
      checkKeys(alerting, "alerting.", Set.of("notification_email", "reject_rate_threshold"));
      double threshold = 0.05;
      JsonNode thresholdNode = alerting.get("reject_rate_threshold");
      if (thresholdNode != null && !thresholdNode.isNull()) {
        if (thresholdNode.isNumber()
            && thresholdNode.asDouble() >= 0
            && thresholdNode.asDouble() <= 1) {
          threshold = thresholdNode.asDouble();
        } else {
          problems.add("alerting.reject_rate_threshold must be a number from 0 to 1");
        }
      }

      int maxFutureDays = 1;
      JsonNode maxFutureDaysNode = root.get("max_future_days");
      if (maxFutureDaysNode != null && !maxFutureDaysNode.isNull()) {
        if (maxFutureDaysNode.isIntegralNumber()
            && maxFutureDaysNode.canConvertToInt()
            && maxFutureDaysNode.asInt() >= 0
            && maxFutureDaysNode.asInt() <= 366) {
          maxFutureDays = maxFutureDaysNode.asInt();
        } else {
          problems.add(
              "max_future_days must be a whole number from 0 to 366, got '"
                  + maxFutureDaysNode.asText()
                  + "'");
        }
      }

      if (!problems.isEmpty()) {
        throw new ConfigException(origin + ": " + String.join("; ", problems));
      }
      return new LandfallConfig(
          projectId,
          region,
          location,
          namePrefix,
          baseCurrency,
          labels,
          datasets,
          presets,
          sources,
          timeZone,
          snapshotSchedule,
          threshold,
          maxFutureDays);
    }

    private static Map<String, String> defaultLabels() {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("app", "landfall");
      return labels;
    }

    private Map<String, SizePreset> sizePresets(JsonNode node) {
      Map<String, SizePreset> presets = new LinkedHashMap<>();
      if (node == null || node.isNull()) {
        presets.put("small", new SizePreset("e2-standard-2", 1, 2));
        presets.put("medium", new SizePreset("e2-standard-4", 2, 10));
        presets.put("large", new SizePreset("n2-standard-8", 4, 50));
        return presets;
      }
      JsonNode map = mapping(node, "size_presets");
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String path = "size_presets." + entry.getKey() + ".";
        JsonNode preset = mapping(entry.getValue(), "size_presets." + entry.getKey());
        checkKeys(preset, path, Set.of("machine_type", "num_workers", "max_workers"));
        String machineType = requiredString(preset, "machine_type", path);
        int numWorkers = positiveInt(preset, "num_workers", 1, path);
        int maxWorkers = positiveInt(preset, "max_workers", numWorkers, path);
        if (maxWorkers < numWorkers) {
          problems.add(path + "max_workers (" + maxWorkers + ") is below num_workers");
        }
        presets.put(entry.getKey(), new SizePreset(machineType, numWorkers, maxWorkers));
      }
      return presets;
    }

    private Map<String, Source> sources(JsonNode node, Map<String, SizePreset> presets) {
      Map<String, Source> sources = new LinkedHashMap<>();
      if (node == null || node.isNull()) {
        sources.put("customers", new Source("customers", "0 5 * * *", "small", "30 5 * * *"));
        sources.put(
            "transactions", new Source("transactions", "0 5 * * *", "medium", "30 5 * * *"));
        return sources;
      }
      JsonNode map = mapping(node, "sources");
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String name = entry.getKey();
        String path = "sources." + name + ".";
        if (!name.matches("[a-z][a-z0-9_]*")) {
          problems.add("source name '" + name + "' must be lower-case letters, digits or _");
        }
        JsonNode source = mapping(entry.getValue(), "sources." + name);
        checkKeys(source, path, Set.of("schedule", "size", "unpack_schedule"));
        String schedule = string(source, "schedule", "0 5 * * *", path);
        String size = string(source, "size", "small", path);
        if (size != null && !presets.containsKey(size)) {
          problems.add(
              path
                  + "size: unknown size preset '"
                  + size
                  + "' (known: "
                  + String.join(", ", presets.keySet())
                  + ")");
        }
        String unpackSchedule = string(source, "unpack_schedule", null, path);
        sources.put(name, new Source(name, schedule, size, unpackSchedule));
      }
      return sources;
    }

    private JsonNode mapping(JsonNode node, String path) {
      if (node == null || node.isNull()) {
        return new ObjectMapper().createObjectNode();
      }
      if (!node.isObject()) {
        problems.add(path + " must be a mapping");
        return new ObjectMapper().createObjectNode();
      }
      return node;
    }

    private void checkKeys(JsonNode node, String path, Set<String> allowed) {
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

    private String requiredString(JsonNode node, String key) {
      return requiredString(node, key, "");
    }

    private String requiredString(JsonNode node, String key, String path) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull() || value.asText().isBlank()) {
        problems.add("missing required key '" + path + key + "'");
        return null;
      }
      return scalar(value, path + key);
    }

    private String string(JsonNode node, String key, String fallback) {
      return string(node, key, fallback, "");
    }

    private String string(JsonNode node, String key, String fallback, String path) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      return scalar(value, path + key);
    }

    private String scalar(JsonNode value, String path) {
      if (!value.isValueNode()) {
        problems.add(path + " must be a single value, got a " + describe(value.getNodeType()));
        return null;
      }
      return value.asText();
    }

    private int positiveInt(JsonNode node, String key, int fallback, String path) {
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

    private Map<String, String> stringMap(
        JsonNode node, String path, Map<String, String> fallback) {
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

    private static String describe(JsonNodeType type) {
      return type == JsonNodeType.ARRAY
          ? "list"
          : type == JsonNodeType.OBJECT ? "mapping" : "value";
    }
  }
}
