package dev.landfall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.config.LandfallConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void unmatchedFiles_areTheCsvFilesNoConfiguredSourceClaims(@TempDir Path data) throws Exception {
    for (String file :
        List.of(
            "customers/2026-11-01.csv",
            "2026/transactions/export.csv",
            "customers_2026-11-02.csv",
            "customers/customer_export.csv",
            "drop/customer_export.csv",
            "notes/readme.txt",
            "payments_2026-11-01.csv")) {
      Path path = data.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, "id\n1\n");
    }
    LandfallConfig config = LandfallConfig.parse("project_id: p\nregion: r\n", "test");

    assertEquals(
        List.of("drop/customer_export.csv", "payments_2026-11-01.csv"),
        FlowCommand.unmatchedFiles(data, config));
    assertEquals(List.of(), FlowCommand.unmatchedFiles(null, config));
    assertEquals(data, FlowCommand.Settings.parse("--data", data.toString()).data());
  }
}
