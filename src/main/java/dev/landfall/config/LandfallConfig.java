package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The deployment configuration, {@code terraform/config.yaml}: the one file that names projects,
 * datasets, sources and sizes. Each section of the file has its own small class ({@link Datasets},
 * {@link SizePreset}, {@link Source}, {@link Snapshot}, {@link Access}, {@link Pii}, {@link
 * Alerting}, {@link Erasure}) that fills its defaults and checks its keys; unknown keys are errors, so a misspelt key
 * is never silently ignored.
 */
public final class LandfallConfig {

  /** The datasets, by their logical name (the key under {@code datasets:}). */
  public static final List<String> DATASET_KEYS = Datasets.KEYS;

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
          "alerting",
          "erasure",
          // Read by Terraform only (terraform/config.tf checks them: CMEK, worker network, time
          // travel, buckets); accepted here so the one config file stays valid for both readers.
          // ConfigKeysTest keeps this list in step with config.tf.
          "routines_dir",
          "enable_apis",
          "landing",
          "project_number",
          "kms_key",
          "dataflow",
          "max_time_travel_hours");

  private final String projectId;
  private final String region;
  private final String location;
  private final String namePrefix;
  private final String baseCurrency;
  private final int maxFutureDays;
  private final Map<String, String> labels;
  private final Datasets datasets;
  private final Map<String, SizePreset> sizePresets;
  private final Map<String, Source> sources;
  private final String timeZone;
  private final Snapshot snapshot;
  private final Access access;
  private final Pii pii;
  private final Alerting alerting;
  private final Erasure erasure;

  private LandfallConfig(Builder b) {
    this.projectId = b.projectId;
    this.region = b.region;
    this.location = b.location;
    this.namePrefix = b.namePrefix;
    this.baseCurrency = b.baseCurrency;
    this.maxFutureDays = b.maxFutureDays;
    this.labels = Collections.unmodifiableMap(b.labels);
    this.datasets = b.datasets;
    this.sizePresets = Collections.unmodifiableMap(b.sizePresets);
    this.sources = Collections.unmodifiableMap(b.sources);
    this.timeZone = b.timeZone;
    this.snapshot = b.snapshot;
    this.access = b.access;
    this.pii = b.pii;
    this.alerting = b.alerting;
    this.erasure = b.erasure;
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
    if (!root.isObject()) {
      throw new ConfigException(origin + ": expected a mapping at the top level");
    }
    return read(new ConfigReader(origin), root);
  }

  /** The top-level keys here; each section is read by its own class. */
  private static LandfallConfig read(ConfigReader reader, JsonNode root) {
    reader.checkKeys(root, "", TOP_LEVEL_KEYS);
    Builder b = new Builder();
    b.projectId = reader.requiredString(root, "project_id", "");
    b.region = reader.requiredString(root, "region", "");
    b.location = reader.string(root, "location", "EU", "");
    b.namePrefix = reader.string(root, "name_prefix", "landfall", "");
    b.baseCurrency = reader.string(root, "base_currency", "GBP", "");
    if (b.baseCurrency != null && !CURRENCY.matcher(b.baseCurrency).matches()) {
      reader.problem(
          "base_currency must be a 3-letter ISO 4217 code, got '" + b.baseCurrency + "'");
    }
    b.maxFutureDays = readMaxFutureDays(reader, root.get("max_future_days"));
    b.labels =
        reader.stringMap(
            root.get("labels"), "labels", new LinkedHashMap<>(Map.of("app", "landfall")));
    b.datasets = Datasets.read(reader, root.get("datasets"));
    b.sizePresets = SizePreset.readAll(reader, root.get("size_presets"));
    b.sources = Source.readAll(reader, root.get("sources"), b.sizePresets);
    b.timeZone = reader.string(root, "time_zone", "Europe/London", "");
    b.snapshot = Snapshot.read(reader, root.get("snapshot"));
    b.access = Access.read(reader, root.get("access"));
    b.pii = Pii.read(reader, root.get("pii"));
    b.alerting = Alerting.read(reader, root.get("alerting"));
    b.erasure = Erasure.read(reader, root.get("erasure"));
    reader.failIfProblems();
    return new LandfallConfig(b);
  }

  /** {@code max_future_days}: a whole number of days from 0 to 366, default 1. */
  private static int readMaxFutureDays(ConfigReader reader, JsonNode node) {
    if (node == null || node.isNull()) {
      return 1;
    }
    if (node.isIntegralNumber() && node.canConvertToInt() && node.asInt() >= 0 && node.asInt() <= 366) {
      return node.asInt();
    }
    reader.problem("max_future_days must be a whole number from 0 to 366, got '" + node.asText() + "'");
    return 1;
  }

  /**
   * The same config with every dataset name suffixed, so tests deploy into isolated datasets
   * ({@code lake} becomes {@code lake_<suffix>}).
   */
  /**
   * The config at {@code file}, its dataset names suffixed when {@code datasetSuffix} is given (a
   * parallel deployment), as the commands' {@code --config} and {@code --dataset-suffix} ask.
   */
  public static LandfallConfig load(Path file, String datasetSuffix) {
    LandfallConfig config = load(file);
    return datasetSuffix == null ? config : config.withDatasetSuffix(datasetSuffix);
  }

  /** The project a command runs against: its {@code --project} when given, else the config's. */
  public String projectOr(String override) {
    return override != null ? override : projectId;
  }

  public LandfallConfig withDatasetSuffix(String suffix) {
    Builder b = toBuilder();
    b.datasets = datasets.withSuffix(suffix);
    return new LandfallConfig(b);
  }

  /** The values of the {@code ${name}} placeholders in {@code routines/**.sql}. */
  public Map<String, String> sqlVariables() {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String key : DATASET_KEYS) {
      vars.put(key + "_dataset", datasets.name(key));
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
    return datasets.names();
  }

  /** The actual name of a logical dataset; throws for an unknown logical name. */
  public String dataset(String logicalName) {
    return datasets.name(logicalName);
  }

  public String lakeDataset() {
    return datasets.name("lake");
  }

  public String customersDataset() {
    return datasets.name("customers");
  }

  public String transactionsDataset() {
    return datasets.name("transactions");
  }

  public String analyticsDataset() {
    return datasets.name("analytics");
  }

  /** The erasure key and log (routines/privacy/); never personal data. */
  public String privacyDataset() {
    return datasets.name("privacy");
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

  public Snapshot snapshot() {
    return snapshot;
  }

  public String snapshotSchedule() {
    return snapshot.schedule();
  }

  public Access access() {
    return access;
  }

  public Pii pii() {
    return pii;
  }

  public Alerting alerting() {
    return alerting;
  }

  /** What an erasure request does to transactions (docs/erasure.md). */
  public Erasure erasure() {
    return erasure;
  }

  /**
   * Days after its ingestion date a transaction may be dated before it is rejected as {@code
   * implausible_date} (key {@code max_future_days}, default 1).
   */
  public int maxFutureDays() {
    return maxFutureDays;
  }

  public double rejectRateThreshold() {
    return alerting.rejectRateThreshold();
  }

  private Builder toBuilder() {
    Builder b = new Builder();
    b.projectId = projectId;
    b.region = region;
    b.location = location;
    b.namePrefix = namePrefix;
    b.baseCurrency = baseCurrency;
    b.maxFutureDays = maxFutureDays;
    b.labels = labels;
    b.datasets = datasets;
    b.sizePresets = sizePresets;
    b.sources = sources;
    b.timeZone = timeZone;
    b.snapshot = snapshot;
    b.access = access;
    b.pii = pii;
    b.alerting = alerting;
    b.erasure = erasure;
    return b;
  }

  /** The parsed sections, before they become an immutable config. */
  private static final class Builder {
    String projectId;
    String region;
    String location;
    String namePrefix;
    String baseCurrency;
    int maxFutureDays;
    Map<String, String> labels;
    Datasets datasets;
    Map<String, SizePreset> sizePresets;
    Map<String, Source> sources;
    String timeZone;
    Snapshot snapshot;
    Access access;
    Pii pii;
    Alerting alerting;
    Erasure erasure;
  }
}
