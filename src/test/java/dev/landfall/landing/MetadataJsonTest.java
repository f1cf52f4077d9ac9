package dev.landfall.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the Flex Template's metadata.json in step with {@link LandingOptions}. */
class MetadataJsonTest {
  private static JsonNode metadata;

  /** Values each parameter's regex must accept, then values it must refuse. */
  private static final Map<String, List<List<String>>> EXAMPLES =
      Map.ofEntries(
          Map.entry("inputFilePattern", List.of(List.of("gs://b/transactions/*.csv", "gs://bucket-1/a/b.csv"),
                  List.of("", "/local/file.csv", "s3://b/x.csv"))),
          Map.entry("source", List.of(List.of("", "customers", "card_payments"), List.of("Customers", "1x", "a b", "card-payments"))),
          Map.entry("onlySource", List.of(List.of("", "customers", "card_payments"), List.of("Customers", "1x", "a b"))),
          Map.entry("outputTable", List.of(List.of("lake.raw_records", "my-project:lake.raw_records"),
                  List.of("", "raw_records", "my project:lake.t", "lake.raw records"))),
          Map.entry("ledgerTable", List.of(List.of("", "lake.landed_files", "my-project:lake.landed_files"), List.of("landed_files", "a:b:c.d"))),
          Map.entry("privacyDataset", List.of(List.of("", "privacy", "my-project:privacy_eu"), List.of("privacy.erasure_log", "a:b:c", "my project:privacy"))),
          Map.entry("sourceRules", List.of(List.of("customers;transactions", "payments=exports/pay_*.csv|**/card/*.csv;customers"),
                  List.of("", "Customers", "customers;;x", "payments=", "a=b=c"))),
          Map.entry("loadFileFormat", List.of(List.of("AVRO", "JSON"), List.of("", "avro", "PARQUET"))),
          Map.entry("writeMethod", List.of(List.of("FILE_LOADS", "STORAGE_WRITE_API", "STREAMING_INSERTS"), List.of("", "file_loads", "DEFAULT"))),
          Map.entry("loadId", List.of(List.of("load-20261101T000000Z-abc", "manual_1"), List.of("", "a b", "x;DROP"))),
          Map.entry("reprocess", List.of(List.of("true", "false"), List.of("", "yes", "TRUE"))),
          Map.entry("splitSizeBytes", List.of(List.of("1", "67108864"), List.of("", "0", "-1", "64MB"))),
          Map.entry("maxRecordBytes", List.of(List.of("1048576", "33554432"), List.of("0", "1e6", ""))),
          Map.entry("deadLetterDirectory", List.of(List.of("", "gs://b/dead"), List.of("/tmp/dead", "gs:/b"))));

  @BeforeAll
  static void readMetadata() throws IOException {
    metadata = new ObjectMapper().readTree(Path.of("metadata.json").toFile());
  }

  @Test
  void metadata_listsEveryOptionWithItsRequiredness() {
    Map<String, Boolean> optional = new TreeMap<>();
    for (JsonNode parameter : metadata.get("parameters")) {
      optional.put(parameter.get("name").asText(), parameter.get("isOptional").asBoolean());
    }

    assertEquals(optionsRequiredness(), optional);
  }

  @Test
  void metadata_everyParameterHasLabelHelpTextAndRegex() {
    for (JsonNode parameter : metadata.get("parameters")) {
      String name = parameter.get("name").asText();
      assertFalse(parameter.path("label").asText().isBlank(), name + " label");
      assertFalse(parameter.path("helpText").asText().isBlank(), name + " helpText");
      assertEquals(1, parameter.path("regexes").size(), name + " regexes");
    }
  }

  @Test
  void regexes_acceptGoodAndRefuseBadExamples() {
    assertEquals(optionsRequiredness().keySet(), new TreeMap<>(EXAMPLES).keySet(), "an example set per parameter");
    for (JsonNode parameter : metadata.get("parameters")) {
      String name = parameter.get("name").asText();
      Pattern regex = Pattern.compile(parameter.get("regexes").get(0).asText());
      for (String good : EXAMPLES.get(name).get(0)) {
        assertTrue(regex.matcher(good).matches(), name + " should accept '" + good + "'");
      }
      for (String bad : EXAMPLES.get(name).get(1)) {
        assertFalse(regex.matcher(bad).matches(), name + " should refuse '" + bad + "'");
      }
    }
  }

  /** Option name → isOptional, for the options LandingOptions itself declares. */
  private static Map<String, Boolean> optionsRequiredness() {
    Map<String, Boolean> optional = new TreeMap<>();
    List<Method> getters = new ArrayList<>(List.of(LandingOptions.class.getDeclaredMethods()));
    for (Method getter : getters) {
      if (!getter.getName().startsWith("get") || getter.getAnnotation(Description.class) == null) {
        continue;
      }
      String name =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      optional.put(name, getter.getAnnotation(Validation.Required.class) == null);
    }
    return optional;
  }
}
