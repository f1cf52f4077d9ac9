package dev.landfall.landing;

import dev.landfall.hash.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A file's content SHA-256, the key that skips content already landed.
 *
 * <p>On Cloud Storage, {@code scripts/upload_files.sh} stores it as the object's {@code sha256}
 * custom metadata when it uploads (it hashed the file anyway, to skip duplicates): reading it is
 * one metadata call instead of reading the whole file on one worker, which for a 100 GB file
 * would be minutes before any range is parsed. Elsewhere (local files, objects uploaded another
 * way) a new file is read once and hashed; a file landed before is known by its listing identity
 * and never read again ({@link SkipLanded}).
 */
final class ContentHashes {
  /** The custom metadata key {@code scripts/upload_files.sh} writes. */
  static final String METADATA_KEY = "sha256";

  private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ContentHashes() {}

  /** The {@code sha256} metadata value, lower-cased, or null when absent or not a SHA-256. */
  static String declared(Map<String, String> metadata) {
    if (metadata == null) {
      return null;
    }
    String value = metadata.get(METADATA_KEY);
    if (value == null) {
      return null;
    }
    String hex = value.trim().toLowerCase(Locale.ROOT);
    return HEX_SHA256.matcher(hex).matches() ? hex : null;
  }

  /** Reads the whole file once. */
  static String read(ResourceId resource) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in =
        new DigestInputStream(Channels.newInputStream(FileSystems.open(resource)), digest)) {
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
