package dev.landfall.erasure;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash that names an erased customer in {@code privacy.erasure_log} (CONTRACT §6): lower
 * hex HMAC-SHA256 (RFC 2104) of the UTF-8 bytes of the customer id stripped of surrounding
 * whitespace ({@link String#strip()}), under the 32-byte key of {@code privacy.erasure_key}. A
 * plain hash of an id could be reversed by hashing every plausible id; without the key it cannot.
 * Computed in Java only, so SQL never sees the key and the id never reaches a query text.
 */
public final class CustomerKeyHash {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public CustomerKeyHash(byte[] keyBytes) {
    Objects.requireNonNull(keyBytes, "keyBytes");
    if (keyBytes.length == 0) {
      throw new IllegalArgumentException("the erasure key is empty");
    }
    this.key = new SecretKeySpec(keyBytes.clone(), ALGORITHM);
  }

  /** The lower hex HMAC-SHA256 of {@code customerId.strip()}. */
  public String of(String customerId) {
    return hex(customerId.strip().getBytes(StandardCharsets.UTF_8));
  }

  /** The lower hex HMAC-SHA256 of raw bytes (no stripping): what {@link #of} applies. */
  public String hex(byte[] message) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(message));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** The pseudonym a retained transaction carries instead of the customer id (interface §5). */
  public static String pseudonym(String customerKeyHash) {
    return "erased:" + customerKeyHash;
  }
}
