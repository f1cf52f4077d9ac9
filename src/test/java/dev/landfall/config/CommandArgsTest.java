package dev.landfall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandArgsTest {
  private static final Set<String> VALUES = Set.of("--config", "--service", "--endpoint");
  private static final Set<String> SWITCHES = Set.of("--dry-run");

  private static CommandArgs parse(String... args) {
    return CommandArgs.parse(args, VALUES, SWITCHES);
  }

  @Test
  void valuesAndSwitches() {
    CommandArgs args = parse("--service", "a,b", "--dry-run", "--config", "c.yaml", "--service", "c", "--endpoint", " ");
    assertEquals("c.yaml", args.value("--config"));
    assertEquals(List.of("a,b", "c"), args.values("--service"));
    assertEquals("c", args.value("--service"), "the last one given");
    assertTrue(args.has("--dry-run"));
    assertNull(args.nonBlank("--endpoint"), "a blank value is absent");
    assertNull(args.value("--missing"));
    assertFalse(parse().has("--dry-run"));
  }

  @Test
  void errorsNameTheArgument() {
    assertEquals("--config needs a value", assertThrows(IllegalArgumentException.class, () -> parse("--config")).getMessage());
    assertEquals("--config needs a value",
        assertThrows(IllegalArgumentException.class, () -> parse("--config", "--dry-run")).getMessage());
    assertEquals("unknown argument: --nope", assertThrows(IllegalArgumentException.class, () -> parse("--nope")).getMessage());
    assertEquals("unknown argument: --dry-run=1",
        assertThrows(IllegalArgumentException.class, () -> parse("--dry-run=1")).getMessage());
    assertEquals("help", assertThrows(IllegalArgumentException.class, () -> parse("-h")).getMessage());
  }
}
