package dev.landfall.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The flags of the project's Java commands (deploy, erase): {@code --name value} options and
 * {@code --name} switches, each command naming which it takes. Errors are {@link
 * IllegalArgumentException}s the commands print with their usage (exit status 2); {@code -h} and
 * {@code --help} are one too ("help").
 */
public final class CommandArgs {
  private final Map<String, List<String>> values;
  private final Set<String> switches;

  private CommandArgs(Map<String, List<String>> values, Set<String> switches) {
    this.values = values;
    this.switches = switches;
  }

  /**
   * Parses {@code args}: each of {@code valueFlags} takes the next argument (which may not start
   * with "--"), each of {@code switchFlags} stands alone; anything else is refused.
   */
  public static CommandArgs parse(String[] args, Set<String> valueFlags, Set<String> switchFlags) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    Set<String> switches = new TreeSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        throw new IllegalArgumentException("help");
      } else if (switchFlags.contains(arg)) {
        switches.add(arg);
      } else if (valueFlags.contains(arg)) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        values.computeIfAbsent(arg, a -> new ArrayList<>()).add(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument: " + arg);
      }
    }
    return new CommandArgs(values, switches);
  }

  /** The flag's value (the last one given), or null. */
  public String value(String flag) {
    List<String> given = values.get(flag);
    return given == null ? null : given.get(given.size() - 1);
  }

  /** The flag's value, null when absent or blank (an empty {@code --endpoint ""}). */
  public String nonBlank(String flag) {
    String value = value(flag);
    return value == null || value.isBlank() ? null : value;
  }

  /** Every value given for the flag, in order. */
  public List<String> values(String flag) {
    return List.copyOf(values.getOrDefault(flag, List.of()));
  }

  /** Whether the switch was given. */
  public boolean has(String flag) {
    return switches.contains(flag);
  }
}
