package dev.landfall.landing;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/**
 * The erasure log as one landing run sees it (read once, inside the job, by {@link
 * ReadErasureLog}): the keyed-hash key and each erased customer's hash with its request. Small: one
 * entry per erasure request ever made, so it travels to every worker as a side input.
 *
 * @param key the HMAC-SHA256 key ({@code privacy.erasure_key.key_bytes}); empty when nothing is
 *     erased
 * @param byHash customer_key_hash → its request
 */
record Erasures(byte[] key, Map<String, Request> byHash) implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String DELETE = "delete";
  static final String PSEUDONYMISE = "pseudonymise";

  /** One erasure request of the log. */
  record Request(String requestId, String transactionsMode) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  Erasures {
    key = key.clone();
    byHash = Map.copyOf(byHash);
    if (!byHash.isEmpty() && key.length == 0) {
      throw new IllegalArgumentException("erased customers without a key");
    }
  }

  static Erasures none() {
    return new Erasures(new byte[0], Map.of());
  }

  boolean isEmpty() {
    return byHash.isEmpty();
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Erasures e && Arrays.equals(key, e.key) && byHash.equals(e.byHash);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + byHash.hashCode();
  }

  @Override
  public String toString() {
    // Never the key.
    return "Erasures[" + byHash.size() + " request(s)]";
  }
}
