package dev.landfall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowCommandTest {

  @Test
  void parse_readsTimingsInOrderAndAddsRepeats() {
    FlowCommand.Settings s =
        FlowCommand.Settings.parse(
            "--timing",
            "build=29.2",
            "--timing",
            "landing=11.5",
            "--timing",
            "build=0.8",
            "--compare-previous-week",
            "--customer",
            "C0005",
            "--out",
            "out");

    assertEquals(Map.of("build", 30.0, "landing", 11.5), s.timings());
    assertEquals("[build, landing]", s.timings().keySet().toString());
    assertTrue(s.previousWeek());
    assertEquals("C0005", s.customer());
    assertEquals(Path.of("out"), s.out());
    assertEquals("latest", s.asOf());
  }

  @Test
  void parse_refusesBadTimingsAndUnknownFlags() {
    for (String bad : new String[] {"landing", "=3", "landing=fast", "landing=-1", "landing=NaN"}) {
      assertThrows(
          IllegalArgumentException.class, () -> FlowCommand.Settings.parse("--timing", bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> FlowCommand.Settings.parse("--timing"));
    assertThrows(IllegalArgumentException.class, () -> FlowCommand.Settings.parse("--colour"));
  }
}
