package dev.landfall.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the hash of record hashes, content hashes and deploy history: one place to get it. */
public final class Sha256 {
  private Sha256() {}

  /** A new SHA-256 digest (one per thread or stream: a digest is not thread-safe). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** Lower-case hex SHA-256 of the text's UTF-8 bytes. */
  public static String hex(String text) {
    return HexFormat.of().formatHex(newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
