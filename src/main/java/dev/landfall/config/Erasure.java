package dev.landfall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * Section {@code erasure:} (docs/erasure.md): what an erasure request does to the customer's
 * transactions. {@code delete} (the default) deletes them everywhere; {@code pseudonymise} keeps
 * the amounts typed with {@code customer_id = erased:<keyed hash>}, for records a bank must retain.
 */
public record Erasure(String transactions) {

  public static final List<String> TRANSACTIONS_MODES = List.of("delete", "pseudonymise");

  static Erasure read(ConfigReader reader, JsonNode node) {
    JsonNode erasure = reader.mapping(node, "erasure");
    reader.checkKeys(erasure, "erasure.", Set.of("transactions"));
    String mode = reader.string(erasure, "transactions", "delete", "erasure.");
    if (mode != null && !TRANSACTIONS_MODES.contains(mode)) {
      reader.problem("erasure.transactions must be delete or pseudonymise, got '" + mode + "'");
    }
    return new Erasure(mode);
  }
}
