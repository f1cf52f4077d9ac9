package dev.landfall.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code routines/<service>/} folder: a self-contained package with a manifest ({@code
 * package.yaml}: name, version, the packages it depends on), its object files and its ordered
 * migrations.
 */
public record ServicePackage(
    String name,
    String version,
    List<String> dependsOn,
    Path dir,
    List<RoutineFile> files,
    List<Migration> migrations) {

  public static final String MANIFEST = "package.yaml";
  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?");
  private static final Pattern MIGRATION = Pattern.compile("(\\d{3,})_[a-z0-9_]+\\.sql");

  /** One {@code migrations/NNN_what.sql}: runs once, in number order. */
  public record Migration(String service, String fileName, Path path, String displayPath) {}

  public ServicePackage {
    dependsOn = List.copyOf(dependsOn);
    files = List.copyOf(files);
    migrations = List.copyOf(migrations);
  }

  /** Reads the manifest, object files and migrations of {@code dir}. */
  static ServicePackage read(Path dir, String displayDir, List<RoutineFile> files) {
    Path manifest = dir.resolve(MANIFEST);
    String where = displayDir + "/" + MANIFEST;
    if (!Files.isRegularFile(manifest)) {
      throw new DeployException(
          where + ": missing; every routines/<service>/ folder is a package with a manifest"
              + " (name, version, depends_on)");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(manifest));
    } catch (IOException e) {
      throw new DeployException(where + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new DeployException(where + ": expected a mapping");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!Set.of("name", "version", "depends_on", "description").contains(key)) {
        throw new DeployException(
            where + ": unknown key '" + key + "' (allowed: name, version, depends_on, description)");
      }
    }
    String folder = dir.getFileName().toString();
    String name = root.path("name").asText("");
    if (!name.equals(folder)) {
      throw new DeployException(
          where + ": name '" + name + "' must be the folder's name '" + folder + "'");
    }
    String version = root.path("version").asText("");
    if (!VERSION.matcher(version).matches()) {
      throw new DeployException(
          where + ": version '" + version + "' must be a semantic version like 1.2.0");
    }
    List<String> dependsOn = new ArrayList<>();
    JsonNode deps = root.path("depends_on");
    if (!deps.isMissingNode() && !deps.isNull()) {
      if (!deps.isArray()) {
        throw new DeployException(where + ": depends_on must be a list of package names");
      }
      deps.forEach(d -> dependsOn.add(d.asText()));
    }
    return new ServicePackage(
        name, version, dependsOn, dir, files, migrations(dir, displayDir, name));
  }

  private static List<Migration> migrations(Path dir, String displayDir, String service) {
    Path folder = dir.resolve("migrations");
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    List<Migration> migrations = new ArrayList<>();
    try (Stream<Path> list = Files.list(folder)) {
      for (Path p : list.sorted().toList()) {
        String fileName = p.getFileName().toString();
        if (fileName.startsWith(".") || fileName.equals("README.md")) {
          continue;
        }
        if (!MIGRATION.matcher(fileName).matches()) {
          throw new DeployException(
              displayDir + "/migrations/" + fileName
                  + ": migration files are named NNN_what.sql (NNN: 001, 002, ...)");
        }
        migrations.add(
            new Migration(service, fileName, p, displayDir + "/migrations/" + fileName));
      }
    } catch (IOException e) {
      throw new DeployException("cannot list " + folder + ": " + e.getMessage(), e);
    }
    for (int i = 1; i < migrations.size(); i++) {
      String a = migrations.get(i - 1).fileName();
      String b = migrations.get(i).fileName();
      if (a.substring(0, a.indexOf('_')).equals(b.substring(0, b.indexOf('_')))) {
        throw new DeployException(
            displayDir + "/migrations: two migrations share a number: " + a + ", " + b);
      }
    }
    return migrations;
  }
}
