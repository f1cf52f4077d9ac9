package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Section {@code alerting:}: who is told, and the reject rate that alerts. */
public record Alerting(String notificationEmail, double rejectRateThreshold) {

  static Alerting read(ConfigReader reader, JsonNode node) {
    JsonNode alerting = reader.mapping(node, "alerting");
    reader.checkKeys(alerting, "alerting.", Set.of("notification_email", "reject_rate_threshold"));
    double threshold = 0.05;
    JsonNode thresholdNode = alerting.get("reject_rate_threshold");
    if (thresholdNode != null && !thresholdNode.isNull()) {
      if (thresholdNode.isNumber()
          && thresholdNode.asDouble() >= 0
          && thresholdNode.asDouble() <= 1) {
        threshold = thresholdNode.asDouble();
      } else {
        reader.problem("alerting.reject_rate_threshold must be a number from 0 to 1");
      }
    }
    return new Alerting(reader.string(alerting, "notification_email", "", "alerting."), threshold);
  }
}
