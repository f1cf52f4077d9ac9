package dev.landfall.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Orders views, functions and procedures so that each comes after the objects it names: BigQuery
 * resolves the references of a view or table function when it creates it, so a view created before
 * its base view fails. Ties keep kind order, then path.
 */
final class ObjectOrder {

  private ObjectOrder() {}

  static List<Deployer.Planned> sort(List<Deployer.Planned> objects) {
    List<Deployer.Planned> order = new ArrayList<>();
    Set<Deployer.Planned> placed = new LinkedHashSet<>();
    while (order.size() < objects.size()) {
      Deployer.Planned next = null;
      for (Deployer.Planned p : objects) {
        if (!placed.contains(p) && placed.containsAll(references(p, objects))) {
          next = p;
          break;
        }
      }
      if (next == null) {
        List<String> cycle =
            objects.stream()
                .filter(p -> !placed.contains(p))
                .map(p -> p.file().displayPath())
                .toList();
        throw new DeployException("objects name each other in a cycle: " + cycle);
      }
      order.add(next);
      placed.add(next);
    }
    return order;
  }

  /** The other objects of {@code all} that {@code p}'s SQL names. */
  static List<Deployer.Planned> references(Deployer.Planned p, List<Deployer.Planned> all) {
    String code = RoutineFile.stripCommentsAndStrings(p.sql()).toLowerCase(Locale.ROOT);
    List<Deployer.Planned> refs = new ArrayList<>();
    for (Deployer.Planned other : all) {
      if (other == p || other.objectName() == null) {
        continue;
      }
      String[] parts = other.objectName().toLowerCase(Locale.ROOT).split("\\.");
      String dataset = parts[parts.length - 2];
      String name = parts[parts.length - 1];
      Pattern ref =
          Pattern.compile(
              "(?<![a-z0-9_])" + Pattern.quote(dataset) + "`?\\s*\\.\\s*`?" + Pattern.quote(name)
                  + "(?![a-z0-9_])");
      if (ref.matcher(code).find()) {
        refs.add(other);
      }
    }
    return refs;
  }
}
