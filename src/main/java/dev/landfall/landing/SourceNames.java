package dev.landfall.landing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives a file's source (service) from its path, as CONTRACT §1 names it: the file-name prefix
 * before the first {@code _} ({@code customers_2026-11-01.csv}), else the parent folder ({@code
 * customers/2026-11-01.csv}). The prefix is tried first so a flat folder of mixed files (the
 * shipped samples, a local drop folder) works; pass {@code --source} when neither fits.
 */
public final class SourceNames {
  private static final Pattern VALID = Pattern.compile(dev.landfall.config.SourceName.REGEX);
  private static final Pattern PREFIX = Pattern.compile("^([A-Za-z][A-Za-z0-9-]*)_.*");

  private SourceNames() {}

  /** The source of {@code path}, lower-cased; throws when neither rule yields a valid name. */
  public static String fromPath(String path) {
    String normalized = path.replace('\\', '/');
    int slash = normalized.lastIndexOf('/');
    String fileName = normalized.substring(slash + 1);
    Matcher prefix = PREFIX.matcher(fileName);
    if (prefix.matches()) {
      return prefix.group(1).toLowerCase(java.util.Locale.ROOT);
    }
    if (slash > 0) {
      String parent = normalized.substring(0, slash);
      String folder = parent.substring(parent.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
      if (VALID.matcher(folder).matches()) {
        return folder;
      }
    }
    throw new IllegalArgumentException(
        "Cannot tell the source of "
            + path
            + ": put it in a folder named after its source, name it <source>_<anything>.csv,"
            + " or pass --source");
  }

  /** Whether {@code name} is usable as a source name (the one rule: {@code SourceName.REGEX}). */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
