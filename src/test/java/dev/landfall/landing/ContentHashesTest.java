package dev.landfall.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentHashesTest {
  private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @TempDir Path dir;

  @Test
  void declared_takesTheUploadScriptsMetadata() {
    assertEquals(HASH, ContentHashes.declared(Map.of("sha256", HASH)));
    assertEquals(HASH, ContentHashes.declared(Map.of("sha256", " " + HASH.toUpperCase() + "\n")));
  }

  @Test
  void declared_ignoresMissingOrMalformedValues() {
    assertNull(ContentHashes.declared(null));
    assertNull(ContentHashes.declared(Map.of()));
    assertNull(ContentHashes.declared(Map.of("other", HASH)));
    assertNull(ContentHashes.declared(Map.of("sha256", HASH.substring(1))));
    assertNull(ContentHashes.declared(Map.of("sha256", HASH.replace('f', 'g'))));
  }

  @Test
  void read_hashesTheWholeFile() throws IOException, NoSuchAlgorithmException {
    byte[] content = "id,amount\nt1,1.00\n".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("transactions_a.csv"), content);

    String hash = ContentHashes.read(FileSystems.matchNewResource(file.toString(), false));

    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    assertEquals(expected, hash);
  }
}
