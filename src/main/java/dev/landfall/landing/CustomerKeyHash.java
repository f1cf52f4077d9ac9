package dev.landfall.landing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash naming an erased customer: lower-case hex HMAC-SHA256(key, UTF-8 of the customer
 * id stripped of surrounding whitespace). Not thread-safe (one Mac): one per DoFn instance.
 */
final class CustomerKeyHash {
  private final Mac mac;

  CustomerKeyHash(byte[] key) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }

  String of(String customerId) {
    return HexFormat.of().formatHex(mac.doFinal(customerId.strip().getBytes(StandardCharsets.UTF_8)));
  }
}
