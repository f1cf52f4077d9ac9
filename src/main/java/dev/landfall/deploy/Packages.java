package dev.landfall.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The packages of a {@code routines/} folder, in dependency order (dependencies first). */
public final class Packages {

  private Packages() {}

  /**
   * Every package under {@code routinesDir}, dependencies first; ties keep the fixed service order
   * (lake, customers, transactions, analytics), then names. Unknown dependencies and cycles fail.
   */
  public static List<ServicePackage> discover(Path routinesDir) {
    Map<String, List<RoutineFile>> filesByService = new TreeMap<>();
    for (RoutineFile f : RoutineFile.discover(routinesDir)) {
      filesByService.computeIfAbsent(f.service(), s -> new ArrayList<>()).add(f);
    }
    Map<String, ServicePackage> byName = new LinkedHashMap<>();
    try (var dirs = Files.list(routinesDir)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        String service = dir.getFileName().toString();
        if (service.startsWith(".")) {
          continue;
        }
        String display = routinesDir.getFileName() + "/" + service;
        byName.put(
            service,
            ServicePackage.read(dir, display, filesByService.getOrDefault(service, List.of())));
      }
    } catch (java.io.IOException e) {
      throw new DeployException("cannot list " + routinesDir + ": " + e.getMessage(), e);
    }
    return ordered(byName);
  }

  static List<ServicePackage> ordered(Map<String, ServicePackage> byName) {
    for (ServicePackage p : byName.values()) {
      for (String dep : p.dependsOn()) {
        if (!byName.containsKey(dep)) {
          throw new DeployException(
              "routines/" + p.name() + "/" + ServicePackage.MANIFEST + ": depends on unknown"
                  + " package '" + dep + "' (known: " + String.join(", ", byName.keySet()) + ")");
        }
      }
    }
    List<ServicePackage> candidates = new ArrayList<>(byName.values());
    candidates.sort(
        java.util.Comparator.comparing((ServicePackage p) -> RoutineFile.serviceRank(p.name()))
            .thenComparing(ServicePackage::name));
    List<ServicePackage> order = new ArrayList<>();
    Set<String> done = new java.util.HashSet<>();
    while (order.size() < candidates.size()) {
      ServicePackage next = null;
      for (ServicePackage p : candidates) {
        if (!done.contains(p.name()) && done.containsAll(p.dependsOn())) {
          next = p;
          break;
        }
      }
      if (next == null) {
        List<String> left =
            candidates.stream().map(ServicePackage::name).filter(n -> !done.contains(n)).toList();
        throw new DeployException("packages depend on each other in a cycle: " + left);
      }
      order.add(next);
      done.add(next.name());
    }
    return order;
  }
}
