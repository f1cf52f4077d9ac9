package dev.landfall.erasure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A local folder playing the landing bucket ({@code --data DIR}): lake source_file values are the
 * files' absolute paths. A file's "generation" is its modification time; a replace is an atomic
 * rename of a sibling file. A folder keeps no earlier versions.
 */
final class LocalLandingStore implements LandingStore {
  private final Path root;

  LocalLandingStore(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  @Override
  public boolean holds(String sourceFile) {
    Path path = Path.of(sourceFile).toAbsolutePath().normalize();
    return path.startsWith(root);
  }

  @Override
  public Version fetch(String sourceFile, Path into) throws IOException {
    Path path = Path.of(sourceFile);
    if (!Files.isRegularFile(path)) {
      return null;
    }
    long modified = Files.getLastModifiedTime(path).toMillis();
    Files.copy(path, into, StandardCopyOption.REPLACE_EXISTING);
    return new Version(sourceFile, modified);
  }

  @Override
  public void replace(Version version, Path content, String sha256) throws IOException {
    Path path = Path.of(version.sourceFile());
    if (Files.getLastModifiedTime(path).toMillis() != version.generation()) {
      throw new ErasureException(path + " changed while it was being rewritten; run again");
    }
    Path sibling = path.resolveSibling("." + path.getFileName() + ".erasure");
    Files.copy(content, sibling, StandardCopyOption.REPLACE_EXISTING);
    Files.move(sibling, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public int deleteEarlierVersions(String sourceFile) {
    return 0;
  }
}
