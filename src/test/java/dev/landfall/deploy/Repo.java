package dev.landfall.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found from the working directory (no engine needed). */
final class Repo {
  private Repo() {}

  static Path root() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("routines"))) {
        return d;
      }
    }
    throw new IllegalStateException("repository root not found");
  }
}
