package dev.landfall.landing;

import dev.landfall.config.SourceName;
import java.io.Serializable;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which configured source a file belongs to (CONTRACT §1), from its path relative to the landing
 * root. A source configured with path globs (config.yaml {@code sources.<name>.paths}) owns the
 * files they match; one without gets the defaults: a folder named after it anywhere in the path,
 * then the file-name prefix {@code <source>_}. The first tier (each source's globs, or its folder
 * rule) is tried for every source, in config order, before any prefix rule, so {@code
 * customers/customer_export.csv} is {@code customers}. A file no rule matches has no source.
 *
 * <p>As a pipeline option the rules are one string: sources separated by {@code ;}, each a name
 * with optional {@code =glob|glob}, e.g. {@code customers;transactions;payments=exports/pay_*.csv}.
 * Globs are Java's ({@code *} within a folder, {@code **} across folders, {@code {a,b}}).
 */
public final class SourceRules implements Serializable {
  private static final long serialVersionUID = 1L;

  /** source → its configured globs (empty: the default folder and prefix rules), in order. */
  private final LinkedHashMap<String, List<String>> sources;
  private transient Map<String, List<PathMatcher>> matchers;

  private SourceRules(LinkedHashMap<String, List<String>> sources) {
    this.sources = sources;
  }

  /** Parses the option form; throws naming the fault. */
  public static SourceRules parse(String spec) {
    LinkedHashMap<String, List<String>> sources = new LinkedHashMap<>();
    for (String entry : spec.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name = (eq < 0 ? entry : entry.substring(0, eq)).strip();
      if (!SourceName.isValid(name)) {
        throw new IllegalArgumentException("--sourceRules: source name '" + name + "' " + SourceName.RULE);
      }
      List<String> globs = new ArrayList<>();
      if (eq >= 0) {
        for (String glob : entry.substring(eq + 1).split("\\|")) {
          if (!glob.isBlank()) {
            globs.add(glob.strip());
          }
        }
        if (globs.isEmpty()) {
          throw new IllegalArgumentException("--sourceRules: source '" + name + "' has '=' but no glob");
        }
      }
      if (sources.put(name, List.copyOf(globs)) != null) {
        throw new IllegalArgumentException("--sourceRules: source '" + name + "' is listed twice");
      }
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("--sourceRules names no source");
    }
    SourceRules rules = new SourceRules(sources);
    rules.matchers(); // a malformed glob fails at launch, not on a worker
    return rules;
  }

  /** The option form of config.yaml's sources (their {@code paths}), for {@code --sourceRules}. */
  public static String spec(Collection<dev.landfall.config.Source> configured) {
    Map<String, List<String>> globs = new LinkedHashMap<>();
    configured.forEach(source -> globs.put(source.name(), source.paths()));
    return spec(globs);
  }

  /** The option form of {@code globsBySource} (config order; an empty list: default rules). */
  public static String spec(Map<String, List<String>> globsBySource) {
    List<String> entries = new ArrayList<>();
    globsBySource.forEach(
        (name, globs) -> entries.add(globs.isEmpty() ? name : name + "=" + String.join("|", globs)));
    return String.join(";", entries);
  }

  /** The source of the file at {@code relativePath} (relative to the landing root), if any. */
  public Optional<String> sourceOf(String relativePath) {
    String path = relativePath.replace('\\', '/');
    Path asPath = Path.of(path);
    String[] parts = path.toLowerCase(Locale.ROOT).split("/");
    // Tier 1, in config order: a source's globs, or its default folder rule.
    for (Map.Entry<String, List<String>> source : sources.entrySet()) {
      List<PathMatcher> globs = matchers().get(source.getKey());
      boolean matches =
          globs.isEmpty()
              ? Arrays.asList(parts).subList(0, parts.length - 1).contains(source.getKey())
              : globs.stream().anyMatch(glob -> glob.matches(asPath));
      if (matches) {
        return Optional.of(source.getKey());
      }
    }
    // Tier 2: the file-name prefix of the sources without globs.
    String fileName = parts[parts.length - 1];
    for (Map.Entry<String, List<String>> source : sources.entrySet()) {
      if (source.getValue().isEmpty() && fileName.startsWith(source.getKey() + "_")) {
        return Optional.of(source.getKey());
      }
    }
    return Optional.empty();
  }

  /**
   * The folder the rules' paths are relative to: the part of the file pattern before its first
   * wildcard, up to its last {@code /} ({@code gs://bucket/landing/**.csv} → {@code
   * gs://bucket/landing/}).
   */
  public static String root(String filePattern) {
    int wildcard = firstWildcard(filePattern);
    String fixed = wildcard < 0 ? filePattern : filePattern.substring(0, wildcard);
    return fixed.substring(0, fixed.lastIndexOf('/') + 1);
  }

  /** {@code file} relative to {@code root}; the whole path when it is not under it. */
  public static String relativize(String root, String file) {
    return !root.isEmpty() && file.startsWith(root) ? file.substring(root.length()) : file;
  }

  private static int firstWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  private Map<String, List<PathMatcher>> matchers() {
    if (matchers == null) {
      Map<String, List<PathMatcher>> built = new LinkedHashMap<>();
      sources.forEach(
          (name, globs) ->
              built.put(
                  name,
                  globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList()));
      matchers = built;
    }
    return matchers;
  }

  /** The configured source names, in order. */
  public List<String> names() {
    return List.copyOf(sources.keySet());
  }

  @Override
  public String toString() {
    return spec(sources);
  }
}
